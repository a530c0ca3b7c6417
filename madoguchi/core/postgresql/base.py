"""Django's PostgreSQL backend whose connection health check asks the socket, not the server.

With persistent connections and health checks on (config.settings: ``CONN_MAX_AGE``,
``conn_health_checks``), Django checks a reused connection at the first query of every request with a
``SELECT 1``: a round trip on every request — one of a call-next's nine (the token, the counter, BEGIN, the
call, its UPDATE and INSERT, COMMIT, the notices check, and this).

What that query finds out, the socket already tells: a server that restarted, stopped or ended the
session (``pg_terminate_backend``, an idle timeout) sends its FATAL message and closes the connection,
so the idle socket has something to read — and a healthy idle session has nothing to say unasked (this
app LISTENs to nothing). So a reused connection is usable when psycopg holds it open and idle and the
socket has nothing waiting; anything else goes to Django's own check (``SELECT 1``) or to a new
connection. What neither can see without waiting — a network that silently drops the packets — fails
the request's first query as before, and Django closes that connection when the request ends.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # mid-transaction or unknown: ask the server, as Django does
        try:
            poller = select.poll()  # not select(): it refuses a descriptor above 1023
            poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            said_something = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return False
        return not said_something

"""The PostgreSQL backend's health check (madoguchi.core.postgresql): it asks the socket, not the server,
and still finds a session the server ended — so a request reconnects instead of failing."""

import time

import pytest
from django.db import connection, connections

from madoguchi.core.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other():
    """A second connection to the test database, as a gunicorn worker holds one between requests."""
    assert isinstance(connections["default"], DatabaseWrapper)  # the settings name this backend for PostgreSQL
    other = connections["default"].copy()
    other.health_check_enabled = True
    other.ensure_connection()
    yield other
    other.close()


def _last_query(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_idle_connection_is_usable_without_a_query_sent(other):
    with other.cursor() as cursor:
        cursor.execute("SELECT 'the last thing this session was asked'")
    pid = other.connection.info.backend_pid

    assert other.is_usable()

    assert _last_query(pid) == "SELECT 'the last thing this session was asked'"  # no SELECT 1 went out


def test_a_session_the_server_ended_is_found_and_the_next_query_reconnects(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while other.is_usable() and time.monotonic() < deadline:
        time.sleep(0.02)  # the server's goodbye reaches the socket a moment after it is sent
    assert not other.is_usable()

    other.health_check_done = False  # a new request, as Django's request_started does
    with other.cursor() as cursor:  # the check closes the dead connection; the query gets a new one
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_in_a_transaction_the_server_is_asked(other):
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("SELECT 'in a transaction'")  # a transaction is open: the socket alone cannot say
    pid = other.connection.info.backend_pid

    assert other.is_usable()

    assert _last_query(pid) == "SELECT 1"  # Django's own check went out
    other.rollback()
    other.set_autocommit(True)

"""A wait that must not hold a request runs here, on a thread of its own, after the request's answer.

A gunicorn worker serves one request at a time (``config/gunicorn.conf.py``): a request that waited
for a device — a resident tapping a card on the payment terminal — would hold every request queued
behind it for as long. Such a wait is started here instead, once the request's transaction has
committed, and the request answers at once.

What runs here must be safe to lose: a killed process loses it, so the protocol that starts it
must settle it another way (a pending payment is settled from the terminal's status of its key).
A thread is not a daemon: a worker that stops gracefully finishes it first. Its database
connections are its own and closed when it ends.
"""

import logging
import threading
import time

from django.db import connections, transaction

logger = logging.getLogger(__name__)

_live: set[threading.Thread] = set()
_lock = threading.Lock()


def start(function, /, *args, name: str, **kwargs) -> threading.Thread:
    """Run ``function(*args, **kwargs)`` on a new thread now; an exception is logged, never raised."""

    def run():
        try:
            function(*args, **kwargs)
        except Exception:
            logger.exception("background work %s failed", name)
        finally:
            connections.close_all()  # this thread's own connections
            with _lock:
                _live.discard(thread)

    thread = threading.Thread(target=run, name=f"madoguchi-{name}", daemon=False)
    with _lock:
        _live.add(thread)
    thread.start()
    return thread


def after_commit(function, /, *args, name: str, **kwargs) -> None:
    """``start`` once the current transaction commits (at once outside one; never after a rollback).
    A thread that cannot be started is logged, not raised: the request's work is committed, and what
    was to run here must be settled another way anyway."""
    transaction.on_commit(lambda: start(function, *args, name=name, **kwargs), robust=True)


def running() -> int:
    """How many started here have not ended."""
    with _lock:
        return len(_live)


def wait(timeout: float = 30) -> bool:
    """Wait up to ``timeout`` seconds in all for everything started here to end (the tests).
    True when nothing is left running."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            threads = list(_live)
        if not threads:
            return True
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if time.monotonic() >= deadline:
            return running() == 0

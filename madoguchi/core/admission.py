"""One request at a time at the interpreter in each worker process: the others wait their turn instead of
slicing the interpreter lock between them.

gunicorn gives each worker several threads (``--threads 4``) so that a worker waiting on something outside —
the payment terminal while a resident taps a card, the mail server — still answers the others. But requests
that compute share one interpreter lock: four at once each run at a quarter of the speed and hold their row
locks (the counter's queue tail, the Step being called) four times as long, and every other request of that
counter queues behind those locks. Measured on the 2-core machine (2 workers, 20 closed-loop clients,
PostgreSQL, alternating runs): registration p95 104 ms with 4 threads against 63 with 1, call-next p95 119
against 70, and less CPU per request with 1 (no lock hand-offs).

``AdmissionMiddleware`` (after the request observation, so the waiting counts in the measured latency) lets
a request run when the process's turn is free, or once it has waited ``ADMISSION_PATIENCE_MS`` (100 ms by
default): a long request (a PDF, a report) holds the short ones behind it no longer than that, after which
they share the interpreter as before. ``waiting_outside()`` gives the turn up while a request waits on
something outside the process — never inside a transaction, where it would keep its locks while others run.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

_turn = threading.Lock()
_state = threading.local()


def _patience() -> float:
    return getattr(settings, "ADMISSION_PATIENCE_MS", 100) / 1000


def holds_turn() -> bool:
    return getattr(_state, "held", False)


class AdmissionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _state.held = _turn.acquire(timeout=_patience())
        try:
            return self.get_response(request)
        finally:
            if holds_turn():
                _state.held = False
                _turn.release()


@contextmanager
def waiting_outside():
    """Around a wait on the world outside the process (a terminal, a mail server): the turn is given up
    meanwhile, and taken again (with the same patience) after. Inside a transaction it is kept."""
    gives_up = holds_turn() and not connection.in_atomic_block
    if gives_up:
        _state.held = False
        _turn.release()
    try:
        yield
    finally:
        if gives_up:
            _state.held = _turn.acquire(timeout=_patience())

"""The app server killed between "pending" and "final": the terminal has taken the money, the payment
here is still pending. After the restart, the terminal's status of the key settles it — on the next
request with the same key, or by ``manage.py payments_resolve`` — and nothing is charged twice.

A real gunicorn serves the test database; the simulated terminal keeps its state in its own file, as
a device on the counter would, so it outlives the killed process."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.payments.models import Payment
from madoguchi.payments.terminals import Outcome
from madoguchi.reception.tests.servers import database_url, free_port

from .factories import visit_at_desk

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def server_env() -> dict[str, str]:
    terminal = {**settings.PAYMENT_TERMINAL["options"], "hang_seconds": 120}
    return {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
            "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="madoguchi-pay-crash-"),
            "PAYMENT_TERMINAL": "simulated", "PAYMENT_TERMINAL_OPTIONS": json.dumps(terminal)}


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "--log-level", "error"], cwd=ROOT, env=server_env(), start_new_session=True)
    for _ in range(400):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def kill(process: subprocess.Popen, port: int) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # master and workers at once, mid-request
    process.wait()
    # A worker still dying may hold the listening socket a moment: a request sent now would be
    # accepted and lost with it. Wait until nothing listens on the port any more.
    for _ in range(400):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(0.05)
        except OSError:
            return


def post(port: int, path: str, body: dict, token: str, timeout: float = 10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, json.dumps(body),
                           {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    except OSError:
        return None, None  # the server died mid-request: no answer
    finally:
        connection.close()


def wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def test_a_server_killed_after_the_terminal_approved_resolves_from_its_status(starter_catalog,
                                                                              simulated_terminal):
    visits = [visit_at_desk(["cert.juminhyo"], desk=desk) for desk in (1, 2)]
    clerk = visits[0][3]
    clerk.counters.add(visits[1][1].counter)
    token = api_token_get_or_create(user=clerk).key
    bodies = [{"items": [{"fee_item": "juminhyo", "quantity": 1}], "method": "card", "counter": "koseki-cert",
               "desk": desk, "idempotency_key": f"crash-key-{desk:04d}"} for desk in (1, 2)]
    # Both charges are approved by the terminal, whose answer then never comes back.
    simulated_terminal.script(["hang", "hang"])
    port = free_port()
    server = start_server(port)
    answers: list = []
    clients = [threading.Thread(target=lambda v=v, b=b: answers.append(
        post(port, f"/api/v1/visits/{v[0].pk}/payments", b, token, timeout=60))) for v, b in zip(visits, bodies,
                                                                                                 strict=True)]
    try:
        for thread in clients:
            thread.start()
        wait_for(lambda: all(simulated_terminal.status(key=b["idempotency_key"]).outcome == Outcome.APPROVED
                             for b in bodies), "the terminal to approve both charges")
        kill(server, port)
        for thread in clients:
            thread.join()
        assert answers == [(None, None), (None, None)], "a client got an answer: the kill came too late"
        assert set(Payment.objects.values_list("status", flat=True)) == {Payment.Status.PENDING}

        server = start_server(port)
        # The first clerk sends the same request again (same key): the restarted server asks the terminal.
        status, body = post(port, f"/api/v1/visits/{visits[0][0].pk}/payments", bodies[0], token, timeout=90)
        assert status == 200, body
        assert body["status"] == "paid" and body["receipt_number"]
    finally:
        kill(server, port)

    # The other one is settled by the resolver command (run at start-up or from cron).
    env = {**server_env(), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    result = subprocess.run([sys.executable, "manage.py", "payments_resolve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "paid: 1" in result.stdout

    payments = {p.idempotency_key: p for p in Payment.objects.all()}
    assert {p.status for p in payments.values()} == {Payment.Status.PAID}
    assert len(simulated_terminal.charges()) == 2  # one sale per payment, never a second charge
    assert {p.transaction_id for p in payments.values()} == {c["transaction_id"] for c in simulated_terminal.charges()}

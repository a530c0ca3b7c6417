"""gunicorn as deployed (config/gunicorn.conf.py: sync workers, one request at a time each) with ONE
worker: while a resident is at the terminal, the same worker answers other requests — the
charge was answered 202 at once and the terminal is asked on a thread of its own — and the payment,
polled, ends paid, charged once."""

import http.client
import json
import os
import subprocess
import tempfile
import time

import pytest
from django.conf import settings

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.payments.models import Payment
from madoguchi.reception.tests.servers import database_url, free_port

from .factories import visit_at_desk
from .test_crash_recovery import GUNICORN, ROOT, kill

# On PostgreSQL, as an office deploys (the second lane: real servers take their time; make run's SQLite
# serves the same code, and the browser tests cover the console's side of the wait).
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def request(port: int, method: str, path: str, token: str, body: dict | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None,
                           {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        raw = response.read()
        payload = json.loads(raw) if response.getheader("Content-Type", "").startswith("application/json") else raw
        return response.status, payload, dict(response.getheaders())
    finally:
        connection.close()


def test_one_worker_keeps_answering_while_a_card_payment_waits_for_the_resident(starter_catalog,
                                                                                 simulated_terminal):
    visit, _step, _register, clerk = visit_at_desk(["cert.tax"])
    token = api_token_get_or_create(user=clerk).key
    simulated_terminal.hold()  # the resident is still at the terminal until released
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
           "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="madoguchi-pay-async-"), "PAYMENT_TERMINAL": "simulated",
           "PAYMENT_TERMINAL_OPTIONS": json.dumps(settings.PAYMENT_TERMINAL["options"])}
    server = subprocess.Popen([str(GUNICORN), "config.wsgi", "-c", str(ROOT / "config/gunicorn.conf.py"),
                               "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "error"],
                              cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                status = request(port, "GET", "/healthz", token)[0]
                break
            except OSError:
                time.sleep(0.05)
        assert status == 200

        body = {"items": [{"fee_item": "tax"}], "method": "card", "counter": "koseki-cert", "desk": 1,
                "idempotency_key": "async-server-0001"}
        status, payment, headers = request(port, "POST", f"/api/v1/visits/{visit.pk}/payments", token, body,
                                                 {"Prefer": "respond-async"})
        assert status == 202 and payment["status"] == "pending", payment
        location = headers["Location"].removeprefix(f"http://127.0.0.1:{port}")

        # The only worker answers while the resident is still at the terminal.
        status, listed, _headers = request(port, "GET", "/api/v1/payments", token)
        assert status == 200 and [p["status"] for p in listed] == ["pending"]
        simulated_terminal.release()

        deadline = time.monotonic() + 30
        while (polled := request(port, "GET", location, token)[1])["status"] == "pending":
            assert time.monotonic() < deadline, "the payment never became final"
            time.sleep(0.2)
        assert polled["status"] == "paid" and polled["receipt_number"]
    finally:
        kill(server, port)
    assert Payment.objects.get().status == "paid"
    assert len(simulated_terminal.charges()) == 1

"""The app as `make run` and the systemd unit serve it: gunicorn with config/gunicorn.conf.py and
several workers. What is typed into a URL's query string reaches neither the access log nor the
app's log, the app's log lines are JSON when asked, and /metrics counts every worker's requests
whichever worker answers the scrape."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from madoguchi.core.mynumber import is_valid_individual_number
from madoguchi.core.tests.test_operations import _latency_count

# gunicorn's settings are the same whatever the database: one run covers them (scripts/test.sh).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.database_independent]

GUNICORN = Path(sys.executable).with_name("gunicorn")
TYPED = "yamada-taro-0312"  # stands for anything a person typed into a GET form


def database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def get(port: int, path: str) -> tuple[int, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request("GET", path)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


@pytest.fixture
def served(tmp_path):
    """gunicorn on a free port with two workers, as `make run` starts it; its output in files."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    var = Path(tempfile.mkdtemp(prefix="madoguchi-gunicorn-", dir=tmp_path))
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "ALLOWED_HOSTS": "127.0.0.1", "MADOGUCHI_VAR_DIR": str(var),
           "LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    out, err = (tmp_path / "stdout.log").open("w+b"), (tmp_path / "stderr.log").open("w+b")
    process = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"], cwd=settings.BASE_DIR, env=env, stdout=out, stderr=err)
    try:
        for _ in range(300):
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, var, out, err
    finally:
        process.terminate()
        process.wait(timeout=30)
        out.close()
        err.close()


def test_metrics_sum_every_workers_requests_whichever_worker_answers(served):
    port, var, _out, _err = served
    before = _healthz_count(port)

    # Several clients at once, so that both workers serve some of them.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: get(port, "/healthz")[0], range(80)))
    assert statuses == [200] * 80
    scrapes = [_healthz_count(port) for _ in range(6)]

    assert len(list((var / "prometheus").glob("histogram_*.db"))) == 2  # both workers recorded requests
    # Every scrape, whichever worker answers it, counts all 80, not only its own worker's.
    assert scrapes == [before + 80] * 6, (before, scrapes)


def _healthz_count(port: int) -> float:
    status, body = get(port, "/metrics")
    assert status == 200
    return _latency_count({f.name: f.samples for f in text_string_to_metric_families(body.decode())}, "core:healthz")


def test_what_was_typed_in_a_query_string_reaches_no_log(served):
    port, _var, out, err = served

    get(port, f"/healthz?name={TYPED}")
    get(port, f"/navigator/?q={TYPED}")
    number = "4321876509" + next(f"{d}{e}" for d in "0123456789" for e in "0123456789"
                                 if is_valid_individual_number(f"4321876509{d}{e}") and d == "3")
    get(port, f"/v/{number[:4]}-{number[4:8]}-{number[8:]}/")  # typed into the path: refused, and not logged
    get(port, "/v/" + quote(number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) + "/")
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # refused by gunicorn: its error log
        raw.sendall(f"GET  /v/{number}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        raw.recv(1024)
    get(port, f"/congestion/?site={TYPED}")

    def read_logs() -> str:
        out.seek(0)
        err.seek(0)
        return out.read().decode() + err.read().decode()

    # gunicorn writes the access log line after sending the response: wait for it, not for a set time.
    deadline = time.monotonic() + 30
    while '"GET /congestion/ HTTP/1.1"' not in read_logs() and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = read_logs()
    assert TYPED not in logged
    assert f"{number[4:8]}-{number[8:]}" not in logged and logged.count("[a path holding an individual number]") == 2
    assert number not in logged and "[a log line holding an individual number]" in logged  # gunicorn's error log
    assert '"GET /healthz HTTP/1.1" 200' in logged  # the access log line, path only
    app_lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    requests = [line for line in app_lines if line.get("logger") == "madoguchi.requests"]
    assert {"method": "GET", "view": "navigator:start", "status": 200} | {"user_id": None} == {
        key: next(r for r in requests if r["view"] == "navigator:start")[key]
        for key in ("method", "view", "status", "user_id")}
    assert all({"time", "level", "duration_ms", "queries"} <= set(r) for r in requests)


def test_every_worker_serves_one_request_at_a_time_as_the_unit_and_make_run_start_it():
    """Sync workers (no request waits for a device: see madoguchi.core.background); a command line's
    --threads would silently make them gthread ones, so none of ours passes it."""
    import ast

    from gunicorn.config import Config

    config = Config()
    # Read, not run: running it would set this process's metrics directory.
    tree = ast.parse((settings.BASE_DIR / "config" / "gunicorn.conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id in ("worker_class", "threads"):
            config.set(node.targets[0].id, ast.literal_eval(node.value))
    assert (config.worker_class_str, config.threads) == ("sync", 1)
    for launcher in ("Makefile", "deploy/systemd/madoguchi.service", "README.md"):
        assert "--threads" not in (settings.BASE_DIR / launcher).read_text(), launcher

"""What a ward's operators rely on: /healthz, /readyz, /metrics (staff network only) and one log line
per request (production's settings: test_deploy.py; gunicorn's access log: test_gunicorn.py)."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from pythonjsonlogger.json import JsonFormatter

from madoguchi.core import health

PRIVATE_CLIENT = {"REMOTE_ADDR": "10.1.2.3"}


def scrape(client: Client, **extra) -> dict[str, list]:
    """``/metrics`` parsed by prometheus_client's own parser: family name → samples."""
    response = client.get("/metrics", **(extra or PRIVATE_CLIENT))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {family.name: family.samples for family in text_string_to_metric_families(response.content.decode())}


@pytest.fixture
def fresh_readiness():
    health._migrations_checked.clear()
    yield
    health._migrations_checked.clear()


# /healthz and /readyz


@pytest.mark.django_db
def test_healthz_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers_and_every_migration_is_applied(fresh_readiness):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.content == b"ready\n"


@pytest.mark.django_db
def test_readyz_answers_503_naming_a_migration_the_database_has_not_applied(fresh_readiness):
    recorder = MigrationRecorder(connection)
    applied = sorted(name for app, name in recorder.applied_migrations() if app == "reception")
    recorder.record_unapplied("reception", applied[-1])  # as if this code came before its `migrate`

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert f"reception.{applied[-1]}" in response.content.decode()


@pytest.mark.django_db  # lets a connection be attempted at all
def test_readiness_reports_an_unreachable_database_without_its_settings(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    unreachable = DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3",
                                   "NAME": str(tmp_path / "no-such-dir" / "db.sqlite3"), "OPTIONS": {}},
                                  alias="unreachable")

    problems = health.readiness_problems(unreachable)

    assert problems == ["database unreachable (OperationalError)"]
    assert "no-such-dir" not in problems[0]


@pytest.mark.database_independent
def test_a_server_whose_database_is_down_is_alive_but_not_ready():
    """A real process with a PostgreSQL address nobody listens on: /healthz 200, /readyz 503, /metrics
    200 saying the database failed its collector."""
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='127.0.0.1')\n"
        "for url in ('/healthz', '/readyz'):\n"
        "    r = c.get(url)\n"
        "    print(url, r.status_code, r.content.decode().strip())\n"
        "r = c.get('/metrics')\n"
        "print('/metrics', r.status_code)\n"
        "print(r.content.decode())\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LOG_LEVEL": "CRITICAL",
           "DATABASE_URL": "postgres://nobody:secret-password@127.0.0.1:1/nothing"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "/healthz 200 ok" in result.stdout
    assert "/readyz 503 database unreachable (OperationalError)" in result.stdout
    # /metrics still answers: the request figures, and which collector the database failed.
    assert "/metrics 200" in result.stdout
    assert 'madoguchi_collector_up{collector="madoguchi.reception.metrics"} 0.0' in result.stdout
    assert "secret-password" not in result.stdout


# /metrics


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.20.30.40", "172.16.5.5", "192.168.1.10"])
def test_metrics_answer_the_staff_network(address):
    response = Client().get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["203.0.113.7", "8.8.8.8", "2001:db8::1", "", "not-an-address"])
def test_metrics_refuse_any_other_address(address):
    response = Client().get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 403
    assert b"madoguchi_" not in response.content


@pytest.mark.django_db
def test_metrics_networks_are_a_setting(settings):
    settings.METRICS_ALLOWED_NETWORKS = ["198.51.100.0/24"]

    assert Client().get("/metrics", REMOTE_ADDR="198.51.100.9").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_behind_a_proxy_metrics_judge_the_forwarded_client_not_the_proxy(settings):
    """nginx on the same host connects from 127.0.0.1: that must not open /metrics to the internet."""
    settings.NINJA_NUM_PROXIES = 1

    outside = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    inside = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.5")
    # A client cannot forge its way in by sending its own X-Forwarded-For: the proxy appends the real one.
    forged = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.5, 203.0.113.7")

    assert (outside.status_code, inside.status_code, forged.status_code) == (403, 200, 403)


@pytest.mark.database_independent
def test_settings_refuse_a_metrics_network_that_is_not_one():
    env = {**os.environ, "METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,office-lan"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert "METRICS_ALLOWED_NETWORKS: 'office-lan' is not a network" in result.stderr


def _latency_count(samples: dict, view: str, method: str = "GET", status: str = "2xx") -> float:
    return sum(s.value for s in samples.get("madoguchi_http_request_duration_seconds", [])
               if s.name.endswith("_count") and s.labels == {"view": view, "method": method, "status": status})


@pytest.mark.django_db
def test_request_latency_is_labelled_by_the_views_url_name_never_the_path(starter_catalog):
    client = Client()
    before = scrape(client)

    client.get("/v/some-status-token/")  # a real view, an unknown token: 404
    client.get("/congestion/?secret=1")
    client.get("/no/such/page/")

    samples = scrape(client)
    assert _latency_count(samples, "counters:congestion") - _latency_count(before, "counters:congestion") == 1
    assert _latency_count(samples, "reception:status", status="4xx") - _latency_count(
        before, "reception:status", status="4xx") == 1
    assert _latency_count(samples, "unresolved", status="4xx") >= 1
    client.generic("BREW", "/congestion/")
    samples = scrape(client)
    methods = {s.labels["method"] for s in samples["madoguchi_http_request_duration_seconds"]}
    assert "other" in methods and "BREW" not in methods
    labels = {s.labels.get("view") for s in samples["madoguchi_http_request_duration_seconds"]}
    assert not any("/" in label for label in labels), labels


# One log line per request


@pytest.mark.django_db
def test_each_request_logs_one_line_with_view_status_duration_queries_and_user_never_the_query(
        caplog, starter_catalog):
    from madoguchi.accounts.tests.factories import UserFactory

    user = UserFactory(role="supervisor")
    client = Client()
    client.force_login(user)

    with caplog.at_level(logging.INFO, logger="madoguchi.requests"):
        client.get("/staff/catalog/?q=山田太郎")

    records = [r for r in caplog.records if r.name == "madoguchi.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter("%(levelname)s %(message)s").format(records[0]))
    assert line["method"] == "GET"
    assert line["view"] == "catalog:procedures"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["queries"] >= 1
    assert line["user_id"] == user.pk
    text = json.dumps(line, ensure_ascii=False)
    assert "山田" not in text and "q=" not in text and "/staff/" not in text


@pytest.mark.django_db
def test_an_anonymous_request_logs_no_user(caplog):
    with caplog.at_level(logging.INFO, logger="madoguchi.requests"):
        Client().get("/healthz")

    (record,) = [r for r in caplog.records if r.name == "madoguchi.requests"]
    assert record.user_id is None
    assert record.view == "core:healthz"


@pytest.mark.database_independent
def test_json_logs_leave_out_the_request_django_attaches_to_its_error_lines():
    from django.http import HttpResponseNotFound
    from django.test import RequestFactory
    from django.utils.log import log_response

    from config.settings.base import logging_config
    from madoguchi.core.observability import JsonFormatter

    options = {k: v for k, v in logging_config("json")["formatters"]["json"].items() if k != "()"}
    formatter = JsonFormatter(**options)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    django_request = logging.getLogger("django.request")
    django_request.addHandler(handler)
    try:
        request = RequestFactory().get("/v/x/?name=山田太郎")
        log_response("Not Found: %s", request.path, response=HttpResponseNotFound(), request=request)
    finally:
        django_request.removeHandler(handler)

    line = json.loads(formatter.format(records[0]))
    assert line["message"] == "Not Found: /v/x/"
    assert line["status_code"] == 404
    assert "request" not in line
    assert "山田" not in json.dumps(line, ensure_ascii=False)

"""The insights API: the issue's shapes, 422 naming the field for bad input, who may call what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.insights import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(starter_catalog):
    return services.demo_history_write(days=21, seed=3, scale=0.12)


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role=Role.ANALYST))
    return client


SERVICE_KEYS = {"service", "usage_rate", "n_with", "n_without", "difference_minutes", "relative_difference",
                "ci95_relative", "per_procedure"}


def test_effects_answer_the_issues_shape_for_each_service(analyst, history):
    body = analyst.get("/api/v1/insights/effects?site=honcho").json()

    assert [s["service"] for s in body["services"]] == ["prefill", "preapplication", "appointment", "navigator"]
    for service in body["services"]:
        assert SERVICE_KEYS <= set(service)
        if service["enough_data"]:
            low, high = service["ci95_relative"]
            assert low <= service["relative_difference"] <= high
        else:
            assert service["relative_difference"] is None and service["ci95_relative"] is None
    prefill = body["services"][0]
    assert prefill["enough_data"] and prefill["difference_minutes"] < 0
    assert {"procedures", "counter", "n_with", "n_without", "ci95_relative"} <= set(prefill["per_procedure"][0])
    assert body["services"][3]["difference_minutes"] is None  # the navigator's measure is a share


def test_cashless_is_listed_only_when_the_payments_app_is_installed(analyst, history, settings):
    body = analyst.get("/api/v1/insights/effects").json()
    assert "cashless" not in [s["service"] for s in body["services"]]


def test_the_summary_has_a_row_per_day_and_site_or_per_day_for_a_counter(analyst, history):
    end = timezone.localdate() - timedelta(days=1)
    start = end - timedelta(days=6)
    body = analyst.get(f"/api/v1/insights/summary?from={start}&to={end}").json()

    assert body["rows"] and all(r["site"] == "honcho" for r in body["rows"])
    row = body["rows"][0]
    assert row["visits"] > 0 and row["queue_joins"] >= row["visits"] and row["p90_wait_minutes"] is not None
    counter = analyst.get(f"/api/v1/insights/summary?from={start}&to={end}&counter=kokuho").json()
    assert counter["counter"] == "kokuho" and counter["rows"][0]["visits"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-13-01", "from"), ("from=yesterday", "from"), ("from=2026-11-10&to=2026-11-01", "to"),
    ("from=2020-01-01&to=2026-01-01", "to"), ("site=nowhere", "site"),
])
def test_bad_parameters_answer_422_naming_the_field(analyst, starter_catalog, query, field):
    for path in ("/api/v1/insights/effects", "/api/v1/insights/summary"):
        response = analyst.get(f"{path}?{query}")

        body = response.json()
        assert response.status_code == 422 and {"message", "field", "errors"} <= set(body), path
        assert body["field"] == field and body["message"]


def test_a_counter_at_another_site_is_refused(analyst, starter_catalog):
    response = analyst.get("/api/v1/insights/summary?site=kita&counter=kokuho")

    assert response.status_code == 422 and response.json()["field"] == "counter"


def test_the_figures_need_the_insights_role(client, starter_catalog):
    assert client.get("/api/v1/insights/effects").status_code == 401
    client.force_login(UserFactory(role=Role.COUNTER))
    assert client.get("/api/v1/insights/summary").status_code == 403


def test_the_public_forecast_has_days_with_levels_and_hours(client, history):
    response = client.get("/api/v1/congestion/forecast")

    body = response.json()
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    assert body["site"] == "honcho" and body["enough_history"]
    day = next(d for d in body["days"] if d["open"])
    assert day["level"] in ("low", "medium", "high") and day["expected_visits"] > 0
    assert {"hour", "expected_visits", "expected_wait_minutes", "level"} == set(day["hours"][0])
    assert len(body["days"]) == 57
    closed = next(d for d in body["days"] if not d["open"])
    assert closed["level"] is None and closed["hours"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("from=2020-01-01", "from"), ("to=2099-01-01", "to"), ("site=nowhere", "site"), ("counter=nowhere", "counter"),
    ("from=not-a-date", "from"),
])
def test_the_public_forecast_refuses_bad_parameters_with_422(client, starter_catalog, query, field):
    response = client.get(f"/api/v1/congestion/forecast?{query}")

    body = response.json()
    assert response.status_code == 422 and body["field"] == field and {"message", "errors"} <= set(body)


def test_schema_names_are_unique_and_prefixed(client, starter_catalog):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    ours = [name for name in schemas if name.startswith(("Insights", "Forecast"))]
    assert {"InsightsEffects", "InsightsSummary", "ForecastSite", "ForecastDay", "ForecastHour"} <= set(ours)

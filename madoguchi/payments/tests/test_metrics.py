"""Payments on /metrics: pending payments and the age of the oldest (stuck payments show), the day's
paid payments by method; parsed back with prometheus_client's own parser."""

from datetime import timedelta

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from madoguchi.payments import metrics, services

from .factories import charge, visit_at_desk

pytestmark = pytest.mark.django_db


def scrape() -> dict[tuple[str, tuple], float]:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def test_a_stuck_payment_and_the_days_takings_show_on_metrics(starter_catalog, simulated_terminal):
    visit, step, register, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"])
    charge(visit, register, clerk, [("juminhyo", 2)], step=step)  # cash 600
    simulated_terminal.script(["lost"])
    pending = charge(visit, register, clerk, [("tax", 1)], method="card", step=step).payment
    assert pending.status == "pending"

    samples = scrape()
    assert samples[("madoguchi_payments_pending", ())] == 1
    assert samples[("madoguchi_payments_paid_total", (("method", "cash"),))] == 1
    assert samples[("madoguchi_payments_paid_yen_total", (("method", "cash"),))] == 600
    assert samples[("madoguchi_payments_paid_total", (("method", "card"),))] == 0

    later = pending.created_at + timedelta(minutes=5)
    oldest = {m.name: m for m in metrics.collect(now=later)}["madoguchi_payments_pending_oldest_seconds"]
    assert oldest.samples[0].value == pytest.approx(300)

    services.payment_resolve(payment=pending, now=later)  # given up: the terminal never got it
    samples = scrape()
    assert samples[("madoguchi_payments_pending", ())] == 0
    assert samples[("madoguchi_payments_pending_oldest_seconds", ())] == 0

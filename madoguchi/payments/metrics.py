"""Payments' figures for ``/metrics``, read from the database at each scrape (see ``core.metrics``).

- ``madoguchi_payments_pending`` and ``madoguchi_payments_pending_oldest_seconds``: payments waiting
  for the terminal's word. One pending for minutes means ``payments_resolve`` is not running or the
  terminal does not answer: alert on it.
- ``madoguchi_payments_paid`` and ``madoguchi_payments_paid_yen``: the service day's paid payments by
  method (they start again at local midnight, a counter reset to Prometheus).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Min, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .models import Method, Payment


def collect(now: datetime | None = None) -> Iterable[Metric]:
    now = now or timezone.now()
    pending = Payment.objects.filter(status=Payment.Status.PENDING).aggregate(n=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily("madoguchi_payments_pending", "Payments waiting for the payment terminal's answer.",
                            value=pending["n"])
    yield GaugeMetricFamily(
        "madoguchi_payments_pending_oldest_seconds",
        "Age of the oldest pending payment (0 when none): minutes mean payments_resolve or the terminal is down.",
        value=max(0.0, (now - pending["oldest"]).total_seconds()) if pending["oldest"] else 0.0)
    paid = {method: (n, total) for method, n, total in Payment.objects.filter(
        service_date=timezone.localdate(now), status=Payment.Status.PAID).values("method").annotate(
        n=Count("id"), total=Sum("total_yen")).values_list("method", "n", "total")}
    count = CounterMetricFamily("madoguchi_payments_paid", "Payments paid today (service day), by method.",
                                labels=["method"])
    amount = CounterMetricFamily("madoguchi_payments_paid_yen", "Fees paid today (service day) in yen, by method.",
                                 labels=["method"])
    for method in Method.values:
        n, total = paid.get(method, (0, 0))
        count.add_metric([method], n)
        amount.add_metric([method], total or 0)
    yield count
    yield amount

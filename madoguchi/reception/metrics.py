"""The office's figures for ``/metrics``, read from the database at each scrape.

Counted from the rows themselves (visits, Step events), not by counters incremented in the services:
so the figures survive restarts, agree whichever gunicorn worker or app server answers the scrape,
and can never disagree with the daily summary, which reads the same events.

Registrations and completions are counted over the service day: the counters start again at local
midnight, which Prometheus reads as a counter reset (``rate()`` and ``increase()`` handle it, and
the ``_created`` sample says when the day began). Queue figures come from ``queue_figures``, the one
source of every wait shown anywhere; the labels are the catalogue's site and counter codes.
"""

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from madoguchi.catalog.models import Counter

from .models import StepEvent, Visit
from .selectors import day_bounds, queue_figures


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (the smallest value at least ``fraction`` of them do not exceed); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _queue_metrics(now: datetime) -> Iterable[Metric]:
    counters = list(Counter.objects.filter(active=True).select_related("site").order_by("site__code", "code"))
    figures = queue_figures(desks={c.pk: c.desks for c in counters}, now=now)
    labels = ["site", "counter"]
    waiting = GaugeMetricFamily("madoguchi_queue_waiting", "People waiting (queued, not yet called) at the counter.",
                                labels=labels)
    active = GaugeMetricFamily("madoguchi_queue_active", "Visitors called to or being served at the counter.",
                               labels=labels)
    desks = GaugeMetricFamily("madoguchi_desks_open", "Open desks at the counter.", labels=labels)
    p90 = GaugeMetricFamily(
        "madoguchi_queue_estimated_wait_p90_minutes",
        "90th percentile of the estimated waits of the people waiting at the counter (0 when nobody waits; "
        "+Inf when people wait and no desk is open).", labels=labels)
    arrival = GaugeMetricFamily(
        "madoguchi_queue_new_arrival_wait_minutes",
        "Estimated wait of a visitor joining the counter's queue now (+Inf when no desk is open).", labels=labels)
    for counter in counters:
        queue = figures[counter.pk]
        values = [counter.site.code, counter.code]
        waits = [wait for _step, _expected, wait in queue.waiting]
        waiting.add_metric(values, len(waits))
        active.add_metric(values, len(queue.serving_remaining))
        desks.add_metric(values, queue.desks_open)
        p90.add_metric(values, percentile(waits, 0.9))
        arrival.add_metric(values, queue.wait_for_new_arrival)
    return [waiting, active, desks, p90, arrival]


def _day_metrics(now: datetime) -> Iterable[Metric]:
    today = timezone.localdate(now)
    start, end = day_bounds(today)
    created = start.timestamp()
    registered = CounterMetricFamily(
        "madoguchi_visits_registered", "Visits registered since the service day began (local midnight).",
        labels=["site", "channel"])
    for site, channel, count in (Visit.objects.filter(service_date=today).values_list("site__code", "channel")
                                 .annotate(n=Count("id")).order_by("site__code", "channel")):
        registered.add_metric([site, channel], count, created=created)
    visits_done = CounterMetricFamily(
        "madoguchi_visits_completed", "Visits whose every Step is finished, since the service day began.",
        labels=["site"])
    for site, count in (Visit.objects.filter(service_date=today, status=Visit.Status.DONE).values_list("site__code")
                        .annotate(n=Count("id")).order_by("site__code")):
        visits_done.add_metric([site], count, created=created)
    steps_done = CounterMetricFamily(
        "madoguchi_steps_completed", "Steps completed at the counter (its procedures done) since the service day "
        "began, from the Step events.", labels=["site", "counter"])
    for site, counter, count in (StepEvent.objects.filter(kind=StepEvent.Kind.DONE, at__gte=start, at__lt=end)
                                 .values_list("counter__site__code", "counter__code").annotate(n=Count("id"))
                                 .order_by("counter__site__code", "counter__code")):
        steps_done.add_metric([site, counter], count, created=created)
    return [registered, visits_done, steps_done]


def collect() -> Iterable[Metric]:
    now = timezone.now()
    yield from _queue_metrics(now)
    yield from _day_metrics(now)


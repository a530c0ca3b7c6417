"""The office's figures on /metrics: read from the database at scrape time, parsed back with
prometheus_client's own parser, and equal to what the queue selectors and the events say."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from madoguchi.catalog.models import Counter
from madoguchi.reception import services
from madoguchi.reception.metrics import percentile
from madoguchi.reception.models import Channel
from madoguchi.reception.selectors import queue_snapshot

from .factories import StepFactory, VisitFactory


def scrape() -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def at(counter: str, site: str = "honcho") -> tuple:
    return (("counter", counter), ("site", site))


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.9) == 0.0
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(10, 0, -1)], 0.5) == 5.0
    assert percentile([1.0, 2.0, 100.0], 0.9) == 100.0


@pytest.mark.django_db
def test_metrics_show_people_waiting_and_the_p90_estimated_wait_per_counter(starter_catalog, clerk):
    StepFactory(visit=VisitFactory(procedures=["cert.juminhyo"], channel=Channel.KIOSK), clerk=clerk)
    for _ in range(5):
        VisitFactory(procedures=["cert.juminhyo"])
    VisitFactory(procedures=["nhi.enroll"])

    samples = scrape()

    queues = {q.counter.code: q for q in queue_snapshot(with_steps=False).values()}
    cert_waits = [w.estimated_wait_minutes for w in queues["koseki-cert"].waiting]
    assert samples[("madoguchi_queue_waiting", at("koseki-cert"))] == 5 == len(cert_waits)
    assert samples[("madoguchi_queue_active", at("koseki-cert"))] == 1
    assert samples[("madoguchi_queue_waiting", at("kokuho"))] == 1
    assert samples[("madoguchi_queue_waiting", at("kita-cert", "kita"))] == 0
    p90 = samples[("madoguchi_queue_estimated_wait_p90_minutes", at("koseki-cert"))]
    assert p90 == pytest.approx(sorted(cert_waits)[4]) and p90 > 0
    assert samples[("madoguchi_queue_estimated_wait_p90_minutes", at("kita-cert", "kita"))] == 0
    assert samples[("madoguchi_queue_new_arrival_wait_minutes", at("koseki-cert"))] == pytest.approx(
        queues["koseki-cert"].wait_for_new_arrival)
    assert samples[("madoguchi_desks_open", at("koseki-cert"))] == Counter.objects.get(code="koseki-cert").desks
    assert samples[("madoguchi_collector_up", (("collector", "madoguchi.reception.metrics"),))] == 1


@pytest.mark.django_db
def test_metrics_count_the_days_registrations_and_completions_from_the_events(starter_catalog, clerk):
    served = StepFactory(visit=VisitFactory(procedures=["cert.juminhyo"]), clerk=clerk, started=True)
    services.step_complete(step=served, clerk=clerk)
    first = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk)
    services.step_complete(step=first, clerk=clerk)  # hands the visit on: completed here, not the visit
    VisitFactory(procedures=["cert.juminhyo"], now=timezone.now() - timedelta(days=1))  # another day: not counted
    VisitFactory(procedures=["cert.juminhyo"])
    VisitFactory(procedures=["cert.juminhyo"], channel=Channel.KIOSK)

    samples = scrape()

    registered = (("channel", "reception"), ("site", "honcho"))
    assert samples[("madoguchi_visits_registered_total", registered)] == 3
    assert samples[("madoguchi_visits_registered_total", (("channel", "kiosk"), ("site", "honcho")))] == 1
    assert samples[("madoguchi_visits_completed_total", (("site", "honcho"),))] == 1
    assert samples[("madoguchi_steps_completed_total", at("koseki-cert"))] == 1
    assert samples[("madoguchi_steps_completed_total", at("koseki-move"))] == 1
    assert ("madoguchi_steps_completed_total", at("kokuho")) not in samples
    # The counters start with the service day, which the _created sample tells Prometheus.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert samples[("madoguchi_visits_registered_created", registered)] == midnight.timestamp()


@pytest.mark.django_db
def test_a_scrape_costs_a_fixed_number_of_queries_however_long_the_queues(
        starter_catalog, django_assert_max_num_queries):
    for _ in range(3):
        VisitFactory(procedures=["cert.juminhyo"])
    with django_assert_max_num_queries(16) as few:
        scrape()
    for _ in range(30):
        VisitFactory(procedures=["juki.move_in", "nhi.enroll"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        scrape()

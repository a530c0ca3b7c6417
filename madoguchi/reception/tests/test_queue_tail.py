"""Issue 18 §4: a registration joins its counter's kept queue tail (``QueueTail``) in O(desks) instead of
reading the whole queue — and tells the wait the whole queue would (within the seconds since the tail was
figured), loses no joiner between workers, and figures the queue whole again when the tail no longer holds."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.catalog.models import Counter, Site
from madoguchi.reception import estimate, selectors, services
from madoguchi.reception.models import QueueTail, StepEvent

minutes = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(serving=st.lists(minutes, max_size=8), expected=st.lists(minutes, max_size=40),
       desks=st.integers(min_value=1, max_value=6), joiners=st.lists(minutes, min_size=1, max_size=4),
       incoming=st.lists(st.tuples(st.integers(min_value=-1, max_value=40), minutes, minutes), max_size=6))
def test_joining_the_tail_is_the_whole_queue_laid_out_with_the_joiners_at_the_back(serving, expected, desks, joiners,
                                                                                  incoming):
    """Visitors joining one after another at the kept tail are told what the whole queue, figured again with
    them at the back, tells them — also when visitors handed in from other counters (``incoming``: priority ahead
    of some of those waiting, arriving later) are still on their way when the last one waiting is called."""
    keys = [(k, 0) for k in range(len(expected))]
    # Handed on, a visitor keeps their visit's arrival: ahead of everyone joining now (a place among those waiting).
    arriving = [((min(place, len(expected)), -1), arrives, handling) for place, arrives, handling in incoming]
    before = estimate.queue_schedule(expected=expected, keys=keys, serving_remaining=serving, desks_open=desks,
                                     incoming=arriving)
    tail, later = before.desk_free_at, before.incoming_later
    for n, joiner in enumerate(joiners):
        whole = estimate.queue_schedule(expected=[*expected, *joiners[:n + 1]],
                                        keys=[*keys, *[(len(keys) + j, 0) for j in range(n + 1)]],
                                        serving_remaining=serving, desks_open=desks, incoming=arriving)
        told_before = estimate.tail_wait(tail, elapsed=0.0, incoming_later=later)
        wait, tail, later = estimate.join_tail(tail, elapsed=0.0, minutes=joiner, incoming_later=later)
        assert wait == pytest.approx(whole.waits[-1]) == pytest.approx(told_before), n
    # Without anyone handed in, the schedule's waits are queue_waits' exactly (the figure every page shows).
    waits, back = estimate.queue_waits(expected=expected, serving_remaining=serving, desks_open=desks)
    plain = estimate.queue_schedule(expected=expected, keys=keys, serving_remaining=serving, desks_open=desks)
    assert plain.waits == pytest.approx(waits) and plain.wait_for_new_arrival == pytest.approx(back)


def test_a_visitor_still_on_the_way_from_another_counter_goes_ahead_of_one_joining_later():
    # One desk, nobody waiting, a 10-minute visitor handed in at minute 1: the first joiner is called at once,
    # the second waits for the first (5 minutes) and then for the one handed in (10 more).
    schedule = estimate.queue_schedule(expected=[], keys=[], serving_remaining=[], desks_open=1,
                                       incoming=[((0, -1), 1.0, 10.0)])
    assert schedule.desk_free_at == [0.0] and schedule.incoming_later == [(1.0, 10.0, 0)]
    wait, tail, later = estimate.join_tail(schedule.desk_free_at, elapsed=0.0, minutes=5.0,
                                           incoming_later=schedule.incoming_later)
    assert wait == 0.0 and later == [(1.0, 10.0, 0)]
    assert estimate.join_tail(tail, elapsed=0.0, minutes=5.0, incoming_later=later)[0] == 15.0


def test_visitors_handed_in_take_a_free_desk_in_priority_order_not_arrival_order():
    # Found by the property above: three desks, two waiting (3 and 4 minutes); on their way, A (arriving at minute
    # 2, 1 minute, priority ahead of everyone waiting) and B (arriving at minute 1, 2 minutes, behind the first
    # waiting). A 2-minute joiner takes the free desk; at minute 2 it frees with A and B both there: A first (ahead
    # in priority), B at minute 3 with the next desk, and a second joiner at minute 3 too — the tail said 4,
    # serving B before A because B arrived first.
    schedule = estimate.queue_schedule(expected=[3.0, 4.0], keys=[(0, 0), (1, 0)], serving_remaining=[], desks_open=3,
                                       incoming=[((0, -1), 2.0, 1.0), ((1, -1), 1.0, 2.0)])
    first, tail, later = estimate.join_tail(schedule.desk_free_at, elapsed=0.0, minutes=2.0,
                                            incoming_later=schedule.incoming_later)
    second, _tail, _later = estimate.join_tail(tail, elapsed=0.0, minutes=0.0, incoming_later=later)
    whole = estimate.queue_schedule(expected=[3.0, 4.0, 2.0, 0.0], keys=[(0, 0), (1, 0), (2, 0), (3, 0)],
                                    serving_remaining=[], desks_open=3,
                                    incoming=[((0, -1), 2.0, 1.0), ((1, -1), 1.0, 2.0)])
    assert (first, second) == (0.0, 3.0) == (whole.waits[2], whole.waits[3])


def test_a_tail_kept_before_ranks_ranks_its_visitors_by_arrival():
    wait, _tail, later = estimate.join_tail([0.0], elapsed=0.0, minutes=1.0, incoming_later=[[0.0, 2.0], [1.0, 2.0]])
    assert wait == 4.0 and later == []


def test_time_passes_on_a_tail_a_free_desk_takes_the_joiner_at_once_and_no_desk_means_unknown():
    # Two desks free at 3 and 12 minutes after the figure; 5 minutes on, the first has stood free for 2.
    assert estimate.join_tail([3.0, 12.0], elapsed=5.0, minutes=4.0) == (0.0, [9.0, 12.0], [])
    assert estimate.tail_wait([3.0, 12.0], elapsed=1.0) == 2.0
    # Joined a moment *before* the figure (another registration figured it while this one waited): from its own.
    assert estimate.join_tail([3.0, 12.0], elapsed=-0.5, minutes=4.0) == (3.5, [7.0, 12.0], [])
    assert estimate.join_tail([], elapsed=0.0, minutes=4.0) == (float("inf"), [], [])
    # A visitor handed in while a desk stood free takes it when they arrive; the joiner then waits for them.
    assert estimate.join_tail([0.0], elapsed=5.0, minutes=4.0, incoming_later=[(2.0, 6.0)]) == (3.0, [12.0], [])
    assert estimate.tail_wait([], elapsed=0.0) == float("inf")


def test_the_schedule_with_visitors_to_be_handed_in_keeps_the_wait_queue_waits_with_incoming_gives():
    incoming = [((0, -1), 2.0, 10.0), ((5, 99), 1.0, 7.0)]
    schedule = estimate.queue_schedule(expected=[5.0, 6.0, 4.0], keys=[(1, 1), (2, 2), (3, 3)],
                                       serving_remaining=[3.0], desks_open=2, incoming=incoming)
    waits, back = estimate.queue_waits_with_incoming(expected=[5.0, 6.0, 4.0], keys=[(1, 1), (2, 2), (3, 3)],
                                                     serving_remaining=[3.0], desks_open=2, incoming=incoming)
    assert schedule.waits == waits and schedule.wait_for_new_arrival == back
    assert len(schedule.desk_free_at) == 2 and schedule.desk_free_at == sorted(schedule.desk_free_at)


# --- the database: registrations join the kept tail -------------------------------------------------------------


def whole(counter: Counter, at):
    counter.refresh_from_db()
    return selectors.queue_figures(desks={counter.pk: counter.desks}, now=at)[counter.pk]


def told(visit) -> float:
    return StepEvent.objects.get(visit=visit, kind=StepEvent.Kind.QUEUED).details["estimated_wait_minutes"]


def step_reads(sql: list[str]) -> list[str]:
    return [q for q in sql if q.startswith("SELECT") and '"reception_step"' in q.split("FROM", 1)[1][:40]]


@pytest.mark.django_db
def test_registrations_at_the_back_are_told_the_whole_queues_wait_without_reading_it(site, clerk):
    counter = Counter.objects.get(code="koseki-cert")
    t0 = timezone.now().replace(microsecond=0)
    # Someone at a desk, so the desks do not all start free.
    first = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=t0)
    services.step_call_next(counter=counter, clerk=clerk, now=t0)
    for n, codes in enumerate([["cert.juminhyo"], ["cert.juminhyo", "cert.koseki"], ["cert.tax"]] * 4):
        at = t0 + timedelta(seconds=n / 2)
        expected = whole(counter, at).wait_for_new_arrival
        with CaptureQueriesContext(connection) as captured:
            visit = services.visit_register(site=site, procedure_codes=codes, now=at)
        # The whole queue figured now starts its waiting visitors from now; the tail had each joiner take a free
        # desk at their own moment: they differ by at most the seconds since the tail was figured (and rounding).
        assert told(visit) == pytest.approx(expected, abs=0.05 + n / 2 / 60), (n, expected)
        if n:  # the first figured the queue whole and kept its tail; every later one joins it
            assert step_reads([q["sql"] for q in captured.captured_queries]) == [], n
    tail = QueueTail.objects.get(counter=counter)
    assert tail.desk_free_at == pytest.approx(
        [m - (tail.figured_at - t0).total_seconds() / 60 for m in whole(counter, t0).desk_free_at], abs=6 / 60)
    assert first.pk


@pytest.mark.django_db
def test_the_tail_is_figured_whole_again_when_old_or_dropped(site, clerk, settings,
                                                             django_capture_on_commit_callbacks):
    settings.NO_SHOW_GRACE_SECONDS = 0
    counter = Counter.objects.get(code="koseki-cert")
    t0 = timezone.now().replace(microsecond=0)
    for _ in range(4):
        services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=t0)

    def register(at):
        with CaptureQueriesContext(connection) as captured:
            visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=at)
        return visit, step_reads([q["sql"] for q in captured.captured_queries])

    def figured_whole_at_the_next_join(at):
        expected = whole(counter, at).wait_for_new_arrival
        visit, reads = register(at)
        assert reads and told(visit) == pytest.approx(expected, abs=0.06)
        return visit

    # Old: a visitor called and finished early; after QUEUE_TAIL_SECONDS the queue is read again.
    called = services.step_call_next(counter=counter, clerk=clerk, now=t0)
    services.step_complete(step=called, clerk=clerk, now=t0 + timedelta(seconds=5))
    at = t0 + timedelta(seconds=selectors.QUEUE_TAIL_SECONDS + 1)
    figured_whole_at_the_next_join(at)
    assert register(at)[1] == []  # and joined again at once
    # Dropped (once the change commits): a desk closes (the tail's length) …
    with django_capture_on_commit_callbacks(execute=True):
        services.desk_set_open(counter=counter, number=2, is_open=False)
    visit = figured_whole_at_the_next_join(at)
    assert len(QueueTail.objects.get(counter=counter).desk_free_at) == counter.desks - 1
    # … a waiting visitor cancels …
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_cancel(visit=visit, now=at)
    figured_whole_at_the_next_join(at)
    # … a called visitor did not come and goes back in line …
    called = services.step_call_next(counter=counter, clerk=clerk, now=at)
    with django_capture_on_commit_callbacks(execute=True):
        services.step_no_show(step=called, clerk=clerk, now=at)
    figured_whole_at_the_next_join(at)
    # … a supervisor moves a waiting visitor from one counter to another: both queues changed.
    code = "mynumber.card_update"
    moving = services.visit_register(site=site, procedure_codes=[code], now=at).steps.get()
    there = Counter.objects.get(code="koseki-move" if moving.counter.code == "koseki-mynumber" else "koseki-mynumber")
    services.visit_register(site=site, procedure_codes=["juki.move_within"], now=at)  # a tail kept there too
    with django_capture_on_commit_callbacks(execute=True):
        services.step_move(step=moving, counter=there, now=at)
    assert not [t for t in QueueTail.objects.filter(counter_id__in=[moving.counter_id, there.pk])
                if selectors.tail_is_fresh(t, t.desks, at)]
    # The catalogue gives the counter another desk: the kept tail has the old count, so it is figured whole.
    Counter.objects.filter(pk=counter.pk).update(desks=counter.desks + 1)
    cache.delete(catalog_selectors.ROUTING_INDEX_KEY)  # as a catalogue load does
    visit = figured_whole_at_the_next_join(at)
    assert QueueTail.objects.get(counter=counter).desks == counter.desks  # (refreshed by whole())


@pytest.mark.django_db
def test_a_visitor_moved_ahead_is_told_the_wait_at_their_place_and_the_tail_kept_from_it(site):
    counter = Counter.objects.get(code="koseki-cert")
    t0 = timezone.now().replace(microsecond=0)
    for _ in range(6):
        services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=t0)
    ahead = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], priority_advance_minutes=30, now=t0)
    figures = whole(counter, t0)
    step = ahead.steps.get()
    assert told(ahead) == pytest.approx(next(w for pk, _e, w in figures.waiting if pk == step.pk), abs=0.06)
    assert told(ahead) < figures.wait_for_new_arrival
    back = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=t0)
    assert told(back) == pytest.approx(figures.wait_for_new_arrival, abs=0.06)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_lose_no_joiner_of_the_tail(starter_catalog):
    """Eight kiosks register at one counter at once, at the same moment: the tail is locked per counter, so the
    waits told are exactly the waits of the queue they make, and the tail kept is that queue's."""
    assert connection.vendor == "postgresql"
    site = Site.objects.get(code="honcho")
    counter = Counter.objects.get(code="koseki-cert")
    moment = timezone.now()
    visits, errors = [], []

    def kiosk():
        close_old_connections()
        try:
            for _ in range(12):
                visits.append(services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=moment))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=kiosk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    figures = whole(counter, moment)
    assert len(figures.waiting) == len(visits) == 96
    assert sorted(told(v) for v in visits) == pytest.approx(sorted(round(w, 1) for _pk, _e, w in figures.waiting),
                                                           abs=0.06)
    assert QueueTail.objects.get(counter=counter).desk_free_at == pytest.approx(figures.desk_free_at)

"""One day's events into roll-up rows: waits, handling, desks, estimates and visits as the dashboard reads them."""

import pytest

from madoguchi.insights.distribution import BUCKET_EDGES, bucket_of, quantile
from madoguchi.insights.rollup import EventIn, StepIn, VisitIn, rollup, size_class

MOVE, CARD, NHI = 1, 2, 3
COUNTER_A, COUNTER_B = 10, 20


def day(events, *, visits=None, steps=None):
    visits = visits or [VisitIn(1, 7, 9 * 60.0, "navigator", "recorded", False, 0),
                        VisitIn(2, 7, 9 * 60.0 + 5, "reception", "recorded", False, 1)]
    steps = steps or [StepIn(11, 1, COUNTER_A, (MOVE, CARD), True), StepIn(12, 1, COUNTER_B, (NHI,), False),
                      StepIn(21, 2, COUNTER_A, (MOVE, NHI), False)]
    return rollup(visits=visits, steps=steps, events=events, prefillable={MOVE},
                  procedure_codes={MOVE: "juki.move_in", CARD: "mynumber.card_update", NHI: "nhi.enroll"})


def at(hours, minutes=0.0):
    return hours * 60.0 + minutes


EVENTS = [
    EventIn(11, COUNTER_A, "queued", at(9), estimate=12.0),
    EventIn(21, COUNTER_A, "queued", at(9, 5)),
    EventIn(11, COUNTER_A, "called", at(9, 10), desk=1),
    EventIn(11, COUNTER_A, "serving", at(9, 12), desk=1),
    EventIn(21, COUNTER_A, "called", at(9, 20), desk=2),
    EventIn(21, COUNTER_A, "no_show", at(9, 23), desk=2),
    EventIn(21, COUNTER_A, "requeued", at(9, 23)),
    EventIn(11, COUNTER_A, "done", at(9, 42), desk=1),
    EventIn(12, COUNTER_B, "queued", at(9, 42), estimate=5.0),
    EventIn(21, COUNTER_A, "called", at(9, 50), desk=1),
    EventIn(21, COUNTER_A, "serving", at(9, 51), desk=1),
    EventIn(12, COUNTER_B, "called", at(10, 2), desk=1),
    EventIn(12, COUNTER_B, "serving", at(10, 3), desk=1),
    EventIn(21, COUNTER_A, "done", at(10, 11), desk=1),
    EventIn(12, COUNTER_B, "done", at(10, 13), desk=1),
]


def rows_by(rows, *keys):
    return {tuple(r[k] for k in keys): r for r in rows}


def test_waits_run_from_joining_to_the_first_call_and_belong_to_the_joining_hour():
    hours = rows_by(day(EVENTS).counter_hours, "counter_id", "hour")

    a9 = hours[(COUNTER_A, 9)]
    assert a9["joins"] == 2 and a9["calls"] == 3 and a9["no_shows"] == 1
    assert a9["wait_count"] == 2 and a9["wait_sum"] == pytest.approx(10 + 15)  # the requeue is not a new wait
    assert hours[(COUNTER_B, 9)]["wait_sum"] == pytest.approx(20)  # joined at 9:42, called at 10:02


def test_handling_runs_from_serving_to_done_in_the_hour_service_started():
    hours = rows_by(day(EVENTS).counter_hours, "counter_id", "hour")

    assert hours[(COUNTER_A, 9)]["handling_sum"] == pytest.approx(30 + 20)
    assert hours[(COUNTER_B, 10)]["handling_sum"] == pytest.approx(10)


def test_desk_time_is_split_by_hour_and_desks_counted_when_they_held_a_visitor():
    hours = rows_by(day(EVENTS).counter_hours, "counter_id", "hour")

    assert hours[(COUNTER_A, 9)]["desks_active"] == 2
    assert hours[(COUNTER_A, 9)]["busy_minutes"] == pytest.approx(32 + 3 + 10)  # desk 1, desk 2 (no-show), desk 1
    assert hours[(COUNTER_A, 10)]["busy_minutes"] == pytest.approx(11)


def test_the_estimate_shown_is_compared_with_the_wait_and_joins_without_one_are_left_out():
    hours = rows_by(day(EVENTS).counter_hours, "counter_id", "hour")

    assert hours[(COUNTER_A, 9)]["estimates"] == 1
    assert hours[(COUNTER_A, 9)]["estimate_error"] == pytest.approx(12 - 10)
    assert hours[(COUNTER_B, 9)]["estimate_error"] == pytest.approx(5 - 20)


def test_strata_are_the_exact_procedure_sets_with_channel_and_pre_fill():
    strata = rows_by(day(EVENTS).strata, "stratum", "channel", "prefilled")

    assert strata[("juki.move_in+mynumber.card_update", "navigator", True)]["prefillable"] is True
    assert strata[("juki.move_in+nhi.enroll", "reception", False)]["handling_sum"] == pytest.approx(20)
    assert strata[("nhi.enroll", "navigator", False)]["prefillable"] is False


def test_a_procedure_counts_for_every_step_that_carries_it():
    procedures = rows_by(day(EVENTS).procedures, "counter_id", "procedure_id")

    assert procedures[(COUNTER_A, MOVE)]["steps"] == 2 and procedures[(COUNTER_A, MOVE)]["prefilled"] == 1
    assert procedures[(COUNTER_B, NHI)]["steps"] == 1


def test_visits_count_their_size_at_registration_handoffs_and_additions():
    visits = rows_by(day(EVENTS).visits, "channel")

    navigator, reception = visits[("navigator",)], visits[("reception",)]
    assert navigator["size"] == 2 and navigator["multi_counter"] == 1 and navigator["prefilled"] == 1
    assert reception["size"] == 1 and reception["with_added"] == 1 and reception["added_procedures"] == 1
    assert [size_class(n) for n in (1, 2, 3, 4, 9)] == [1, 2, 2, 4, 4]


def test_appointment_waits_are_kept_by_counter_hour_and_channel():
    waits = rows_by(day(EVENTS).channel_waits, "counter_id", "hour", "channel")

    assert waits[(COUNTER_A, 9, "navigator")]["wait_sum"] == pytest.approx(10)
    assert waits[(COUNTER_A, 9, "reception")]["wait_sum"] == pytest.approx(15)


def test_percentiles_read_back_from_buckets_are_within_half_a_bucket():
    values = [0.4, 1.2, 2.5, 7.0, 7.7, 15.0, 33.0, 47.0, 95.0, 300.0]
    counts = {}
    for value in values:
        counts[bucket_of(value)] = counts.get(bucket_of(value), 0) + 1

    assert quantile(counts, 0.5) == pytest.approx(7.5, abs=0.5)
    assert 95 <= quantile(counts, 0.9) <= 100
    assert quantile({}, 0.5) is None
    assert bucket_of(-3) == 0 and bucket_of(10_000) == len(BUCKET_EDGES) - 1

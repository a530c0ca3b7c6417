from datetime import datetime, timedelta

from madoguchi.counters.summary import summarise

T0 = datetime(2026, 4, 1, 9, 0)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_waits_and_handling_times_come_from_the_events_alone():
    events = [
        (1, 10, 100, "queued", at(0)), (1, 10, 100, "called", at(12)), (1, 10, 100, "serving", at(13)),
        (1, 10, 100, "done", at(23)),
        (2, 11, 100, "queued", at(5)), (2, 11, 100, "called", at(20)), (2, 11, 100, "done", at(20)),
    ]
    (row,) = summarise(events)
    assert (row.visits, row.served) == (2, 2)
    assert row.waits == [12.0, 15.0]
    assert row.handling == [10.0]
    assert row.mean_wait == 13.5


def test_a_requeued_no_show_counts_its_second_wait_and_its_visit_once():
    events = [
        (1, 10, 100, "queued", at(0)), (1, 10, 100, "called", at(10)), (1, 10, 100, "no_show", at(13)),
        (1, 10, 100, "requeued", at(13)), (1, 10, 100, "called", at(20)), (1, 10, 100, "serving", at(21)),
        (1, 10, 100, "done", at(30)),
    ]
    (row,) = summarise(events)
    assert row.visits == 1
    assert row.no_shows == 1
    assert row.waits == [10.0, 7.0]


def test_each_counter_gets_its_own_row():
    events = [(1, 10, 100, "queued", at(0)), (2, 10, 200, "queued", at(30)), (2, 10, 200, "called", at(31))]
    rows = {r.counter_id: r for r in summarise(events)}
    assert rows[200].waits == [1.0]
    assert rows[100].waits == []
    assert rows[100].p90_wait is None


def test_p90_is_the_nearest_rank():
    events = []
    for step in range(10):
        events += [(step, step, 1, "queued", at(0)), (step, step, 1, "called", at(step + 1))]
    (row,) = summarise(events)
    assert row.p90_wait == 9.0

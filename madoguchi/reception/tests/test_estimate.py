import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.reception import estimate
from madoguchi.reception.estimate import (
    estimate_wait_minutes,
    expected_handling_minutes,
    naive_wait_minutes,
    procedure_speed_factors,
    queue_waits,
    remaining_minutes,
)


def test_an_empty_queue_with_a_free_desk_means_no_wait():
    assert estimate_wait_minutes(ahead=[], serving_remaining=[], desks_open=2) == 0.0


def test_with_every_desk_busy_the_wait_is_until_the_first_desk_frees():
    assert estimate_wait_minutes(ahead=[], serving_remaining=[7.0, 3.0], desks_open=2) == 3.0


def test_visitors_ahead_take_the_desk_that_frees_first():
    # desks free at 3 and 7; the one ahead (10 min) takes the desk at 3 → free at 13; we get the desk at 7.
    assert estimate_wait_minutes(ahead=[10.0], serving_remaining=[7.0, 3.0], desks_open=2) == 7.0


def test_a_long_procedure_ahead_does_not_hold_up_the_other_desk():
    # naive: 2 ahead / 2 desks × mean 16.5 = 16.5; really the second desk is free after 3 minutes.
    assert estimate_wait_minutes(ahead=[30.0, 3.0], serving_remaining=[], desks_open=2) == 3.0
    assert naive_wait_minutes(people_ahead=2, desks_open=2, mean_handling_minutes=16.5) == 16.5


def test_no_open_desk_means_an_unknown_wait():
    assert math.isinf(estimate_wait_minutes(ahead=[5.0], serving_remaining=[], desks_open=0))


def test_more_visitors_being_served_than_open_desks_queue_on_the_desks_left():
    # a desk closed while two are still being served: the one desk finishes both (2, then 4 more).
    assert estimate_wait_minutes(ahead=[], serving_remaining=[2.0, 4.0], desks_open=1) == 6.0


def test_a_visitor_served_longer_than_expected_still_needs_a_minute():
    assert remaining_minutes(expected_minutes=10, elapsed_minutes=25) == 1.0


def test_speed_factors_are_means_of_clamped_recent_ratios():
    recent = [(["a"], 10.0, 20.0), (["a", "b"], 20.0, 20.0), (["a"], 10.0, 30.0), (["c"], 10.0, 100.0),
              (["c"], 10.0, 5.0)]
    factors = procedure_speed_factors(recent)
    assert factors["a"] == pytest.approx((2 + 1 + 2.5) / 3)  # 3 is clamped to 2.5
    assert factors["b"] == 1.0
    assert factors["c"] == 1.5  # (10 → 2.5, 0.5) / 2


def test_speed_factors_look_only_at_the_latest_window():
    recent = [(["a"], 10.0, 10.0)] * 3 + [(["a"], 10.0, 25.0)] * 10
    assert procedure_speed_factors(recent, window=3)["a"] == 1.0


def test_expected_handling_sums_procedures_scaled_by_their_factor():
    assert expected_handling_minutes(["a", "b"], {"a": 10, "b": 5}, {"a": 1.5}) == 20.0


@given(
    ahead=st.lists(st.floats(min_value=0, max_value=120), max_size=30),
    serving=st.lists(st.floats(min_value=0, max_value=60), max_size=5),
    desks=st.integers(min_value=1, max_value=6),
)
def test_the_wait_never_exceeds_doing_everything_on_one_desk(ahead, serving, desks):
    wait = estimate_wait_minutes(ahead=ahead, serving_remaining=serving, desks_open=desks)
    assert 0 <= wait <= sum(ahead) + sum(serving) + 1e-9


@given(ahead=st.lists(st.floats(min_value=0, max_value=60), max_size=20), desks=st.integers(1, 5))
def test_one_more_visitor_ahead_never_shortens_the_wait(ahead, desks):
    base = estimate_wait_minutes(ahead=ahead, serving_remaining=[], desks_open=desks)
    assert estimate_wait_minutes(ahead=[*ahead, 5.0], serving_remaining=[], desks_open=desks) >= base - 1e-9


@pytest.mark.parametrize("desks", [1, 2, 3])
def test_identical_visitors_wait_in_rounds_of_the_desk_count(desks):
    ahead = [10.0] * 6
    assert estimate_wait_minutes(ahead=ahead, serving_remaining=[], desks_open=desks) == 10.0 * (6 // desks)


@given(
    expected=st.lists(st.floats(min_value=0, max_value=90), max_size=25),
    serving=st.lists(st.floats(min_value=0, max_value=60), max_size=6),
    desks=st.integers(min_value=0, max_value=5),
)
def test_queue_waits_matches_the_one_at_a_time_estimate(expected, serving, desks):
    waits, at_the_back = queue_waits(expected=expected, serving_remaining=serving, desks_open=desks)
    for index, wait in enumerate(waits):
        assert wait == estimate_wait_minutes(ahead=expected[:index], serving_remaining=serving, desks_open=desks)
    assert at_the_back == estimate_wait_minutes(ahead=expected, serving_remaining=serving, desks_open=desks)


# --- visitors handed in from other counters (issue 18) ----------------------------------------------


def test_without_incoming_visitors_the_waits_are_queue_waits_exactly():
    args = {"expected": [5.0, 7.0, 3.0], "serving_remaining": [2.0, 9.0], "desks_open": 2}
    assert estimate.queue_waits_with_incoming(keys=[1, 2, 3], incoming=[], **args) == estimate.queue_waits(**args)


def test_a_visitor_handed_in_ahead_counts_for_those_behind_from_their_arrival():
    # One desk free in 4 minutes; queue: key 10 (5 min), key 20 (5 min). A visitor with key 15 is
    # being served elsewhere and will be queued here in 2 minutes, needing 6.
    waits, back = estimate.queue_waits_with_incoming(
        expected=[5.0, 5.0], keys=[10, 20], serving_remaining=[4.0], desks_open=1, incoming=[(15, 2.0, 6.0)])
    assert waits == [4.0, 15.0]  # key 10 first (4), then the handed-in one (9), then key 20 (15)
    assert back == 20.0


def test_a_visitor_handed_in_too_late_does_not_delay_anyone():
    waits, back = estimate.queue_waits_with_incoming(
        expected=[5.0], keys=[10], serving_remaining=[4.0], desks_open=1, incoming=[(5, 30.0, 6.0)])
    assert waits == [4.0]  # the desk calls key 10 at 4; the earlier key arrives at 30, long after
    assert back == 9.0  # one more joining now is called when key 10 is done, before the handed-in one comes


def test_everyone_joining_now_comes_after_the_visitors_handed_in():
    # Two desks, nobody waiting; two visitors arrive from other counters in 1 and 3 minutes (10 min each).
    waits, back = estimate.queue_waits_with_incoming(
        expected=[], keys=[], serving_remaining=[5.0, 6.0], desks_open=2, incoming=[(1, 1.0, 10.0), (2, 3.0, 10.0)])
    assert waits == []
    assert back == 15.0  # the desks freeing at 5 and 6 take the two handed in; the new one gets the first free after


def test_no_desk_open_means_no_estimate_even_with_incoming():
    waits, back = estimate.queue_waits_with_incoming(
        expected=[3.0], keys=[1], serving_remaining=[], desks_open=0, incoming=[(0, 1.0, 2.0)])
    assert waits == [math.inf] and back == math.inf


def test_the_call_to_start_gap_is_the_capped_mean_of_recent_gaps():
    assert estimate.call_to_start_minutes([]) == 0.0
    assert estimate.call_to_start_minutes([1.0, 3.0, -2.0, 40.0]) == pytest.approx((1 + 3 + 0 + 10) / 4)


def test_learnt_handling_is_the_catalogue_without_history():
    learnt = estimate.LearntHandling({"a": 10.0}, [])
    assert learnt.minutes("X", 9) == {"a": 10.0}


def test_learnt_handling_leans_on_the_data_as_they_grow_and_on_the_catalogue_when_thin():
    few = estimate.LearntHandling({"a": 10.0}, [("X", ["a"], 9, 20.0)] * 2, shrink=20)
    many = estimate.LearntHandling({"a": 10.0}, [("X", ["a"], 9, 20.0)] * 2000, shrink=20)
    assert 10.0 < few.minutes("X", 9)["a"] < 13.0  # two slow visits (20 min) move the catalogue's 10 a little
    assert many.minutes("X", 9)["a"] == pytest.approx(20.0, rel=0.02)


def test_learnt_handling_tells_counters_and_hours_apart_and_falls_back_up_the_ladder():
    rows = [("X", ["a"], 9, 20.0)] * 500 + [("X", ["a"], 14, 10.0)] * 500 + [("Y", ["a"], 9, 5.0)] * 500
    learnt = estimate.LearntHandling({"a": 10.0}, rows, shrink=20)
    assert learnt.minutes("X", 9)["a"] == pytest.approx(20.0, rel=0.05)
    assert learnt.minutes("X", 14)["a"] == pytest.approx(10.0, rel=0.05)
    assert learnt.minutes("Y", 9)["a"] == pytest.approx(5.0, rel=0.05)
    # An hour with no data at X: X's own figure (between its hours), not the catalogue's.
    assert learnt.minutes("X", 16)["a"] == pytest.approx(learnt.factors[("a", "X")] * 10.0)
    # A counter with no data: the procedure's figure over every counter.
    assert learnt.minutes("Z", 9)["a"] == pytest.approx(learnt.factors[("a",)] * 10.0)

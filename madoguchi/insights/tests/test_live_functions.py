"""The simulator decides with the live system's own routing and estimation functions, not copies:
each is replaced by a spy that calls the real one, and the run must go through it."""

import pytest

from madoguchi.insights.simulation import draw_visits, run_policy
from madoguchi.insights.simulation import live as sim_live
from madoguchi.reception import estimate, routing
from madoguchi.reception import selectors as live_selectors


def spy(monkeypatch, module, name):
    original = getattr(module, name)
    calls = []

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append((args, kwargs, result))
        return result

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_policy_c_chooses_every_next_counter_with_the_live_routing_and_the_live_waits(office, small_day,
                                                                                      monkeypatch):
    choices = spy(monkeypatch, routing, "choose_next_step")
    queue_waits = spy(monkeypatch, estimate, "queue_waits_with_incoming")
    visits = draw_visits(office, small_day, seed=21)

    run_policy(office, small_day, visits, "c")

    steps = sum(len(v.steps) for v in visits)
    # One live decision per Step, and on joining each Step but a visit's last, routing's forecast of the
    # next one (its counter counts the visitor as coming).
    assert len(choices) == steps + (steps - len(visits))
    backs = {result[1] for _args, _kwargs, result in queue_waits}
    given = [wait for args, _kwargs, _result in choices for wait in args[2].values()]
    assert given and set(given) <= backs  # the waits routing saw are queue_waits' "one more at the back"


@pytest.mark.parametrize("policy", ["a", "b"])
def test_policies_a_and_b_fix_the_route_with_the_live_planned_order(office, small_day, monkeypatch, policy):
    plans = spy(monkeypatch, routing, "planned_order")
    visits = draw_visits(office, small_day, seed=22)

    run_policy(office, small_day, visits, policy)

    assert len(plans) == len(visits)


def test_registration_splits_the_procedures_with_the_live_assign_counters(office, small_day, monkeypatch):
    assignments = spy(monkeypatch, routing, "assign_counters")

    visits = draw_visits(office, small_day, seed=23)

    assert len(assignments) == len(small_day.visit_mix)  # once per kind of visit, then reused
    assert all(v.steps for v in visits)


@pytest.mark.parametrize("name", ["queue_waits_with_incoming", "expected_handling_minutes", "procedure_speed_factors",
                                  "remaining_minutes", "naive_wait_minutes", "call_to_start_minutes"])
def test_every_queue_join_is_estimated_with_the_live_estimator(office, small_day, monkeypatch, name):
    calls = spy(monkeypatch, estimate, name)
    visits = draw_visits(office, small_day, seed=24)

    run = run_policy(office, small_day, visits, "b")

    assert calls
    if name in ("queue_waits_with_incoming", "naive_wait_minutes"):
        assert len(calls) >= len(run.steps)  # at least once per queue join


def test_the_estimate_on_joining_is_the_live_estimate_at_that_position(office, small_day, monkeypatch):
    queue_waits = spy(monkeypatch, estimate, "queue_waits")
    run = run_policy(office, small_day, draw_visits(office, small_day, seed=25), "a")

    produced = {round(w, 9) for _args, _kwargs, (waits, _back) in queue_waits for w in waits}
    assert {round(s.estimate, 9) for s in run.steps} <= produced


def test_the_mirrored_live_settings_agree_with_the_live_selectors():
    assert sim_live.RECENT_STEPS_FOR_FACTORS == live_selectors.RECENT_STEPS_FOR_FACTORS
    assert sim_live.SPEED_CACHE_SECONDS == live_selectors.SPEED_CACHE_SECONDS

"""The office model: conservation, the policies' queue discipline and routing, common random numbers.
Pure (no database): the model imports no Django."""

import subprocess
import sys
from collections import Counter

import pytest

from madoguchi.insights.simulation import POLICIES, Profile, draw_visits, run_policy, simulate
from madoguchi.insights.simulation.demand import PlannedStep, PlannedVisit
from madoguchi.insights.simulation.inputs import staffing_of

from .conftest import ROOT


def day_like(profile: Profile, **changes) -> Profile:
    return Profile.model_validate({**profile.model_dump(), **changes})


def planned(visit_id: int, arrival: float, *steps: tuple[str, tuple[str, ...], float], advance: float = 0.0,
            first_step_id: int | None = None) -> PlannedVisit:
    """A hand-made visit: ``steps`` are (counter, procedures, handling minutes)."""
    base = first_step_id if first_step_id is not None else visit_id * 10
    plans = tuple(PlannedStep(base + i, counter, codes, minutes, minutes) for i, (counter, codes, minutes)
                  in enumerate(steps))
    return PlannedVisit(visit_id, arrival, "test", tuple(c for _, codes, _ in steps for c in codes), plans, advance,
                        False)


@pytest.fixture
def exact_day(small_day):
    """No walking, one desk at the moving and the insurance counter, no priority needs."""
    return day_like(small_day, walk={"base_minutes": 0, "per_floor_minutes": 0},
                    staffing={"koseki-move": {"all": 1}, "kokuho": {"all": 1}, "kosodate": {"all": 1},
                              "hoiku": {"all": 1}, "koseki-cert": {"all": 1}})


@pytest.mark.parametrize("policy", POLICIES)
def test_every_arrival_leaves_exactly_once(office, small_day, policy):
    visits = draw_visits(office, small_day, seed=11)
    run = run_policy(office, small_day, visits, policy)

    assert run.unfinished == 0
    assert sorted(v.visit_id for v in run.visits) == [v.visit_id for v in visits]
    assert all(v.departure >= v.arrival for v in run.visits)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_procedure_is_served_exactly_once(office, small_day, policy):
    visits = draw_visits(office, small_day, seed=12)
    run = run_policy(office, small_day, visits, policy)

    planned_by_visit = {v.visit_id: v for v in visits}
    for record in run.visits:
        assert Counter(record.procedures) == Counter(planned_by_visit[record.visit_id].procedures)
    served_steps = Counter(s.step_id for s in run.steps)
    assert set(served_steps.values()) == {1}
    assert set(served_steps) == {s.step_id for v in visits for s in v.steps}


@pytest.mark.parametrize("policy", POLICIES)
def test_no_counter_serves_more_visitors_at_once_than_it_has_desks(office, small_day, policy):
    run = run_policy(office, small_day, draw_visits(office, small_day, seed=13), policy)
    staffing = staffing_of(small_day, office)

    for counter in office.counters:
        moments = sorted([(s.called, 1) for s in run.steps if s.counter == counter]
                         + [(s.done, -1) for s in run.steps if s.counter == counter])
        at_desks, most = 0, 0
        for _, change in moments:
            at_desks += change
            most = max(most, at_desks)
        assert most <= staffing.most(counter)
    assert all(s.joined <= s.called <= s.started <= s.done for s in run.steps)


def test_the_policies_meet_the_same_visitors(office, small_day):
    comparison = simulate(office, small_day, seed=5, keep_runs=True)

    arrivals = {p: {v.visit_id: v.arrival for v in run.visits} for p, run in comparison.runs.items()}
    handling = {p: {s.step_id: round(s.done - s.started, 9) for s in run.steps} for p, run in comparison.runs.items()}
    assert arrivals["a"] == arrivals["b"] == arrivals["c"]
    assert handling["a"] == handling["b"] == handling["c"]
    assert len(arrivals["a"]) == len(comparison.visits) > 50


def test_a_what_if_meets_the_same_visitors_with_the_same_procedures(office, small_day):
    base = draw_visits(office, small_day, seed=6)
    more_prefill = draw_visits(office, small_day.with_changes(prefill_share=0.9, desks={"kokuho": 5}), seed=6)

    assert [(v.arrival, v.procedures) for v in base] == [(v.arrival, v.procedures) for v in more_prefill]
    assert {v.visit_id for v in base if v.prefilled} <= {v.visit_id for v in more_prefill if v.prefilled}
    unchanged = [(a, b) for a, b in zip(base, more_prefill, strict=True) if a.prefilled == b.prefilled]
    assert unchanged and all(a.steps == b.steps for a, b in unchanged)


def test_the_same_seed_gives_the_same_day(office, small_day):
    first = simulate(office, small_day, seed=9)
    second = simulate(office, small_day, seed=9)

    assert {p: s.groups for p, s in first.summaries.items()} == {p: s.groups for p, s in second.summaries.items()}


def test_handoff_keeps_the_arrival_place_and_no_handoff_goes_to_the_back(office, exact_day):
    visits = [
        planned(1, 540, ("koseki-move", ("juki.move_in",), 20), ("kokuho", ("nhi.enroll",), 10)),
        planned(2, 541, ("kokuho", ("nhi.enroll",), 10)),
        planned(3, 542, ("kokuho", ("nhi.enroll",), 10)),
        planned(4, 543, ("kokuho", ("nhi.enroll",), 10)),
    ]
    called = {}
    for policy in ("a", "b"):
        run = run_policy(office, exact_day, visits, policy)
        called[policy] = {s.visit_id: s.called for s in run.steps if s.counter == "kokuho"}

    # Visitor 1 reaches the insurance counter at 9:20, while 3 is at the desk and 4 waits.
    assert called["a"] == {2: 541, 3: 551, 4: 561, 1: 571}  # (a): behind 4, who came later
    assert called["b"] == {2: 541, 3: 551, 1: 561, 4: 571}  # (b): ahead of 4, by arrival


def test_policy_c_sends_the_visitor_to_the_shorter_queue_first(office, exact_day):
    waiting_for_children = [planned(n, 540 + n / 10, ("kosodate", ("kosodate.child_allowance",), 20))
                            for n in range(2, 6)]
    family = planned(1, 545, ("kosodate", ("kosodate.child_allowance",), 20), ("hoiku", ("hoiku.transfer",), 20))
    visits = sorted([*waiting_for_children, family], key=lambda v: v.arrival)

    routes = {p: next(v.route for v in run_policy(office, exact_day, visits, p).visits if v.visit_id == 1)
              for p in ("b", "c")}

    assert routes["b"] == ("kosodate", "hoiku")  # the fixed route: catalogue order
    assert routes["c"] == ("hoiku", "kosodate")  # live: the nursery desk is free


def test_every_policy_puts_the_resident_record_first(office, small_day):
    comparison = simulate(office, small_day, seed=3, keep_runs=True)

    for run in comparison.runs.values():
        for visit in run.visits:
            if "koseki-move" in visit.route:
                assert visit.route[0] == "koseki-move"
            if "koseki-family" in visit.route:
                assert visit.route[0] == "koseki-family"


def test_the_product_estimate_is_exact_when_handling_is_certain_and_nobody_jumps_the_queue(office, small_day):
    certain = day_like(small_day, handling={"cv": 0}, walk={"base_minutes": 0, "per_floor_minutes": 0},
                       priority={"share": 0, "advance_minutes": 0}, prefill={"share": 0, "saving": 0},
                       staffing={"koseki-move": {"all": 2}, "kokuho": {"all": 2}, "kosodate": {"all": 2}})

    error = simulate(office, certain, seed=4, policies=["a"]).summaries["a"].estimator

    # Only the one-minute floor of a desk running late can separate them.
    assert error.mae_product < 0.25
    assert error.mae_naive > 1


def test_the_model_imports_no_django():
    code = ("import sys; import madoguchi.insights.simulation, madoguchi.insights.simulation.replay, "
            "madoguchi.insights.simulation.report; "
            "print([m for m in sys.modules if m.split('.')[0] == 'django'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_the_estimate_sees_the_visitor_handed_in_ahead(office, exact_day):
    """Visitor 1 is at the moving desk (9:00–9:25) and comes to insurance next with the place of 9:00;
    visitor 4 joins insurance at 9:03 behind 3. Under handoff (b) the estimate counts visitor 1 as coming
    at 9:25, so it says 43 minutes — what happens; without handoff (a) visitor 1 goes to the back."""
    visits = [
        planned(1, 540, ("koseki-move", ("juki.move_in",), 25), ("kokuho", ("nhi.enroll",), 15)),
        planned(2, 541, ("kokuho", ("nhi.enroll",), 15)),
        planned(3, 542, ("kokuho", ("nhi.enroll",), 15)),
        planned(4, 543, ("kokuho", ("nhi.enroll",), 15)),
    ]
    fourth = {p: next(s for s in run_policy(office, exact_day, visits, p).steps if s.visit_id == 4) for p in "ab"}

    assert (fourth["b"].wait, fourth["b"].estimate) == (43, 43)
    assert (fourth["a"].wait, fourth["a"].estimate) == (28, 28)


@pytest.mark.parametrize("policy", ["b", "c"])
def test_the_oracle_knows_every_wait_when_nothing_it_cannot_know_happens(office, exact_day, policy):
    """No walking, no priority needs, desks never change: the oracle (exact handling, exact handoffs) is
    right to the second for every visitor, and the product's estimate is not (it knows only typical minutes)."""
    day = day_like(exact_day, priority={"share": 0, "advance_minutes": 0})
    run = run_policy(office, day, draw_visits(office, day, seed=8), policy)

    assert run.steps and all(abs(s.oracle - s.wait) < 1e-6 for s in run.steps)
    assert any(abs(s.estimate - s.wait) > 1 for s in run.steps)

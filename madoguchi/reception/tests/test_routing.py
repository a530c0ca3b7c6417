import pytest

from madoguchi.reception.routing import (
    PendingStep,
    RoutingError,
    assign_counters,
    choose_next_step,
    planned_order,
    unmet_prerequisites,
)

RESIDENT_RECORD = {"juki.move_in", "koseki.birth"}
PREREQUISITES = {
    "nhi.enroll": RESIDENT_RECORD,
    "kosodate.child_allowance": RESIDENT_RECORD,
    "mynumber.card_update": RESIDENT_RECORD,
    "cert.juminhyo": set(),
}


def step(step_id, counter, *codes):
    return PendingStep(step_id, counter, frozenset(codes))


def test_assign_counters_puts_a_procedure_with_a_counter_the_visit_needs_anyway():
    plan = assign_counters({
        "juki.move_in": ["koseki-move"],
        "mynumber.card_update": ["koseki-mynumber", "koseki-move"],
        "nhi.enroll": ["kokuho"],
    })
    assert plan == {"koseki-move": ["juki.move_in", "mynumber.card_update"], "kokuho": ["nhi.enroll"]}


def test_assign_counters_uses_the_first_preference_when_nothing_else_decides():
    assert assign_counters({"cert.juminhyo": ["koseki-cert", "kita-cert"]}) == {"koseki-cert": ["cert.juminhyo"]}


def test_assign_counters_refuses_a_procedure_no_counter_here_serves():
    with pytest.raises(RoutingError) as refused:
        assign_counters({"nhi.enroll": [], "cert.juminhyo": ["kita-cert"]})
    assert refused.value.codes == ["nhi.enroll"]


def test_resident_record_comes_first_even_when_its_counter_is_busier():
    pending = [step(1, "kokuho", "nhi.enroll"), step(2, "koseki-move", "juki.move_in")]
    waits = {"kokuho": 0.0, "koseki-move": 45.0}
    assert choose_next_step(pending, PREREQUISITES, waits).step_id == 2


def test_among_ready_steps_the_shortest_expected_wait_wins():
    pending = [step(1, "kokuho", "nhi.enroll"), step(2, "kosodate", "kosodate.child_allowance"),
               step(3, "koseki-cert", "cert.juminhyo")]
    waits = {"kokuho": 30.0, "kosodate": 5.0, "koseki-cert": 12.0}
    assert choose_next_step(pending, PREREQUISITES, waits).step_id == 2


def test_a_prerequisite_in_the_same_step_does_not_block_it():
    single = step(1, "koseki-move", "juki.move_in", "mynumber.card_update")
    assert unmet_prerequisites(single, [single], PREREQUISITES) == set()


def test_nothing_pending_means_no_next_step():
    assert choose_next_step([], PREREQUISITES, {}) is None


def test_planned_order_lists_every_step_once_prerequisites_first():
    pending = [step(1, "kokuho", "nhi.enroll"), step(2, "kosodate", "kosodate.child_allowance"),
               step(3, "koseki-move", "juki.move_in")]
    order = planned_order(pending, PREREQUISITES, {"kokuho": 1.0, "kosodate": 2.0, "koseki-move": 50.0})
    assert [s.step_id for s in order] == [3, 1, 2]


def test_a_deadlocked_edit_still_routes_the_step_with_fewest_unmet_prerequisites():
    # a: needs y (held by step 2); b: needs x and z (held by step 1) — no step is fully ready.
    prerequisites = {"a": {"y"}, "b": {"x", "z"}}
    pending = [step(1, "c1", "a", "x", "z"), step(2, "c2", "b", "y")]
    assert choose_next_step(pending, prerequisites, {}).step_id == 1

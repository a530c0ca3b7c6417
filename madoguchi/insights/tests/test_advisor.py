"""The staffing advisor (issue 18): same staff-hours, desks moved only within a section, lunch kept,
and the plan confirmed by the simulator on the same visitors. Pure (no database)."""

import pytest

from madoguchi.insights.simulation import DEFAULT_PROFILE, draw_visits, load_profile, run_policy, summarise
from madoguchi.insights.simulation.advisor import advise, advised_run, counter_load


@pytest.fixture(scope="module")
def peak(office):
    return load_profile(DEFAULT_PROFILE, office)


@pytest.fixture(scope="module")
def plan(office, peak):
    return advise(office, peak)


def test_the_plan_keeps_each_sections_desks_in_every_hour(office, plan):
    assert plan.staff_hours == plan.current_staff_hours
    sections = {spec.department for spec in office.counters.values()}
    for section in sections:
        members = [c for c, spec in office.counters.items() if spec.department == section]
        for hour in plan.current[members[0]]:
            assert sum(plan.desks[c][hour] for c in members) == sum(plan.current[c][hour] for c in members)
    # The lunch rotation stays: 戸籍住民課 has fewer desks at 12:00 than at 11:00, as the profile says.
    koseki = [c for c, spec in office.counters.items() if spec.department == "koseki"]
    assert sum(plan.desks[c][12] for c in koseki) < sum(plan.desks[c][11] for c in koseki)


def test_desks_move_only_between_one_sections_counters_and_a_staffed_counter_keeps_one(office, plan):
    assert plan.moves
    for move in plan.moves:
        assert office.counters[move.from_counter].department == office.counters[move.to_counter].department
    for counter, hours in plan.desks.items():
        for hour, desks in hours.items():
            assert desks >= (1 if plan.current[counter][hour] else 0)
    alone = [c for c, spec in office.counters.items()
             if sum(1 for other in office.counters.values() if other.department == spec.department) == 1]
    assert alone and all(plan.desks[c] == plan.current[c] for c in alone)


def test_the_load_is_the_profiles_visits_at_each_counter(office, peak):
    load = counter_load(office, peak)
    # Certificates are the largest share of the visits.
    per_hour = {c: hours[9].arrivals_per_minute * 60 for c, hours in load.items()}
    assert max(per_hour, key=per_hour.get) == "koseki-cert"
    # 150 in half an hour at 8 against 250 in the hour at 9: a rate 1.2 times as high.
    assert load["koseki-cert"][8].arrivals_per_minute == pytest.approx(1.2 * load["koseki-cert"][9].arrivals_per_minute)


def test_the_simulator_confirms_the_plan_cuts_the_waiting_at_the_same_staff_hours(office, peak, plan):
    visits = draw_visits(office, peak, seed=1)
    c = summarise(run_policy(office, peak, visits, "c"))
    d = summarise(advised_run(office, peak, plan, visits))
    assert d.groups["all"].mean_wait < c.groups["all"].mean_wait
    assert d.groups["multi"].mean_stay < c.groups["multi"].mean_stay


def test_an_hour_near_a_load_of_one_costs_about_what_its_neighbours_do(office, peak):
    # Steady-state formulas explode at a load of one; an hour's queue does not.
    from madoguchi.insights.simulation.advisor import CounterHour, within_hour_wait

    load = CounterHour(arrivals_per_minute=20 / 60, mean_handling=30.0)  # 10 desks' worth of work
    waits = [within_hour_wait(load, desks, 0.5)[0] for desks in (9, 10, 11)]
    assert waits[0] >= waits[1] >= waits[2] > 0
    assert waits[1] < 60


def test_work_beyond_the_desks_waits_into_the_next_hour(office, peak):
    from madoguchi.insights.simulation.advisor import CounterHour, counter_hours

    load = {9: CounterHour(6 / 60, 20.0), 10: CounterHour(0.0, 20.0)}  # 120 desk-minutes in an hour, 1 desk
    hours = counter_hours(load, {9: 1, 10: 1}, [9, 10], 0.5, (peak.opens_minute, peak.closes_minute))
    # The 60 minutes not done by 10:00 are still ahead of anyone coming at 10 (nobody does, but the desk
    # is busy): the backlog's wait shows in the hour it builds, growing from 0 to 60 minutes.
    assert hours[0].mean >= 30 and hours[0].p90 >= 54
    assert counter_hours(load, {9: 0, 10: 1}, [9, 10], 0.5, (peak.opens_minute, peak.closes_minute)) is None


def test_the_peak_day_gives_the_big_sections_more_work_than_their_desks_can_do(office, peak):
    from madoguchi.insights.simulation.bounds import section_balance

    balance = section_balance(office, peak)
    assert balance["koseki"][0] > balance["koseki"][1]
    assert balance["kokuho"][0] > balance["kokuho"][1]


def test_a_pooled_section_keeps_its_staff_hours_and_its_visitors(office, peak):
    from madoguchi.insights.simulation.bounds import pooled
    from madoguchi.insights.simulation.inputs import staffing_of

    pool_office, pool_profile = pooled(office, peak, "koseki")
    assert "koseki" in pool_office.counters and "koseki-move" not in pool_office.counters
    before, after = staffing_of(peak, office), staffing_of(pool_profile, pool_office)
    koseki = [c for c, spec in office.counters.items() if spec.department == "koseki"]
    assert after.staffed_minutes("koseki") == sum(before.staffed_minutes(c) for c in koseki)
    visits, pool_visits = draw_visits(office, peak, seed=1), draw_visits(pool_office, pool_profile, seed=1)
    assert [v.arrival for v in visits] == [v.arrival for v in pool_visits]
    assert [v.procedures for v in visits] == [v.procedures for v in pool_visits]

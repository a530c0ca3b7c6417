"""Policy (d), live (issue 18): the simulator runs the peak day with a supervisor who accepts the
staffing page's moves every quarter hour — the product's own ``plan_rest_of_day`` — and a moved clerk
finishes their visitor, then walks. Pure (no database)."""

import pytest

from madoguchi.insights.simulation import DEFAULT_PROFILE, draw_visits, load_profile, run_policy, summarise
from madoguchi.insights.simulation.followed import Following, followed_run


@pytest.fixture(scope="module")
def peak(office):
    return load_profile(DEFAULT_PROFILE, office)


@pytest.fixture(scope="module")
def day(office, peak):
    visits = draw_visits(office, peak, seed=1)
    run, moves = followed_run(office, peak, visits)
    return visits, run, moves


def test_everyone_is_served_and_the_waiting_falls_below_policy_c(office, peak, day):
    visits, run, _moves = day
    c = summarise(run_policy(office, peak, visits, "c"))
    followed = summarise(run)
    assert all(share <= 1 + 1e-9 for share in followed.utilisation.values())  # no desk busier than staffed
    assert run.unfinished == 0 and len(run.visits) == len(visits)
    assert followed.groups["all"].p90_wait < c.groups["all"].p90_wait
    assert followed.groups["multi"].mean_stay < c.groups["multi"].mean_stay


def test_moves_are_accepted_at_the_looks_and_only_within_a_section(office, peak, day):
    _visits, _run, moves = day
    assert moves
    for move in moves:
        assert office.counters[move.from_counter].department == office.counters[move.to_counter].department
        assert move.from_counter != move.to_counter
        # On the clock, every quarter hour of the opening hours.
        assert move.minute % Following().every == pytest.approx(0) and move.minute < peak.closes_minute


def test_the_staff_hours_are_c_s_less_the_walks(office, peak, day):
    visits, run, moves = day

    def walk_of(move):
        floors = abs(office.counters[move.from_counter].floor - office.counters[move.to_counter].floor)
        return peak.walk.base_minutes + peak.walk.per_floor_minutes * floors

    c_run = run_policy(office, peak, visits, "c")
    sections = {spec.department for spec in office.counters.values()}
    for section in sections:
        members = [code for code, spec in office.counters.items() if spec.department == section]
        followed = sum(run.staffed_minutes[code] for code in members)
        planned = sum(c_run.staffed_minutes[code] for code in members)
        walks = sum(max(0.0, min(m.opens_at, peak.closes_minute) - m.opens_at + walk_of(m)) for m in moves
                    if office.counters[m.from_counter].department == section)
        # Each move loses the clerk's walk (the visitor they finish at the old desk counts there).
        assert followed == pytest.approx(planned - walks, abs=1e-6)


def test_a_moved_clerk_finishes_their_visitor_then_walks_and_the_desk_serves_no_one_meanwhile(office, peak, day):
    _visits, run, moves = day
    walk = peak.walk
    for move in moves:
        floors = abs(office.counters[move.from_counter].floor - office.counters[move.to_counter].floor)
        assert move.opens_at >= move.minute + walk.base_minutes + walk.per_floor_minutes * floors - 1e-9
        at_closing_desk = [s for s in run.steps if s.counter == move.from_counter and s.desk == move.closing_desk]
        # The visitor at the desk when the move was accepted is finished before the clerk walks …
        current = [s for s in at_closing_desk if s.called <= move.minute < s.done]
        assert all(s.done <= move.opens_at - walk.base_minutes + 1e-9 for s in current)
        # … and nobody is called to that desk until the next look (unless a clerk arrives there meanwhile).
        until = move.minute + Following().every
        if not any(m.to_counter == move.from_counter and move.minute < m.opens_at < until for m in moves):
            assert not [s for s in at_closing_desk if move.minute < s.called < until]


def test_a_supervisor_who_looks_less_often_accepts_fewer_moves(office, peak):
    visits = draw_visits(office, peak, seed=2)
    _run, often = followed_run(office, peak, visits, Following(every=15.0))
    _run, seldom = followed_run(office, peak, visits, Following(every=60.0))
    assert len(seldom) < len(often)

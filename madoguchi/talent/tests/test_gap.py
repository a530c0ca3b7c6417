"""The gap computation and the small-group rule, on plain data (no database)."""

from madoguchi.talent import gap
from madoguchi.talent.fiscal import fiscal_quarter_of, fiscal_year_end, fiscal_year_of

A, B = 1, 2
STAFF, CHIEF = 10, 30


def people():
    # Section A: six people (four staff, two chiefs); section B: three. Data scientist levels, confirmed.
    return [gap.Person(A, STAFF, {"ds": 3}), gap.Person(A, STAFF, {"ds": 2}), gap.Person(A, STAFF, {"ds": 1}),
            gap.Person(A, STAFF, {}), gap.Person(A, CHIEF, {"ds": 2}), gap.Person(A, CHIEF, {}),
            gap.Person(B, STAFF, {"ds": 2}), gap.Person(B, STAFF, {"ds": 2}), gap.Person(B, STAFF, {})]


def test_a_target_counts_the_staff_in_its_scope_at_its_level_or_above():
    ward, section_a, chiefs_of_a, section_b = gap.target_results([
        gap.Target(None, None, "ds", 2, 6), gap.Target(A, None, "ds", 2, 4), gap.Target(A, CHIEF, "ds", 2, 2),
        gap.Target(B, None, "ds", 1, 3)], people())

    assert (ward.population, ward.actual, ward.shortfall, round(ward.achievement, 2)) == (9, 5, 1, 0.83)
    assert (section_a.population, section_a.actual, section_a.shortfall) == (6, 3, 1)
    assert (chiefs_of_a.population, chiefs_of_a.actual, chiefs_of_a.suppressed) == (2, 1, True)
    assert (section_b.population, section_b.actual, section_b.suppressed) == (3, 2, True)


def test_a_target_reached_has_no_shortfall_and_achievement_is_capped_at_one():
    [result] = gap.target_results([gap.Target(None, None, "ds", 1, 2)], people())

    assert (result.actual, result.shortfall, result.achievement) == (6, 0, 1.0)


def test_a_group_under_five_people_is_hidden_and_so_is_a_total_that_adds_it_up():
    results = gap.target_results([gap.Target(A, None, "ds", 2, 4), gap.Target(A, CHIEF, "ds", 2, 2)], people())

    [section_a] = gap.by_section(results, people())

    # Six people in A, but one of its rows covers two: the total would give that row away.
    assert section_a.population == 6
    assert section_a.suppressed
    assert gap.shown(section_a.actual, suppressed=section_a.suppressed) == gap.HIDDEN
    assert gap.shown(section_a.actual, suppressed=section_a.suppressed, exact=True) == 4


def test_five_people_are_enough_to_show_a_figure():
    five = [gap.Person(A, STAFF, {"ds": 1})] * 5
    [result] = gap.target_results([gap.Target(A, None, "ds", 1, 5)], five)

    assert not result.suppressed
    assert gap.shown(result.actual, suppressed=result.suppressed) == 5


def test_fiscal_years_run_from_april_to_march():
    from datetime import date

    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert fiscal_year_of(date(2026, 4, 1)) == 2026
    assert fiscal_year_end(2025) == date(2026, 3, 31)
    assert fiscal_quarter_of(date(2026, 4, 1)) == (2026, 1)
    assert fiscal_quarter_of(date(2027, 1, 15)) == (2026, 4)

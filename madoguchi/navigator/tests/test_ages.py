"""Ages and school years, against an independent statement of the rule (hypothesis), over every birth
date from 1900 to 2030 and event dates up to 2100.

The independent statement is the one ward guidance gives residents: you are N once the calendar
reaches your N-th birthday (someone born on 29 February turns a year older on 1 March in a common
year), and children born from April 2 of one year to April 1 of the next share a school year — they
enter elementary school on the April 1 seven years after that first April, leave junior high school on
the March 31 sixteen years after it, and stay "children" for the allowance until the March 31
nineteen years after it.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.navigator import ages

BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


def stated_age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def cohort(birth: date) -> int:
    """The year of the April 2 that opens the child's school year (早生まれ: Jan 1 – Apr 1 go a year earlier)."""
    return birth.year if (birth.month, birth.day) >= (4, 2) else birth.year - 1


@st.composite
def birth_and_day(draw, *, span_years: int = 130):
    birth = draw(BIRTHS)
    on = draw(st.dates(min_value=birth, max_value=min(date(2100, 12, 31), birth + timedelta(days=366 * span_years))))
    return birth, on


@settings(max_examples=3000)
@given(birth_and_day())
def test_the_age_is_the_number_of_birthdays_reached(pair):
    birth, on = pair
    assert ages.age_on(birth, on) == stated_age(birth, on)


@settings(max_examples=1000)
@given(BIRTHS)
def test_the_age_is_reached_at_the_end_of_the_day_before_the_birthday(birth):
    for years in (1, 6, 15, 18, 20, 65, 75):
        reached = ages.day_reaching(birth, years)
        assert ages.age_on(birth, reached) == years - 1
        assert ages.age_on(birth, reached + timedelta(days=1)) == years


@settings(max_examples=3000)
@given(BIRTHS)
def test_school_begins_and_ends_with_the_childs_cohort(birth):
    year = cohort(birth)
    assert ages.compulsory_school_start(birth) == date(year + 7, 4, 1)
    assert ages.compulsory_school_end(birth) == date(year + 16, 3, 31)
    assert ages.child_period_end(birth) == date(year + 19, 3, 31)


@settings(max_examples=3000)
@given(birth_and_day(span_years=25))
def test_the_school_facts_on_a_day_follow_the_cohort(pair):
    birth, on = pair
    year = cohort(birth)
    assert ages.in_compulsory_school(birth, on) == (date(year + 7, 4, 1) <= on <= date(year + 16, 3, 31))
    assert ages.before_school(birth, on) == (on < date(year + 7, 4, 1))
    assert ages.in_child_period(birth, on) == (on <= date(year + 19, 3, 31))
    grade = ages.school_grade(birth, on)
    school_year = on.year if on.month >= 4 else on.year - 1
    assert grade == (school_year - year - 6 if 1 <= school_year - year - 6 <= 9 else None)


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=110),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_birth_window_of_an_age_holds_exactly_the_births_of_that_age(age, on):
    earliest, latest = ages.birth_window(age, on)
    assert stated_age(earliest, on) == age and stated_age(latest, on) == age
    assert stated_age(earliest - timedelta(days=1), on) == age + 1
    assert latest == on or stated_age(latest + timedelta(days=1), on) == age - 1


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=20),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_an_age_alone_tells_a_school_fact_only_when_every_birth_date_agrees(age, on):
    window = ages.birth_window(age, on)
    days = [window[0] + timedelta(days=n) for n in range((window[1] - window[0]).days + 1)]
    for fact in (ages.in_compulsory_school, ages.before_school, ages.in_child_period):
        values = {fact(birth, on) for birth in days}
        assert ages.known_over(window, on, fact) == (values.pop() if len(values) == 1 else None)


@pytest.mark.parametrize(("birth", "starts"), [
    (date(2019, 4, 1), date(2025, 4, 1)),   # reaches 6 on 2025-03-31: the earlier school year
    (date(2019, 4, 2), date(2026, 4, 1)),   # reaches 6 on 2025-04-01: the next one
    (date(2019, 3, 31), date(2025, 4, 1)),
    (date(2020, 2, 29), date(2026, 4, 1)),  # reaches 6 at the end of 2026-02-28
])
def test_school_starts_on_the_april_1_after_the_day_the_child_reaches_6(birth, starts):
    assert ages.compulsory_school_start(birth) == starts


@pytest.mark.parametrize(("on", "expected"), [(date(2026, 3, 31), True), (date(2026, 4, 1), False)])
def test_a_child_born_on_april_1_leaves_junior_high_a_year_before_one_born_on_april_2(on, expected):
    assert ages.in_compulsory_school(date(2011, 4, 1), on) is expected
    assert ages.in_compulsory_school(date(2011, 4, 2), on) is True


def test_the_child_allowance_ends_on_the_first_march_31_on_or_after_reaching_18():
    assert ages.child_period_end(date(2008, 4, 1)) == date(2026, 3, 31)  # reaches 18 on 2026-03-31 itself
    assert ages.child_period_end(date(2008, 4, 2)) == date(2027, 3, 31)


def test_a_15_year_old_in_june_may_or_may_not_still_be_at_junior_high():
    on = date(2026, 6, 1)
    assert ages.known_over(ages.birth_window(15, on), on, ages.in_compulsory_school) is None
    assert ages.known_over(ages.birth_window(14, on), on, ages.in_compulsory_school) is True
    assert ages.known_over(ages.birth_window(16, on), on, ages.in_compulsory_school) is False


def test_on_april_1_the_age_alone_tells_the_school_year():
    on = date(2026, 4, 1)
    for age in range(0, 20):
        window = ages.birth_window(age, on)
        for fact in (ages.in_compulsory_school, ages.before_school, ages.in_child_period):
            assert ages.known_over(window, on, fact) is not None


def test_an_event_before_the_birth_is_refused():
    with pytest.raises(ValueError):
        ages.age_on(date(2026, 4, 2), date(2026, 4, 1))

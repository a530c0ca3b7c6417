"""The office calendar: office days, month ends, days after holidays, the ward's days moved off closed days."""

from datetime import date

from madoguchi.insights.calendar import OfficeCalendar, WardDaySpec, learn_open_weekdays

PENSION = WardDaySpec("pension", day=15, months=(2, 4, 6, 8, 10, 12), when_closed="before", counters=("kokuho",))
TAX_DUE = WardDaySpec("tax-due", day=-1, months=(8,), when_closed="after", lasts_days=2)
SUNDAY = WardDaySpec("sunday", kind="open", dates=(date(2026, 3, 29),))
CALENDAR = OfficeCalendar([PENSION, TAX_DUE, SUNDAY])


def test_weekends_holidays_and_the_year_end_are_closed_and_a_sunday_opening_opens():
    assert CALENDAR.is_open(date(2026, 11, 30))  # a Monday
    assert not CALENDAR.is_open(date(2026, 11, 28))  # Saturday
    assert not CALENDAR.is_open(date(2026, 11, 23))  # 勤労感謝の日
    assert not CALENDAR.is_open(date(2026, 12, 29)) and not CALENDAR.is_open(date(2027, 1, 3))
    assert CALENDAR.is_open(date(2026, 3, 29)) and CALENDAR.features(date(2026, 3, 29))["extra_opening"] == 1


def test_the_day_after_a_closed_weekday_but_not_an_ordinary_monday():
    assert CALENDAR.after_holiday(date(2026, 11, 24))  # Tuesday after the Monday holiday
    assert CALENDAR.after_holiday(date(2027, 1, 4))  # the first day after the year-end closure
    assert not CALENDAR.after_holiday(date(2026, 11, 30))  # an ordinary Monday


def test_month_start_and_end_are_the_first_and_last_two_office_days():
    features = [CALENDAR.features(date(2026, 10, d)) for d in (1, 2, 5, 29, 30)]
    assert [f["month_start"] for f in features] == [1, 1, 0, 0, 0]
    assert [f["month_end"] for f in features] == [0, 0, 0, 1, 1]


def test_a_ward_day_on_a_closed_day_moves_and_lasts():
    # 15 August 2026 is a Saturday: the pension day moves to Friday the 14th.
    assert CALENDAR.is_ward_day(PENSION, date(2026, 8, 14)) and not CALENDAR.is_ward_day(PENSION, date(2026, 8, 17))
    # 31 August 2025 is a Sunday: the tax due date moves to Monday 1 September and lasts two office days.
    assert CALENDAR.is_ward_day(TAX_DUE, date(2025, 9, 1)) and CALENDAR.is_ward_day(TAX_DUE, date(2025, 9, 2))
    assert not CALENDAR.is_ward_day(TAX_DUE, date(2025, 9, 3))
    assert PENSION.concerns("kokuho") and not PENSION.concerns("koseki-cert") and PENSION.concerns(None)


def test_saturday_openings_are_learnt_from_the_history():
    saturdays_too = [date(2026, 6, d) for d in range(1, 28) if date(2026, 6, d).weekday() <= 5]
    assert learn_open_weekdays(saturdays_too) == frozenset(range(6))
    assert learn_open_weekdays([]) == frozenset(range(5))

"""Days as residents read them and the days the office is closed (pure: no database)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from madoguchi.core.dates import day_text, next_office_day, office_closed, office_state

TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_day_is_written_the_japanese_way_and_the_year_only_when_it_is_another():
    with translation.override("ja"):
        assert day_text(date(2026, 12, 2), today=date(2026, 11, 30)) == "12月2日（水）"
        assert day_text(date(2027, 1, 4), today=date(2026, 11, 30)) == "2027年1月4日（月）"
    with translation.override("en"):
        assert "Wed" in day_text(date(2026, 12, 2), today=date(2026, 11, 30))


@pytest.mark.parametrize(("day", "closed"), [
    (date(2026, 12, 2), False),   # a Wednesday
    (date(2026, 12, 5), True),    # Saturday
    (date(2026, 12, 29), True),   # year end
    (date(2027, 1, 3), True),     # new year
    (date(2027, 1, 11), True),    # 成人の日
    (date(2026, 4, 29), True),    # 昭和の日
])
def test_the_office_is_closed_on_weekends_holidays_and_at_the_year_end(day, closed):
    assert office_closed(day) is closed


def test_a_closed_day_moves_to_the_next_open_day():
    assert next_office_day(date(2026, 12, 28)) == date(2026, 12, 28)
    assert next_office_day(date(2026, 12, 29)) == date(2027, 1, 4)
    assert next_office_day(date(2026, 4, 18)) == date(2026, 4, 20)


@override_settings(OFFICE_HOURS="08:30-17:15")
def test_closed_now_says_when_the_counters_open():
    assert office_state(datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)).open
    early = office_state(datetime(2026, 12, 2, 7, 0, tzinfo=TOKYO))
    assert not early.open and early.opens_at == datetime(2026, 12, 2, 8, 30, tzinfo=TOKYO)
    evening = office_state(datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO))  # Friday evening → Monday
    assert evening.opens_at == datetime(2026, 12, 7, 8, 30, tzinfo=TOKYO)

"""Dates as residents read them, and the days the office is closed.

    day_text(date(2026, 12, 2))          # 12月2日（水） in Japanese, Dec. 2 (Wed) in English
    office_closed(date(2026, 12, 29))    # True: 年末年始
    next_office_day(date(2026, 5, 3))    # the first day on or after it that the office is open

The office is closed on the days the law closes administrative bodies (行政機関の休日に関する法律):
Saturdays, Sundays, national holidays (jpholiday: the Cabinet Office's list, substitute and citizens'
holidays included) and 29 December to 3 January. A deadline that falls on such a day moves to the next
open day (same law, art. 2). Sunday openings for appointments (catalog/appointments) do not change that.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jpholiday
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def day_text(value: date, *, today: date | None = None) -> str:
    """A day with its weekday: 12月2日（水）; with the year when it is not this year (2027年1月4日（月））."""
    today = today or timezone.localdate()
    shown = formats.date_format(value, "MONTH_DAY_FORMAT" if value.year == today.year else "DATE_FORMAT")
    return _("%(date)s (%(weekday)s)") % {"date": shown, "weekday": formats.date_format(value, "D")}


def office_closed(day: date) -> bool:
    """Whether the ward office is closed on ``day`` (weekend, national holiday, year end and new year)."""
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return True
    return (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3)


def next_office_day(day: date) -> date:
    """``day`` if the office is open then, else the first open day after it."""
    while office_closed(day):
        day += timedelta(days=1)
    return day


def office_hours() -> tuple[time, time]:
    """When the counters are open on an open day (``OFFICE_HOURS`` = "08:30-17:15")."""
    opens, closes = getattr(settings, "OFFICE_HOURS", "08:30-17:15").split("-")
    return time.fromisoformat(opens), time.fromisoformat(closes)


@dataclass(frozen=True)
class LunchRotation:
    """The lunch rotation (昼休みの交代): from ``first`` to ``end`` (minutes of the day) ``share`` of each
    section's staff are at lunch at any moment, taking turns, while the counters stay open."""

    first: int
    end: int
    share: float

    def away_at(self, minute: float) -> float:
        return self.share if self.first <= minute < self.end else 0.0

    def away_over(self, start: float, end: float) -> float:
        """The share away, averaged from minute ``start`` to ``end``."""
        if end <= start:
            return 0.0
        return self.share * max(0.0, min(self.end, end) - max(self.first, start)) / (end - start)

    def away_by_hour(self, *, from_minute: float = 0.0) -> dict[int, float]:
        """Clock hour → the share away, averaged over the hour ("11:30-13:30": half the share at 11 and 13) —
        over its part from ``from_minute`` on, for the hour a plan starts in."""
        return {hour: self.away_over(max(hour * 60, from_minute), (hour + 1) * 60)
                for hour in range(self.first // 60, (self.end - 1) // 60 + 1) if (hour + 1) * 60 > from_minute}


def lunch_rotation() -> LunchRotation | None:
    """``LUNCH_HOURS`` ("12:00-13:00"; "" for none) and ``LUNCH_SHARE`` (0.17: a sixth). Raises
    ``ImproperlyConfigured`` on a value it cannot read (a system check reports it at ``migrate`` and ``check``)."""
    hours = (getattr(settings, "LUNCH_HOURS", "12:00-13:00") or "").strip()
    if not hours:
        return None
    try:
        first, last = (time.fromisoformat(part.strip()) for part in hours.split("-"))
        share = float(getattr(settings, "LUNCH_SHARE", 0.17))
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"LUNCH_HOURS must read like 12:00-13:00 and LUNCH_SHARE like 0.17: {error}") \
            from error
    start, end = first.hour * 60 + first.minute, last.hour * 60 + last.minute
    if not 0 <= share < 1 or end <= start:
        raise ImproperlyConfigured("LUNCH_SHARE must be at least 0 and below 1, and LUNCH_HOURS end after it starts.")
    return LunchRotation(start, end, share)


@dataclass(frozen=True)
class OfficeState:
    open: bool
    opens_at: datetime | None  # when closed: the next opening


def office_state(now: datetime | None = None) -> OfficeState:
    """Whether the counters are open at ``now``, and if not, when they open next."""
    now = timezone.localtime(now or timezone.now())
    opens, closes = office_hours()
    today = now.date()
    if not office_closed(today) and opens <= now.time() < closes:
        return OfficeState(True, None)
    day = today if not office_closed(today) and now.time() < opens else next_office_day(today + timedelta(days=1))
    return OfficeState(False, timezone.make_aware(datetime.combine(day, opens), now.tzinfo))

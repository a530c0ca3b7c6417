"""When an appointment group takes bookings: opening days, hours and slots. Pure: no Django.

A group is open on weekdays (Monday to Friday) in its hours, except on Japanese public holidays
(jpholiday: the Cabinet Office's list, substitute and citizens' holidays included) and on the site's
closed days; on Sundays only when the site has a Sunday opening (日曜開庁) that day and the group
takes part, in that day's hours. Saturdays are closed. An explicit Sunday opening wins over a
holiday: the ward announced it.

Times are naive local times (the office's time zone); the caller makes them aware.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

import jpholiday

from .schedule import AppointmentGroup, Hours

HolidayCheck = Callable[[date], bool]


def opening_hours(group: AppointmentGroup, day: date, *, is_holiday: HolidayCheck = jpholiday.is_holiday
                  ) -> tuple[Hours, ...]:
    """The hours ``group`` takes bookings on ``day``; empty when it is closed."""
    calendar = group.calendar
    if day.weekday() == 6:
        return calendar.sunday_openings.get(day, ()) if group.sunday_openings else ()
    if day.weekday() == 5 or is_holiday(day) or calendar.is_closed_day(day):
        return ()
    return group.hours


def slot_times(group: AppointmentGroup, day: date, *, is_holiday: HolidayCheck = jpholiday.is_holiday
               ) -> list[tuple[datetime, datetime]]:
    """(start, end) of every slot of ``group`` on ``day``: from each opening, one slot after another
    while a whole slot fits before closing."""
    length = timedelta(minutes=group.slot_minutes)
    out = []
    for hours in opening_hours(group, day, is_holiday=is_holiday):
        start = datetime.combine(day, hours.start)
        close = datetime.combine(day, hours.end)
        while start + length <= close:
            out.append((start, start + length))
            start += length
    return out


def booking_window(group: AppointmentGroup, now: datetime) -> tuple[datetime, date]:
    """The earliest slot start a booking made at ``now`` may take, and the last day it may take."""
    return now + timedelta(minutes=group.min_notice_minutes), now.date() + timedelta(days=group.book_days_ahead)


def bookable_slot_times(group: AppointmentGroup, now: datetime, *, is_holiday: HolidayCheck = jpholiday.is_holiday
                        ) -> list[tuple[datetime, datetime]]:
    """Every slot a booking made at ``now`` may take (capacity not considered)."""
    earliest, last_day = booking_window(group, now)
    out = []
    day = now.date()
    while day <= last_day:
        out.extend(slot for slot in slot_times(group, day, is_holiday=is_holiday) if slot[0] >= earliest)
        day += timedelta(days=1)
    return out


def is_bookable(group: AppointmentGroup, start: datetime, now: datetime, *,
                is_holiday: HolidayCheck = jpholiday.is_holiday) -> bool:
    """Whether ``start`` is the start of a slot of ``group`` that a booking made at ``now`` may take."""
    earliest, last_day = booking_window(group, now)
    if start < earliest or start.date() > last_day:
        return False
    return any(slot_start == start for slot_start, _end in slot_times(group, start.date(), is_holiday=is_holiday))


def priority_advance_minutes(*, slot_start: datetime, arrived_at: datetime, advance_minutes: int) -> int:
    """How many minutes ahead of its arrival an appointment checking in at ``arrived_at`` is queued.

    Its place in line is ``advance_minutes`` before the later of its slot time and its arrival, and never
    before it arrived: on time or late (within the grace) the full advance; arriving 10 minutes early
    for an advance of 30, 20 minutes (the same place as on time); arriving 30 or more minutes early,
    none — coming early buys no place before the booked time."""
    early_by = (slot_start - arrived_at).total_seconds() / 60
    return max(0, min(advance_minutes, int(advance_minutes - max(0.0, early_by))))

"""The office calendar: which days the counters are open, and what kind of day each is. Pure (no Django).

The congestion forecast learns an effect for each feature named here, and the demo history draws its
visitors with the same features (other sizes), so both speak of the same days:

* ``weekday`` (0 = Monday);
* ``month_start`` / ``month_end``: the first and the last two office days of a month;
* ``after_holiday``: the first office day after a weekday the office was closed (a public holiday, the
  year-end closure, a closed ward day) — the Monday after an ordinary weekend is not one;
* ``moving_peak`` (20 March – 10 April) and ``moving_shoulder`` (the rest of March and April): the
  moving season, when Tokyo wards see two- to four-hour waits;
* ``month`` (1–12): what else the year brings;
* ``ward:<code>``: the ward's busy days of ``catalog/calendar.yaml`` (pension pay days …), for as many
  office days as each lasts.

Closed: Saturdays and Sundays (unless the history shows the site opens them), public holidays
(jpholiday, substitute and citizens' holidays included), 29 December – 3 January (the law's year-end
closure), and the ward's ``closed`` days; its ``open`` days open (a Sunday opening).
"""

import calendar as _calendar
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import jpholiday

WEEKDAYS = frozenset(range(5))
MOVING_PEAK = ((3, 20), (4, 10))


@dataclass(frozen=True)
class WardDaySpec:
    """A ward day as written in ``catalog/calendar.yaml`` (see ``catalog.schema.WardDayEntry``)."""

    code: str
    kind: str = "busy"
    dates: tuple[date, ...] = ()
    day: int | None = None
    months: tuple[int, ...] = ()
    when_closed: str = "before"
    lasts_days: int = 1
    counters: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None

    @classmethod
    def from_definition(cls, code: str, kind: str, definition: dict) -> "WardDaySpec":
        def as_date(value):
            return value if isinstance(value, date) or value is None else date.fromisoformat(value)

        return cls(code=code, kind=kind, dates=tuple(as_date(d) for d in definition.get("dates", ())),
                   day=definition.get("day"), months=tuple(definition.get("months", ())),
                   when_closed=definition.get("when_closed", "before"),
                   lasts_days=int(definition.get("lasts_days", 1)), counters=tuple(definition.get("counters", ())),
                   valid_from=as_date(definition.get("valid_from")), valid_until=as_date(definition.get("valid_until")))

    def concerns(self, counter: str | None) -> bool:
        """Whether the day concerns ``counter`` (None: the whole site, which every busy day concerns)."""
        return counter is None or not self.counters or counter in self.counters


def is_year_end(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_public_holiday(day: date) -> bool:
    return _holiday(day)


@functools.lru_cache(maxsize=4096)
def _holiday(day: date) -> bool:
    return jpholiday.is_holiday(day)


@dataclass
class OfficeCalendar:
    ward_days: list[WardDaySpec] = field(default_factory=list)
    open_weekdays: frozenset[int] = WEEKDAYS

    def __post_init__(self):
        self._opened = {d for w in self.ward_days if w.kind == "open" for d in w.dates}
        self._closed = {d for w in self.ward_days if w.kind == "closed" for d in w.dates}
        self._busy_cache: dict[tuple[str, int], dict[date, bool]] = {}

    @property
    def busy_days(self) -> list[WardDaySpec]:
        return [w for w in self.ward_days if w.kind == "busy"]

    def is_open(self, day: date) -> bool:
        if day in self._opened:
            return True
        if day in self._closed or is_year_end(day) or is_public_holiday(day):
            return False
        return day.weekday() in self.open_weekdays

    def is_extra_opening(self, day: date) -> bool:
        return day in self._opened and day.weekday() not in self.open_weekdays

    def open_days(self, start: date, end: date) -> list[date]:
        days, day = [], start
        while day <= end:
            if self.is_open(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _shift(self, day: date, when_closed: str) -> date | None:
        if self.is_open(day):
            return day
        if when_closed == "skip":
            return None
        step = -1 if when_closed == "before" else 1
        for _ in range(20):
            day += timedelta(days=step)
            if self.is_open(day):
                return day
        return None

    def _following_open_days(self, day: date, count: int) -> list[date]:
        out = [day]
        while len(out) < count:
            day += timedelta(days=1)
            if self.is_open(day):
                out.append(day)
            if (day - out[0]).days > 40:
                break
        return out

    def _busy_dates(self, spec: WardDaySpec, year: int) -> set[date]:
        key = (spec.code, year)
        if key in self._busy_cache:
            return self._busy_cache[key]
        targets: list[date] = [d for d in spec.dates if d.year in (year - 1, year, year + 1)]
        if spec.day is not None:
            for y in (year - 1, year, year + 1):
                for month in spec.months or range(1, 13):
                    last = _calendar.monthrange(y, month)[1]
                    targets.append(date(y, month, last if spec.day == -1 else min(spec.day, last)))
        days: set[date] = set()
        for target in targets:
            if (spec.valid_from and target < spec.valid_from) or (spec.valid_until and target > spec.valid_until):
                continue
            shifted = self._shift(target, spec.when_closed)
            if shifted is not None:
                days.update(self._following_open_days(shifted, spec.lasts_days))
        self._busy_cache[key] = days
        return days

    def is_ward_day(self, spec: WardDaySpec, day: date) -> bool:
        return self.is_open(day) and day in self._busy_dates(spec, day.year)

    def _month_office_days(self, day: date) -> list[date]:
        last = _calendar.monthrange(day.year, day.month)[1]
        return self.open_days(day.replace(day=1), day.replace(day=last))

    def features(self, day: date) -> dict[str, float]:
        """The day's calendar features (0/1 indicators, ``weekday`` and ``month`` as numbers)."""
        month_days = self._month_office_days(day)
        out = {
            "weekday": float(day.weekday()),
            "month": float(day.month),
            "month_start": 1.0 if day in month_days[:2] else 0.0,
            "month_end": 1.0 if day in month_days[-2:] else 0.0,
            "after_holiday": 1.0 if self.after_holiday(day) else 0.0,
            "moving_peak": 1.0 if in_moving_peak(day) else 0.0,
            "moving_shoulder": 1.0 if day.month in (3, 4) and not in_moving_peak(day) else 0.0,
            "extra_opening": 1.0 if self.is_extra_opening(day) else 0.0,
        }
        for spec in self.busy_days:
            out[f"ward:{spec.code}"] = 1.0 if self.is_ward_day(spec, day) else 0.0
        return out

    def after_holiday(self, day: date) -> bool:
        """The first office day after a usual office weekday that was closed."""
        if not self.is_open(day):
            return False
        previous = day - timedelta(days=1)
        for _ in range(14):
            if self.is_open(previous):
                return False
            if previous.weekday() in self.open_weekdays:
                return True
            previous -= timedelta(days=1)
        return False


def in_moving_peak(day: date) -> bool:
    (m1, d1), (m2, d2) = MOVING_PEAK
    return (m1, d1) <= (day.month, day.day) <= (m2, d2)


def learn_open_weekdays(days_with_visits: Iterable[date]) -> frozenset[int]:
    """The weekdays a site opens, read from its history: a weekday counts when visits came on at least
    half of its non-holiday dates within the span of the history (a Saturday opening shows itself)."""
    days = sorted(set(days_with_visits))
    if not days:
        return WEEKDAYS
    seen = {w: 0 for w in range(7)}
    possible = {w: 0 for w in range(7)}
    present = set(days)
    day = days[0]
    while day <= days[-1]:
        if not is_public_holiday(day) and not is_year_end(day):
            possible[day.weekday()] += 1
            seen[day.weekday()] += day in present
        day += timedelta(days=1)
    learned = frozenset(w for w in range(7) if possible[w] and seen[w] * 2 >= possible[w])
    return learned or WEEKDAYS

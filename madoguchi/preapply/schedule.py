"""Appointment schedules (窓口予約): which counters take bookings, when, and how many. Pure: no Django.

The ward's data lives in ``catalog/appointments/*.yaml``, one file per site (a subfolder, so the main
catalogue loader, which reads ``catalog/*.yaml``, does not see it)::

    site: honcho
    closed:                                   # besides Saturdays, Sundays and public holidays
      - {from: "12-29", to: "01-03", note: 年末年始}   # every year (may wrap the new year)
      - {date: 2026-06-15, note: システム更新}
    sunday_openings:                          # 日曜開庁: Sundays the site opens, with their hours
      - {date: 2026-03-29, hours: ["09:00-17:00"]}
    groups:
      - code: moving                          # a group of procedures booked at one counter
        name_ja: 引っ越しの手続
        name_en: Moving in, within or out
        name_easy: ひっこし の てつづき
        counter: koseki-move
        procedures: [juki.move_in, juki.move_within, juki.move_out]
        slot_minutes: 30
        capacity: 2                           # bookings per slot
        hours: ["08:30-12:00", "13:00-17:00"]  # weekdays
        sunday_openings: true                 # also bookable on the site's Sunday openings
        book_days_ahead: 30
        min_notice_minutes: 60

``parse_schedules`` refuses unknown keys, bad hours, a Sunday opening that is no Sunday, duplicate
codes, and (given the catalogue's counters) an unknown counter, one at another site or one that does
not handle a procedure — reporting file:line:field like the catalogue does.
"""

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from madoguchi.catalog.schema import CODE_PATTERN, CatalogInvalid
from madoguchi.catalog.translations import text_in
from madoguchi.catalog.yamlsource import Located, Problem, dotted, read_yaml_directory

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_HOURS = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


@dataclass(frozen=True, order=True)
class Hours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def parse_hours(text: str) -> Hours:
    match = _HOURS.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not opening hours like '08:30-17:00'")
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    hours = Hours(time(start_h, start_m), time(end_h, end_m))
    if hours.start >= hours.end:
        raise ValueError(f"{text!r}: opening is not before closing")
    return hours


def _hours_list(values: list[str]) -> tuple[Hours, ...]:
    hours = sorted(parse_hours(v) for v in values)
    for before, after in itertools.pairwise(hours):
        if after.start < before.end:
            raise ValueError(f"{before} and {after} overlap")
    return tuple(hours)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ClosedSpec(_Strict):
    day: date | None = Field(None, alias="date")
    from_day: str | None = Field(None, alias="from")
    to_day: str | None = Field(None, alias="to")
    note: str = ""

    @field_validator("from_day", "to_day")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH_DAY.match(value):
            raise ValueError(f"{value!r} is not a month and day like '12-29'")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> "ClosedSpec":
        yearly = self.from_day is not None or self.to_day is not None
        if (self.day is None) == (not yearly) or (yearly and (self.from_day is None or self.to_day is None)):
            raise ValueError("give either date, or from and to (month-day, every year)")
        return self


class SundayOpeningSpec(_Strict):
    day: date = Field(alias="date")
    hours: list[str] = Field(min_length=1)
    note: str = ""

    @field_validator("day")
    @classmethod
    def _a_sunday(cls, value: date) -> date:
        if value.weekday() != 6:
            raise ValueError(f"{value} is not a Sunday")
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        _hours_list(value)
        return value


RESERVED_GROUP_CODES = {"manage"}  # a page of its own under /appointments/


class GroupSpec(_Strict):
    code: Code
    name_ja: Text
    name_en: Text
    name_easy: str = ""
    counter: Code
    procedures: list[Code] = Field(min_length=1)
    slot_minutes: int = Field(ge=5, le=240)
    capacity: int = Field(ge=1, le=100)
    hours: list[str] = Field(min_length=1)
    sunday_openings: bool = False
    book_days_ahead: int = Field(default=30, ge=1, le=366)
    min_notice_minutes: int = Field(default=60, ge=0, le=14 * 24 * 60)

    @field_validator("code")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_GROUP_CODES:
            raise ValueError(f"{value!r} is reserved")
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        _hours_list(value)
        return value


class SiteScheduleSpec(_Strict):
    site: Code
    closed: list[ClosedSpec] = []
    sunday_openings: list[SundayOpeningSpec] = []
    groups: list[GroupSpec] = Field(min_length=1)


@dataclass(frozen=True)
class SiteCalendar:
    site: str
    closed_dates: frozenset[date] = frozenset()
    closed_yearly: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    sunday_openings: Mapping[date, tuple[Hours, ...]] = field(default_factory=dict)

    def is_closed_day(self, day: date) -> bool:
        if day in self.closed_dates:
            return True
        month_day = (day.month, day.day)
        for start, end in self.closed_yearly:
            inside = start <= month_day <= end if start <= end else (month_day >= start or month_day <= end)
            if inside:
                return True
        return False


@dataclass(frozen=True)
class AppointmentGroup:
    code: str
    name_ja: str
    name_en: str
    name_easy: str
    site: str
    counter: str
    procedures: tuple[str, ...]
    slot_minutes: int
    capacity: int
    hours: tuple[Hours, ...]
    sunday_openings: bool
    book_days_ahead: int
    min_notice_minutes: int
    calendar: SiteCalendar

    def name_in(self, language: str) -> str:
        return text_in(language, ja=self.name_ja, en=self.name_en, easy=self.name_easy)


class ScheduleInvalid(CatalogInvalid):
    """Every problem of the appointment schedules (file, line, field, message)."""


def _problem(source: Located, path: tuple, message: str) -> Problem:
    return Problem(source.file, source.line_of(path), dotted(path), message)


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _calendar(spec: SiteScheduleSpec) -> SiteCalendar:
    return SiteCalendar(
        site=spec.site,
        closed_dates=frozenset(c.day for c in spec.closed if c.day is not None),
        closed_yearly=tuple((_month_day(c.from_day), _month_day(c.to_day)) for c in spec.closed
                            if c.from_day is not None and c.to_day is not None),
        sunday_openings={s.day: _hours_list(s.hours) for s in spec.sunday_openings},
    )


def _check_counters(spec: SiteScheduleSpec, source: Located, counters: Mapping[str, tuple[str, frozenset[str]]],
                    problems: list[Problem]) -> None:
    for index, group in enumerate(spec.groups):
        path = ("groups", index)
        known = counters.get(group.counter)
        if known is None:
            problems.append(_problem(source, (*path, "counter"), f"unknown counter {group.counter!r}"))
            continue
        site, handled = known
        if site != spec.site:
            problems.append(_problem(source, (*path, "counter"),
                                     f"counter {group.counter!r} is at site {site!r}, not {spec.site!r}"))
        for i, code in enumerate(group.procedures):
            if code not in handled:
                problems.append(_problem(source, (*path, "procedures", i),
                                         f"counter {group.counter!r} does not handle {code!r}"))


def parse_schedules(sources: list[Located], *, sites: set[str],
                    counters: Mapping[str, tuple[str, frozenset[str]]]) -> tuple[AppointmentGroup, ...]:
    """Every appointment group of ``sources``, checked; ``ScheduleInvalid`` listing each problem.

    ``counters`` maps a counter code to its site and the procedures it handles (from the catalogue)."""
    problems: list[Problem] = []
    groups: list[AppointmentGroup] = []
    first_site: dict[str, str] = {}
    first_group: dict[str, str] = {}
    for source in sources:
        if not isinstance(source.data, dict):
            problems.append(_problem(source, (), "an appointments file is a mapping: site, closed, "
                                                 "sunday_openings, groups"))
            continue
        try:
            spec = SiteScheduleSpec.model_validate(source.data)
        except ValidationError as error:
            for err in error.errors():
                problems.append(_problem(source, tuple(err["loc"]), err["msg"].removeprefix("Value error, ")))
            continue
        place = f"{source.file}:{source.line_of(('site',))}"
        if spec.site not in sites:
            problems.append(_problem(source, ("site",), f"unknown site {spec.site!r}"))
        if spec.site in first_site:
            problems.append(_problem(source, ("site",), f"site {spec.site!r} has a schedule already "
                                                        f"(at {first_site[spec.site]})"))
            continue
        first_site[spec.site] = place
        _check_counters(spec, source, counters, problems)
        calendar = _calendar(spec)
        for index, group in enumerate(spec.groups):
            where = f"{source.file}:{source.line_of(('groups', index, 'code'))}"
            if group.code in first_group:
                problems.append(_problem(source, ("groups", index, "code"),
                                         f"duplicate group code {group.code!r} (first at {first_group[group.code]})"))
                continue
            first_group[group.code] = where
            groups.append(AppointmentGroup(
                code=group.code, name_ja=group.name_ja, name_en=group.name_en, name_easy=group.name_easy,
                site=spec.site, counter=group.counter, procedures=tuple(dict.fromkeys(group.procedures)),
                slot_minutes=group.slot_minutes, capacity=group.capacity, hours=_hours_list(group.hours),
                sunday_openings=group.sunday_openings, book_days_ahead=group.book_days_ahead,
                min_notice_minutes=group.min_notice_minutes, calendar=calendar,
            ))
    if problems:
        raise ScheduleInvalid(problems)
    return tuple(groups)


def load_schedules(directory: Path, *, sites: set[str],
                   counters: Mapping[str, tuple[str, frozenset[str]]]) -> tuple[AppointmentGroup, ...]:
    """Read and check ``directory/*.yaml``; no groups when the directory does not exist (the ward
    takes no bookings). Raises ``ScheduleInvalid``."""
    directory = Path(directory)
    if not directory.is_dir() or not any(directory.glob("*.yaml")):
        return ()
    sources, problems = read_yaml_directory(directory)
    if problems:
        raise ScheduleInvalid(problems)
    return parse_schedules(sources, sites=sites, counters=counters)

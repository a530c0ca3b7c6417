"""Reads for the simulator's page and command: the catalogue and a profile as the model's inputs, and a
recorded day's step events as a replay's input; the cashless figures of a period."""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from madoguchi.catalog.models import Counter, Procedure, WardDay
from madoguchi.payments import selectors as payment_selectors
from madoguchi.reception.models import Step, StepEvent, Visit
from madoguchi.reception.selectors import day_bounds, typical_minutes

from . import cashless
from .calendar import OfficeCalendar, WardDaySpec
from .simulation import Office, Profile, available_profiles, load_inputs, load_office
from .simulation import inputs as model_inputs
from .simulation.replay import RecordedDay, RecordedEvent


def _catalogue_stamp(directory: Path) -> tuple:
    """The catalogue files' modification times: a changed file reloads the office."""
    return tuple((str(p), p.stat().st_mtime_ns) for p in sorted([*directory.glob("*.yaml"),
                                                                  *directory.glob("forms/*.yaml")]))


@functools.lru_cache(maxsize=8)
def _office(directory: str, site: str, stamp: tuple) -> Office:
    return load_office(Path(directory), site)


def simulation_office(site: str) -> Office:
    """The site's counters and procedures from the catalogue files (``settings.CATALOG_DIR``), cached."""
    directory = Path(settings.CATALOG_DIR)
    return _office(str(directory), site, _catalogue_stamp(directory))


def simulation_inputs(profile_path: Path) -> tuple[Office, Profile]:
    """The office and the checked profile of ``profile_path``; raises ``ProfileInvalid``."""
    return load_inputs(Path(profile_path), simulation_office)


def profile_choices() -> list[Path]:
    """The profile files offered on the page (``insights/profiles/*.yaml``)."""
    return available_profiles(model_inputs.PROFILES_DIR)


def recorded_day(*, day: date) -> RecordedDay:
    """The step events of ``day`` (local time) as plain records, with what replay needs beside them."""
    start, end = day_bounds(day)

    def minutes(moment) -> float:
        return (moment - start).total_seconds() / 60

    of_day = StepEvent.objects.filter(at__gte=start, at__lt=end)
    events = [
        RecordedEvent(minutes(at), step_id, visit_id, counter, kind, desk)
        for at, step_id, visit_id, counter, kind, desk in of_day.order_by("at", "id").values_list(
            "at", "step_id", "visit_id", "counter__code", "kind", "desk")
    ]
    procedures: dict[int, list[str]] = defaultdict(list)
    for step_id, code in Step.procedures.through.objects.filter(
        step_id__in=of_day.values("step_id")
    ).values_list("step_id", "procedure__code"):
        procedures[step_id].append(code)
    priority = {pk: minutes(at) for pk, at in
                Visit.objects.filter(pk__in=of_day.values("visit_id")).values_list("id", "priority_at")}
    counter_minutes: dict[str, list[float]] = defaultdict(list)
    for code, handling in Procedure.objects.filter(counters__code__in={e.counter for e in events}).values_list(
        "counters__code", "handling_minutes"
    ):
        counter_minutes[code].append(float(handling))
    return RecordedDay(
        label=day.isoformat(), events=events,
        step_procedures={step_id: tuple(sorted(codes)) for step_id, codes in procedures.items()},
        visit_priority=priority, typical=typical_minutes(),
        counter_typical={code: sum(values) / len(values) for code, values in counter_minutes.items()},
    )


def ward_day_specs() -> list[WardDaySpec]:
    """The ward's days of ``catalog/calendar.yaml`` (as loaded into the catalogue)."""
    return [WardDaySpec.from_definition(code, kind, definition) for code, kind, definition in
            WardDay.objects.filter(active=True).values_list("code", "kind", "definition")]


def office_calendar(*, open_weekdays=None) -> OfficeCalendar:
    """The office calendar with the ward's days; ``open_weekdays`` as learnt from a site's history."""
    if open_weekdays is None:
        return OfficeCalendar(ward_day_specs())
    return OfficeCalendar(ward_day_specs(), frozenset(open_weekdays))
# --- cashless payments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CashlessFigures:
    start: date
    end: date
    overall: cashless.Share
    by_day: list[cashless.Share]
    by_counter: list[cashless.Share]
    desk_time: list[cashless.DeskTimeRow]
    counter_names: dict[str, str]


def cashless_figures(*, start: date, end: date) -> CashlessFigures:
    """The fees paid ``start`` ≤ day ≤ ``end``: the cashless share per day, counter and method, and the
    median time at the desk of Steps paid cashless vs in cash (service start to completion)."""
    taken = [cashless.Taken(r.day, r.counter, r.method, r.payments, r.amount_yen)
             for r in payment_selectors.cashless_share(start=start, end=end)]
    facts = payment_selectors.step_payment_facts(start=start, end=end)
    times = {pk: (done - began).total_seconds() / 60 for pk, began, done in Step.objects.filter(
        pk__in=[f.step_id for f in facts], started_at__isnull=False, completed_at__isnull=False,
    ).values_list("id", "started_at", "completed_at")}
    samples = [cashless.DeskTime(f.counter, f.cashless, times[f.step_id]) for f in facts if f.step_id in times]
    codes = {t.counter for t in taken} | {s.counter for s in samples}
    return CashlessFigures(
        start=start, end=end, overall=cashless.overall(taken), by_day=cashless.share_by_day(taken),
        by_counter=cashless.share_by_counter(taken), desk_time=cashless.desk_time(samples),
        counter_names={c.code: c.name for c in Counter.objects.filter(code__in=codes)},
    )

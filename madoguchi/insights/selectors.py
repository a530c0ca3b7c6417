"""Reads for the simulator's page and command: the catalogue and a profile as the model's inputs, and a
recorded day's step events as a replay's input."""

import functools
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.conf import settings

from madoguchi.catalog.models import Procedure, WardDay
from madoguchi.reception.models import Step, StepEvent, Visit
from madoguchi.reception.selectors import day_bounds, typical_minutes

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

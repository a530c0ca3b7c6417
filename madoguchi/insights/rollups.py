"""Building the daily roll-ups from the step events: ``rollup_day`` (one day, idempotent) and
``ensure_rollups`` (the days a page is about to read, brought up to date first).

A past day's rows are final once computed after the day ended; today's are refreshed when they are
older than ``INSIGHTS_LIVE_SECONDS`` (60): the dashboard shows today's figures at most a minute old.
A page never rolls up more than ``INSIGHTS_LAZY_DAYS`` days itself (a year of history after an import
is the command's work: ``manage.py insights_rollup``); it says how many days are missing instead.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from madoguchi.catalog.models import Procedure
from madoguchi.prefill.models import StepPrefill
from madoguchi.prefill.selectors import ward_forms
from madoguchi.reception.models import Step, StepEvent, Visit
from madoguchi.reception.selectors import day_bounds

from . import rollup as pure
from .bulk import insert
from .models import (
    ChannelWaitRollup,
    CounterDistribution,
    CounterHourRollup,
    HourDistribution,
    ProcedureDistribution,
    ProcedureRollup,
    RollupDay,
    SiteHourDistribution,
    StratumRollup,
    VisitRollup,
)

TABLES = (
    ("visits", VisitRollup), ("counter_hours", CounterHourRollup), ("hour_distributions", HourDistribution),
    ("counter_distributions", CounterDistribution), ("site_hour_distributions", SiteHourDistribution),
    ("procedures", ProcedureRollup), ("procedure_distributions", ProcedureDistribution),
    ("strata", StratumRollup), ("channel_waits", ChannelWaitRollup),
)


def live_seconds() -> int:
    return getattr(settings, "INSIGHTS_LIVE_SECONDS", 60)


def lazy_days() -> int:
    return getattr(settings, "INSIGHTS_LAZY_DAYS", 14)


def prefillable_procedure_ids() -> set[int]:
    codes = {code for form in ward_forms() for code in form.procedures}
    return set(Procedure.objects.filter(code__in=codes).values_list("id", flat=True))


def day_rows(day: date, *, prefillable: set[int] | None = None,
             procedure_codes: dict[int, str] | None = None) -> pure.DayRows:
    """The roll-up rows of ``day`` computed from its visits' Steps and events (read only)."""
    start, _end = day_bounds(day)

    def minute(moment: datetime) -> float:
        return (moment - start).total_seconds() / 60

    visits = [
        pure.VisitIn(pk, site_id, minute(arrived_at), channel, origin, status == Visit.Status.CANCELLED, added)
        for pk, site_id, arrived_at, channel, origin, status, added in Visit.objects.filter(service_date=day)
        .values_list("id", "site_id", "arrived_at", "channel", "origin", "status", "procedures_added")
    ]
    if not visits:
        return pure.DayRows()
    procedures: dict[int, list[int]] = {}
    for step_id, procedure_id in Step.procedures.through.objects.filter(
            step__visit__service_date=day).values_list("step_id", "procedure_id"):
        procedures.setdefault(step_id, []).append(procedure_id)
    prefilled = set(StepPrefill.objects.filter(step__visit__service_date=day, forms_printed_at__isnull=False)
                    .values_list("step_id", flat=True))
    steps = [pure.StepIn(pk, visit_id, counter_id, tuple(procedures.get(pk, ())), pk in prefilled)
             for pk, visit_id, counter_id in Step.objects.filter(visit__service_date=day)
             .values_list("id", "visit_id", "counter_id")]
    events = []
    for step_id, counter_id, kind, at, desk, details in StepEvent.objects.filter(
            visit__service_date=day).order_by("at", "id").values_list(
            "step_id", "counter_id", "kind", "at", "desk", "details"):
        estimate = details.get("estimated_wait_minutes") if kind == StepEvent.Kind.QUEUED and details else None
        events.append(pure.EventIn(step_id, counter_id, kind, minute(at), desk,
                                   float(estimate) if isinstance(estimate, int | float) else None))
    if prefillable is None:
        prefillable = prefillable_procedure_ids()
    if procedure_codes is None:
        procedure_codes = dict(Procedure.objects.values_list("id", "code"))
    return pure.rollup(visits=visits, steps=steps, events=events, prefillable=prefillable,
                       procedure_codes=procedure_codes)


@dataclass
class RollupResult:
    day: date
    visits: int
    rows: int
    seconds: float


@transaction.atomic
def rollup_day(*, day: date, now: datetime | None = None, prefillable: set[int] | None = None,
               procedure_codes: dict[int, str] | None = None) -> RollupResult:
    """Rebuild every roll-up row of ``day`` from its events. Idempotent: the day's rows are replaced.

    The day's marker row is locked first, so two processes refreshing today at once take turns instead
    of writing the rows twice."""
    started = time.perf_counter()
    now = now or timezone.now()
    marker, _created = RollupDay.objects.select_for_update().get_or_create(
        day=day, defaults={"computed_at": now, "visits": 0})
    rows = day_rows(day, prefillable=prefillable, procedure_codes=procedure_codes)
    adapted_day = connection.ops.adapt_datefield_value(day)
    for attribute, model in TABLES:
        model.objects.filter(day=day)._raw_delete(model.objects.db)  # no signals, no cascade: plain rows
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "day"]
        insert(model, ["day", *(f.name for f in fields)], [
            (adapted_day, *(row.get(f.attname, f.get_default()) for f in fields)) for row in getattr(rows, attribute)])
    marker.computed_at = now
    marker.visits = sum(row["visits"] for row in rows.visits)
    marker.save(update_fields=["computed_at", "visits"])
    return RollupResult(day, marker.visits, rows.count(), time.perf_counter() - started)


def rollup_days(days, *, now: datetime | None = None) -> list[RollupResult]:
    """Roll up each of ``days`` (the catalogue's forms and codes read once for all of them)."""
    prefillable, codes = prefillable_procedure_ids(), dict(Procedure.objects.values_list("id", "code"))
    return [rollup_day(day=day, now=now, prefillable=prefillable, procedure_codes=codes) for day in days]


def _stale_days(start: date, end: date, *, now: datetime) -> list[date]:
    today = timezone.localdate(now)
    # .order_by(): the Visit's default ordering would drag its columns into the DISTINCT (a sort of every visit).
    with_visits = set(Visit.objects.filter(service_date__range=(start, end)).order_by()
                      .values_list("service_date", flat=True).distinct())
    done = dict(RollupDay.objects.filter(day__range=(start, end)).values_list("day", "computed_at"))
    stale = []
    for day in sorted(with_visits | set(done)):
        computed = done.get(day)
        if day > today:
            continue
        if computed is None:
            stale.append(day)
        elif day == today:
            if (now - computed).total_seconds() >= live_seconds():
                stale.append(day)
        elif computed < day_bounds(day)[1] + timedelta(minutes=5):
            stale.append(day)  # rolled up while the day was still going on
    return stale


@dataclass
class Freshness:
    rolled_up: list[date]
    missing: list[date]  # days left for the command (more than a page rolls up by itself)


def ensure_rollups(start: date, end: date, *, now: datetime | None = None) -> Freshness:
    """Bring the roll-ups of ``start``..``end`` up to date: today's when a minute old, past days not yet
    (or only partly) rolled up — at most ``INSIGHTS_LAZY_DAYS`` of them, the most recent first."""
    now = now or timezone.now()
    stale = _stale_days(start, end, now=now)
    if not stale:
        return Freshness([], [])
    todo = sorted(stale, reverse=True)[:lazy_days()]
    rollup_days(sorted(todo), now=now)
    return Freshness(sorted(todo), sorted(set(stale) - set(todo)))

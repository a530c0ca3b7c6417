"""Every write of the insights: demo history, imported history, interventions (roll-ups: ``rollups``).

Each function is keyword-only and atomic (a demo or imported day is written whole or not at all) and
writes its audit event.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Counter, Procedure, Site
from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import contains_individual_number
from madoguchi.reception.models import Channel, Origin, Step, StepEvent, Visit
from madoguchi.reception.selectors import day_bounds
from madoguchi.surveys import services as survey_services

from . import rollups, selectors
from .history import demo as demo_model
from .history import ticketlog
from .history.store import CARD, MANUAL, PREAPPLICATION, HistoryEvent, HistoryStep, HistoryVisit, write_visits
from .models import Intervention, RollupDay

# --- demo history --------------------------------------------------------------------------------


@dataclass
class DemoResult:
    days_written: list[date] = field(default_factory=list)
    days_skipped: list[date] = field(default_factory=list)  # days holding visits that are not demo data
    visits: int = 0
    survey_responses: int = 0  # demo answers to the visitor survey (surveys.services.demo_responses_write)


def _ticket_prefix(channel: str) -> str:
    # The prefix the live reception would print for the channel (settings.TICKET_PREFIXES).
    return settings.TICKET_PREFIXES.get(channel, settings.TICKET_PREFIXES["reception"])


def demo_visits(day: date, site_id: int, demo: demo_model.DemoDay, *, counters: dict[str, int],
                procedures: dict[str, int], rng: random.Random) -> list[HistoryVisit]:
    """A simulated day as the rows the live services would have written (the estimate shown at each
    queue join in its ``queued`` event, pre-filled forms where the visit used them)."""
    start, _end = day_bounds(day)

    def at(minute: float) -> datetime:
        return start + timedelta(minutes=minute)

    out = []
    for seq, visit in enumerate(sorted(demo.visits, key=lambda v: v.arrival), start=1):
        arrived = at(visit.arrival)
        priority = arrived - timedelta(minutes=visit.priority_advance)
        steps, captured = [], False
        for step in visit.steps:
            details = {} if step.estimate is None else {"estimated_wait_minutes": round(step.estimate)}
            events = [HistoryEvent(StepEvent.Kind.QUEUED, at(step.joined), None, details),
                      HistoryEvent(StepEvent.Kind.CALLED, at(step.called), step.desk),
                      HistoryEvent(StepEvent.Kind.SERVING, at(step.started), step.desk),
                      HistoryEvent(StepEvent.Kind.DONE, at(step.done), step.desk)]
            source = None
            if step.prefilled:
                source = PREAPPLICATION if visit.channel == "preapplication" else \
                    (CARD if rng.random() < 0.75 else MANUAL)
            steps.append(HistoryStep(
                counters[step.counter], [procedures[c] for c in step.procedures], Step.Status.DONE, priority,
                at(step.joined), at(step.called), at(step.started), at(step.done), step.desk, events, source,
                captured_here=bool(source) and not captured))
            captured = captured or bool(source)
        out.append(HistoryVisit(site_id, day, seq, f"{_ticket_prefix(visit.channel)}-{seq:03d}", visit.channel,
                                arrived, priority, Visit.Status.DONE, at(visit.departure), visit.procedures_added,
                                steps))
    return out


def demo_history_write(*, days: int, seed: int, site_code: str = "honcho", prefill_share: float | None = None,
                       prefill_saving: float | None = None, scale: float | None = None, end: date | None = None,
                       policy: str = "c", progress=None) -> DemoResult:
    """Write ``days`` past calendar days (ending the day before ``end``, default today) of demo visits at
    the site, replacing demo data already there; days holding recorded or imported visits are left
    alone. Each day is written whole, then rolled up."""
    if days < 1:
        raise DomainError(_("Give at least one day."), field="days")
    for name, value in (("prefill_share", prefill_share), ("prefill_saving", prefill_saving)):
        if value is not None and not 0 <= value <= (1 if name == "prefill_share" else 0.95):
            raise DomainError(_("%(name)s is out of range."), field=name, name=name)
    site = Site.objects.filter(code=site_code).first()
    if site is None:
        raise DomainError(_("No site %(site)s in the catalogue."), field="site", site=site_code)
    office = selectors.simulation_office(site_code)
    history = demo_model.load_history_profile()
    if scale is not None:
        history = history.model_copy(update={"scale": scale})
    base = demo_model.base_profile(history, office)
    calendar = selectors.office_calendar()
    counters = dict(Counter.objects.filter(site=site).values_list("code", "id"))
    procedures = dict(Procedure.objects.values_list("code", "id"))
    end = end or timezone.localdate()
    result = DemoResult()
    prefillable, codes = rollups.prefillable_procedure_ids(), dict(Procedure.objects.values_list("id", "code"))
    for offset in range(days, 0, -1):
        day = end - timedelta(days=offset)
        if Visit.objects.filter(service_date=day).exclude(origin=Origin.DEMO).exists():
            result.days_skipped.append(day)
            continue
        with transaction.atomic():
            survey_services.demo_responses_delete(day=day)
            Visit.objects.filter(service_date=day, origin=Origin.DEMO).delete()
            if calendar.is_open(day):
                demo = demo_model.demo_day(history, base, office, calendar, day, seed=seed, anchor=end,
                                           prefill_share=prefill_share, prefill_saving=prefill_saving,
                                           policy=policy)
                rng = random.Random(f"madoguchi-demo-prefill:{seed}:{day.isoformat()}")
                result.visits += write_visits(
                    demo_visits(day, site.pk, demo, counters=counters, procedures=procedures, rng=rng),
                    origin=Origin.DEMO)
                result.survey_responses += survey_services.demo_responses_write(day=day, seed=seed)
                result.days_written.append(day)
            rollups.rollup_day(day=day, prefillable=prefillable, procedure_codes=codes)
        if progress:
            progress(day)
    audit.demo_history_written(days=len(result.days_written), visits=result.visits, seed=seed)
    return result


def demo_history_delete(*, progress=None) -> int:
    """Delete every demo visit (with its Steps and events) and roll its days up again."""
    days = sorted(set(Visit.objects.filter(origin=Origin.DEMO).values_list("service_date", flat=True)))
    deleted = 0
    for day in days:
        with transaction.atomic():
            deleted += Visit.objects.filter(service_date=day, origin=Origin.DEMO).count()
            survey_services.demo_responses_delete(day=day)
            Visit.objects.filter(service_date=day, origin=Origin.DEMO).delete()
            if Visit.objects.filter(service_date=day).exists():
                rollups.rollup_day(day=day)
            else:
                for _name, model in rollups.TABLES:
                    model.objects.filter(day=day).delete()
                RollupDay.objects.filter(day=day).delete()
        if progress:
            progress(day)
    audit.demo_history_deleted(days=len(days), visits=deleted)
    return deleted


def has_history() -> bool:
    return Visit.objects.exists()


# --- imported history (the old reception system's ticket log) ---------------------------------------

IMPORTED_SEQ_BASE = 1_000_000  # imported tickets keep their own numbers; their sequence stays clear of today's


@dataclass
class ImportResult:
    visits: int
    steps: int
    already: int  # visits of the file imported before (left as they are)
    days: list[date]


def _imported_step(row: ticketlog.LogRow, priority: datetime, procedures: dict[str, int],
                   counters: dict[str, int]) -> HistoryStep:
    events = [HistoryEvent(StepEvent.Kind.QUEUED, row.issued_at)]
    if row.called_at is None:
        status, completed = Step.Status.CANCELLED, None
        events.append(HistoryEvent(StepEvent.Kind.CANCELLED, row.issued_at))
    else:
        events.append(HistoryEvent(StepEvent.Kind.CALLED, row.called_at))
        if row.started_at is not None:
            events.append(HistoryEvent(StepEvent.Kind.SERVING, row.started_at))
        if row.completed_at is not None:
            status, completed = Step.Status.DONE, row.completed_at
            events.append(HistoryEvent(StepEvent.Kind.DONE, row.completed_at))
        else:
            status, completed = Step.Status.NO_SHOW, row.called_at
            events.append(HistoryEvent(StepEvent.Kind.NO_SHOW, row.called_at))
    return HistoryStep(counters[row.counter], [procedures[c] for c in row.procedures], status, priority,
                       row.issued_at, row.called_at, row.started_at, completed, None, events)


def events_import(*, path: Path, progress=None) -> ImportResult:
    """Load the old system's ticket log at ``path`` (see ``history.ticketlog``): all or nothing — any bad
    row refuses the file (``ticketlog.LogInvalid`` names FILE:LINE: field). A visit already imported (same
    site, day and ticket) is left as it is, so importing the same file twice changes nothing. The days
    touched are rolled up again."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ticketlog.LogInvalid([f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"]) from error
    counters = {code: site for code, site in Counter.objects.values_list("code", "site__code")}
    visits = ticketlog.read_log(
        text, name=str(path), counters=counters, procedures=set(Procedure.objects.values_list("code", flat=True)),
        channels=set(Channel.values), timezone=timezone.get_current_timezone(),
        refuse_text=contains_individual_number)
    sites = dict(Site.objects.values_list("code", "id"))
    counter_ids = dict(Counter.objects.values_list("code", "id"))
    procedure_ids = dict(Procedure.objects.values_list("code", "id"))
    with transaction.atomic():
        existing = set(Visit.objects.filter(origin=Origin.IMPORTED, service_date__in=ticketlog.days_of(visits))
                       .values_list("site__code", "service_date", "ticket_number"))
        next_seq: dict[tuple, int] = {}
        rows, steps, already = [], 0, 0
        for visit in sorted(visits, key=lambda v: (v.day, v.site, v.arrived_at, v.ticket)):
            if (visit.site, visit.day, visit.ticket) in existing:
                already += 1
                continue
            key = (visit.site, visit.day)
            if key not in next_seq:
                top = Visit.objects.filter(site_id=sites[visit.site], service_date=visit.day,
                                           ticket_seq__gte=IMPORTED_SEQ_BASE).aggregate(top=Max("ticket_seq"))["top"]
                next_seq[key] = (top or IMPORTED_SEQ_BASE) + 1
            seq = next_seq[key]
            next_seq[key] += 1
            arrived = visit.arrived_at
            history_steps = [_imported_step(r, arrived, procedure_ids, counter_ids)
                             for r in sorted(visit.rows, key=lambda r: r.issued_at)]
            served = [s for s in history_steps if s.status != Step.Status.CANCELLED]
            done = [s.completed_at for s in history_steps if s.completed_at is not None]
            rows.append(HistoryVisit(
                sites[visit.site], visit.day, seq, visit.ticket, visit.channel, arrived, arrived,
                Visit.Status.DONE if served else Visit.Status.CANCELLED, max(done) if done else None, 0,
                history_steps))
            steps += len(history_steps)
        write_visits(rows, origin=Origin.IMPORTED)
        days = sorted({row.service_date for row in rows})
        rollups.rollup_days(days)
        audit.events_imported(file_name=path.name, sha256=hashlib.sha256(raw).hexdigest(), visits=len(rows),
                              steps=steps, already=already)
    return ImportResult(len(rows), steps, already, days)


# --- interventions -------------------------------------------------------------------------------


@transaction.atomic
def intervention_record(*, day: date, title: str, description: str = "", service: str, site: Site | None = None,
                        counter: Counter | None = None, actor=None, now: datetime | None = None) -> Intervention:
    """Record what the ward did and when (効果検証). MUST refuse an individual number in the free text."""
    errors = []
    title, description = title.strip(), description.strip()
    if not title:
        errors.append(DomainError(_("Say what was done."), field="title"))
    for name, text in (("title", title), ("description", description)):
        if contains_individual_number(text):
            errors.append(DomainError(_("An individual number (12 digits) may not be written here."), field=name))
    if counter is not None and site is not None and counter.site_id != site.pk:
        errors.append(DomainError(_("The counter is not at that site."), field="counter"))
    if day > timezone.localdate(now):
        errors.append(DomainError(_("The date is in the future: record an intervention once it has begun."),
                                  field="day"))
    if errors:
        raise DomainError.collect(errors)
    intervention = Intervention.objects.create(
        day=day, title=title[:200], description=description[:2000], service=service,
        site=site if site is not None else (counter.site if counter else None), counter=counter,
        recorded_by=actor if getattr(actor, "pk", None) else None, recorded_at=now or timezone.now())
    audit.intervention_recorded(actor=actor, intervention=intervention)
    return intervention


@transaction.atomic
def intervention_delete(*, intervention: Intervention, actor=None) -> None:
    audit.intervention_deleted(actor=actor, intervention=intervention)
    intervention.delete()

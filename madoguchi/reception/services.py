"""Every write to visits and Steps. Each service is atomic and writes a StepEvent per change.

Races are settled by the database: ticket numbers under a row lock per (site, day) with a
unique constraint behind it; "call next" takes the first waiting Step with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers instead).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from madoguchi.catalog.models import Counter, Procedure, Site
from madoguchi.catalog.selectors import CounterInfo, ProcedureInfo, cashier_counters, routing_index

from . import routing, selectors
from .models import Channel, Desk, Need, Step, StepEvent, TicketSequence, Visit

TICKET_RETRIES = 5


class StepStateError(ValidationError):
    """The Step is not in a state that allows this action (someone else acted first, or too early)."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _event(step: Step, kind: str, *, at: datetime, actor=None, desk: int | None = None, **details) -> StepEvent:
    return StepEvent.objects.create(
        step=step, visit_id=step.visit_id, counter_id=step.counter_id, kind=kind, at=at,
        actor=actor if getattr(actor, "pk", None) else None, desk=desk, details=details,
    )


# --- registration ------------------------------------------------------------------------


def _procedures_for(codes: Sequence[str]) -> list[ProcedureInfo]:
    """The active procedures of ``codes`` (routing's plain data); ValidationError naming unknown ones."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise ValidationError({"procedures": "Choose at least one procedure."})
    index = routing_index()
    unknown = [c for c in codes if c not in index]
    if unknown:
        raise ValidationError({"procedures": "Unknown procedure code(s): " + ", ".join(unknown)})
    return [index[c] for c in codes]


def _counter_plan(
    site: Site, procedures: list[ProcedureInfo], *, prefer: Iterable[str] = ()
) -> dict[CounterInfo, list[ProcedureInfo]]:
    """Which counter at ``site`` does which procedure (routing.assign_counters over plain data)."""
    preferred = set(prefer)
    by_code: dict[str, CounterInfo] = {}
    options: dict[str, list[str]] = {}
    for procedure in procedures:
        counters = [c for c in procedure.counters if c.site_id == site.pk]
        by_code.update({c.code: c for c in counters})
        codes = [c.code for c in counters]
        options[procedure.code] = sorted(codes, key=lambda c: (c not in preferred, codes.index(c)))
    try:
        assignment = routing.assign_counters(options)
    except routing.RoutingError as error:
        raise ValidationError(
            {"procedures": f"Not handled at {site.name_ja} ({site.code}): " + ", ".join(error.codes)}
        ) from error
    by_procedure = {p.code: p for p in procedures}
    return {by_code[counter]: [by_procedure[c] for c in codes] for counter, codes in assignment.items()}


def _with_cashier(site: Site, procedures: list[ProcedureInfo],
                  plan: dict[CounterInfo, list[ProcedureInfo]]) -> dict[CounterInfo, list[ProcedureInfo]]:
    """The plan with a Step at the site's cashier (会計窓口, no procedures of its own) when a procedure
    is paid there (the catalogue says which); a site without a cashier takes fees at the desk."""
    cashier = cashier_counters().get(site.pk)
    if cashier is None or cashier in plan or not any(p.paid_at_cashier for p in procedures):
        return plan
    return {**plan, cashier: []}


def _validate_needs(needs: Sequence[str], interpreter_language: str) -> list[str]:
    unknown = [n for n in needs if n not in Need.values]
    if unknown:
        raise ValidationError({"needs": "Unknown need(s): " + ", ".join(unknown)})
    if interpreter_language and Need.INTERPRETER not in needs:
        needs = [*needs, Need.INTERPRETER]
    return list(dict.fromkeys(needs))


def _next_ticket_seq(site: Site, day) -> int:
    """The next number of the site's daily sequence: never duplicated, at worst skipped.

    One ``UPDATE … RETURNING`` statement, run (outside a caller's transaction) in its own
    transaction, so the day's row is locked for that statement only: a hundred kiosks do not queue
    behind each other's whole registration. A registration that fails afterwards leaves a gap in
    the numbers, never a duplicate; the unique constraint on Visit is the backstop.
    """
    table = TicketSequence._meta.db_table
    for _attempt in range(TICKET_RETRIES):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - our own table name
                "WHERE site_id = %s AND service_date = %s RETURNING last_number",
                [site.pk, day],
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        try:
            with transaction.atomic():
                TicketSequence.objects.create(site=site, service_date=day, last_number=1)
            return 1
        except IntegrityError:
            continue  # another registration created the day's row first: increment that one
    raise RuntimeError("could not allocate a ticket number")  # pragma: no cover - needs 5 lost races


def ticket_prefix(channel: str) -> str:
    return settings.TICKET_PREFIXES.get(channel, settings.TICKET_PREFIXES["reception"])


def visit_register(
    *, site: Site, procedure_codes: Sequence[str], channel: str = Channel.RECEPTION, needs: Sequence[str] = (),
    interpreter_language: str = "", life_event: str = "", registered_by=None, priority_advance_minutes: int = 0,
    now: datetime | None = None,
) -> Visit:
    """Register a visit: one ticket, one Step per counter it needs, the first Step queued.

    MUST: refuse unknown codes or procedures not handled at ``site`` (``ValidationError`` naming
    them) before anything is written; give a ticket number no other visit at the site has today.
    """
    now = _now(now)
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Unknown channel {channel!r}"})
    procedures = _procedures_for(procedure_codes)
    needs = _validate_needs(list(needs), interpreter_language)
    plan = _with_cashier(site, procedures, _counter_plan(site, procedures))
    advance = priority_advance_minutes
    if Need.PRIORITY in needs:
        advance = max(advance, settings.PRIORITY_NEED_ADVANCE_MINUTES)
    # Everything slow (validation, routing's wait figures) is decided before a ticket number is taken.
    plain = [routing.PendingStep(index, counter.code, frozenset(p.code for p in counter_procedures),
                                 last=counter.is_cashier)
             for index, (counter, counter_procedures) in enumerate(plan.items())]
    prerequisites = {p.code: p.prerequisites for p in procedures}
    first = routing.choose_next_step(plain, prerequisites, selectors.expected_waits_by_code(list(plan), now=now))
    day = timezone.localdate(now)
    seq = _next_ticket_seq(site, day)
    with transaction.atomic():
        return _visit_create(site=site, day=day, seq=seq, channel=channel, needs=needs,
                             interpreter_language=interpreter_language, life_event=life_event,
                             registered_by=registered_by, now=now, advance=advance, plan=plan, first=first)


def _visit_create(*, site, day, seq, channel, needs, interpreter_language, life_event, registered_by, now, advance,
                  plan, first) -> Visit:
    visit = Visit.objects.create(
        site=site, service_date=day, ticket_seq=seq, ticket_number=f"{ticket_prefix(channel)}-{seq:03d}",
        channel=channel, needs=needs, interpreter_language=interpreter_language[:20], life_event=life_event,
        arrived_at=now, priority_at=now - timedelta(minutes=advance), registered_by=registered_by,
    )
    steps = Step.objects.bulk_create([
        Step(visit=visit, counter_id=counter.id, **(_queued_fields(visit, now) if index == first.step_id else {}))
        for index, counter in enumerate(plan)
    ])
    Step.procedures.through.objects.bulk_create([
        Step.procedures.through(step_id=step.pk, procedure_id=procedure.id)
        for step, counter_procedures in zip(steps, plan.values(), strict=True) for procedure in counter_procedures
    ])
    _event(steps[first.step_id], StepEvent.Kind.QUEUED, at=now, actor=registered_by)
    return visit


def _queued_fields(visit: Visit, now: datetime) -> dict:
    # The Step keeps the visit's priority (its arrival time), so a visitor handed on from another
    # counter goes ahead of everyone who arrived after them (窓口連携).
    return {"status": Step.Status.QUEUED, "priority_at": visit.priority_at, "queued_at": now}


# --- routing between Steps ----------------------------------------------------------------


def _prerequisites_of(codes: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for procedure in Procedure.objects.filter(code__in=list(codes)).prefetch_related("prerequisites"):
        out[procedure.code] = {p.code for p in procedure.prerequisites.all()}
    return out


def queue_next_step(*, visit: Visit, actor=None, now: datetime | None = None) -> Step | None:
    """Queue the visit's next Step, chosen now by the routing policy; close the visit when none is left."""
    now = _now(now)
    open_steps = list(visit.steps.filter(status__in=Step.OPEN).select_related("counter")
                      .prefetch_related("procedures"))
    if any(s.status != Step.Status.PENDING for s in open_steps):
        return None  # the visitor is still waiting or being served somewhere
    pending = [s for s in open_steps if s.status == Step.Status.PENDING]
    if not pending:
        if visit.status == Visit.Status.ACTIVE:
            visit.status = Visit.Status.DONE
            visit.completed_at = now
            visit.save(update_fields=["status", "completed_at"])
        return None
    plain = [routing.PendingStep(s.pk, s.counter.code, frozenset(p.code for p in s.procedures.all()),
                                 last=s.counter.is_cashier) for s in pending]
    all_codes = {code for s in plain for code in s.procedures}
    waits = selectors.expected_waits_by_code([s.counter for s in pending], now=now)
    chosen = routing.choose_next_step(plain, _prerequisites_of(all_codes), waits)
    step = next(s for s in pending if s.pk == chosen.step_id)
    for name, value in _queued_fields(visit, now).items():
        setattr(step, name, value)
    step.save(update_fields=["status", "priority_at", "queued_at"])
    _event(step, StepEvent.Kind.QUEUED, at=now, actor=actor)
    if visit.status != Visit.Status.ACTIVE:
        visit.status = Visit.Status.ACTIVE
        visit.completed_at = None
        visit.save(update_fields=["status", "completed_at"])
    return step


def planned_route(visit: Visit, *, now: datetime | None = None) -> list[Step]:
    """The Steps in the order the visitor will likely go (done ones first, as they happened)."""
    steps = selectors.visit_steps(visit)
    finished = sorted(
        (s for s in steps if s.status not in Step.OPEN), key=lambda s: s.completed_at or visit.arrived_at
    )
    current = [s for s in steps if s.status in (Step.Status.QUEUED, *Step.ACTIVE)]
    pending = [s for s in steps if s.status == Step.Status.PENDING]
    if pending:
        plain = [routing.PendingStep(s.pk, s.counter.code, frozenset(p.code for p in s.procedures.all()),
                                     last=s.counter.is_cashier) for s in pending]
        waits = selectors.expected_waits_by_code([s.counter for s in pending], now=now)
        order = routing.planned_order(plain, _prerequisites_of({c for s in plain for c in s.procedures}), waits)
        by_id = {s.pk: s for s in pending}
        pending = [by_id[p.step_id] for p in order]
    return [*finished, *current, *pending]


# --- at the counter -------------------------------------------------------------------------


def _lock_step(step_id: int) -> Step:
    # Lock the Step row only: FOR UPDATE over the join would also lock the counter's catalogue row,
    # which every registration reads FOR KEY SHARE when it inserts a Step (PostgreSQL deadlocked on it).
    return Step.objects.select_for_update(of=("self",)).select_related("visit", "counter").get(pk=step_id)


def _check_desk(counter: Counter, desk: int) -> None:
    states = dict(selectors.desk_states(counter))
    if desk not in states:
        raise ValidationError({"desk": f"Counter {counter.code} has desks 1–{counter.desks}."})
    if not states[desk]:
        raise ValidationError({"desk": f"Desk {desk} at {counter.code} is closed."})


@transaction.atomic
def step_call_next(*, counter: Counter, clerk, desk: int = 1, now: datetime | None = None) -> Step | None:
    """Call the first waiting visitor at ``counter`` to ``desk``; None when nobody waits.

    MUST: two clerks calling at the same moment never get the same visitor — the row is taken
    with SKIP LOCKED, so the second clerk gets the next visitor instead of waiting or doubling.
    """
    now = _now(now)
    _check_desk(counter, desk)
    busy = Step.objects.filter(counter=counter, desk=desk, status__in=Step.ACTIVE).select_related("visit").first()
    if busy is not None:
        raise StepStateError(
            f"Desk {desk} is still with ticket {busy.visit.ticket_number}: complete it or mark it a no-show first."
        )
    waiting = Step.objects.filter(counter=counter, status=Step.Status.QUEUED).order_by("priority_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    step = waiting.first()
    if step is None:
        return None
    step.status = Step.Status.CALLED
    step.called_at = now
    step.clerk = clerk
    step.desk = desk
    step.save(update_fields=["status", "called_at", "clerk", "desk"])
    _event(step, StepEvent.Kind.CALLED, at=now, actor=clerk, desk=desk)
    return step


@transaction.atomic
def step_recall(*, step: Step, clerk, now: datetime | None = None) -> Step:
    """Call the same visitor again (the display and announcement repeat)."""
    now = _now(now)
    step = _lock_step(step.pk)
    if step.status != Step.Status.CALLED:
        raise StepStateError(f"Ticket {step.visit.ticket_number} is not being called (status: {step.status}).")
    step.recall_count += 1
    step.save(update_fields=["recall_count"])
    _event(step, StepEvent.Kind.RECALLED, at=now, actor=clerk, desk=step.desk, recall=step.recall_count)
    return step


@transaction.atomic
def step_start(*, step: Step, clerk, now: datetime | None = None) -> Step:
    """The visitor has arrived at the desk: service starts."""
    now = _now(now)
    step = _lock_step(step.pk)
    if step.status != Step.Status.CALLED:
        raise StepStateError(f"Ticket {step.visit.ticket_number} cannot start: status is {step.status}.")
    step.status = Step.Status.SERVING
    step.started_at = now
    step.clerk = clerk
    step.save(update_fields=["status", "started_at", "clerk"])
    _event(step, StepEvent.Kind.SERVING, at=now, actor=clerk, desk=step.desk)
    return step


@transaction.atomic
def step_complete(*, step: Step, clerk, memo: str = "", now: datetime | None = None) -> Step | None:
    """Finish this counter's procedures and hand the visit on: returns the next Step queued, or None.

    A Step still only ``called`` is started and completed at once (a quick certificate).
    """
    now = _now(now)
    step = _lock_step(step.pk)
    if step.status not in Step.ACTIVE:
        raise StepStateError(f"Ticket {step.visit.ticket_number} cannot be completed: status is {step.status}.")
    if step.status == Step.Status.CALLED:
        step.started_at = now
        _event(step, StepEvent.Kind.SERVING, at=now, actor=clerk, desk=step.desk)
    step.status = Step.Status.DONE
    step.completed_at = now
    step.clerk = clerk
    step.handoff_memo = memo.strip()[:1000]
    step.save(update_fields=["status", "started_at", "completed_at", "clerk", "handoff_memo"])
    _event(step, StepEvent.Kind.DONE, at=now, actor=clerk, desk=step.desk)
    return queue_next_step(visit=step.visit, actor=clerk, now=now)


@transaction.atomic
def step_no_show(*, step: Step, clerk, now: datetime | None = None) -> Step:
    """The called visitor did not come. The first time they go back in line (at the back);
    the second time the Step is closed and the visit moves on to its next counter."""
    now = _now(now)
    step = _lock_step(step.pk)
    if step.status != Step.Status.CALLED:
        raise StepStateError(f"Ticket {step.visit.ticket_number} is not being called (status: {step.status}).")
    grace = timedelta(seconds=settings.NO_SHOW_GRACE_SECONDS)
    if now - step.called_at < grace:
        left = int((grace - (now - step.called_at)).total_seconds()) + 1
        raise StepStateError(f"Wait {left} more seconds before marking ticket {step.visit.ticket_number} a no-show.")
    step.no_show_count += 1
    _event(step, StepEvent.Kind.NO_SHOW, at=now, actor=clerk, desk=step.desk, count=step.no_show_count)
    if step.no_show_count == 1:
        step.status = Step.Status.QUEUED
        step.priority_at = now
        step.queued_at = now
        step.desk = None
        step.save(update_fields=["status", "priority_at", "queued_at", "desk", "no_show_count"])
        _event(step, StepEvent.Kind.REQUEUED, at=now, actor=clerk)
        return step
    step.status = Step.Status.NO_SHOW
    step.completed_at = now
    step.save(update_fields=["status", "completed_at", "no_show_count"])
    queue_next_step(visit=step.visit, actor=clerk, now=now)
    return step


# --- changing a visit -----------------------------------------------------------------------


@transaction.atomic
def visit_add_procedures(*, visit: Visit, procedure_codes: Sequence[str], actor=None,
                         now: datetime | None = None) -> list[Step]:
    """Add procedures mid-visit: to an open Step at a counter that serves them, else to new Steps."""
    now = _now(now)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError({"visit": f"Visit {visit.ticket_number} was cancelled."})
    procedures = _procedures_for(procedure_codes)
    open_steps = list(visit.steps.filter(status__in=Step.OPEN).select_related("counter").prefetch_related("procedures"))
    already = {p.code for s in open_steps for p in s.procedures.all()}
    new = [p for p in procedures if p.code not in already]
    if not new:
        raise ValidationError({"procedures": "These procedures are already in the visit."})
    plan = _with_cashier(visit.site, new, _counter_plan(visit.site, new, prefer=[s.counter.code for s in open_steps]))
    touched = []
    by_counter = {s.counter_id: s for s in open_steps}
    for counter, counter_procedures in plan.items():
        step = by_counter.get(counter.id) or Step.objects.create(visit=visit, counter_id=counter.id)
        step.procedures.add(*[p.id for p in counter_procedures])
        touched.append(step)
    queue_next_step(visit=visit, actor=actor, now=now)
    return touched


@transaction.atomic
def step_move(*, step: Step, counter: Counter, actor=None, now: datetime | None = None) -> Step:
    """Move a waiting Step to another counter that serves all its procedures (supervisor).

    It keeps its place (priority). If the visit already has an open Step there, they merge.
    """
    now = _now(now)
    step = _lock_step(step.pk)
    if step.status not in (Step.Status.PENDING, Step.Status.QUEUED):
        raise StepStateError(f"Only a waiting Step can move (ticket {step.visit.ticket_number} is {step.status}).")
    if counter.pk == step.counter_id:
        raise ValidationError({"counter": "The Step is at that counter already."})
    procedures = list(step.procedures.all())
    not_served = [p.code for p in procedures if not p.counters.filter(pk=counter.pk).exists()]
    if not_served:
        raise ValidationError({"counter": f"{counter.name_ja} does not handle: " + ", ".join(not_served)})
    previous = step.counter
    existing = step.visit.steps.filter(counter=counter, status__in=Step.OPEN).exclude(pk=step.pk).first()
    if existing is not None:
        existing.procedures.add(*procedures)
        step.status = Step.Status.CANCELLED
        step.save(update_fields=["status"])
        _event(step, StepEvent.Kind.CANCELLED, at=now, actor=actor, merged_into=existing.pk)
        if step.priority_at and existing.status == Step.Status.PENDING:
            existing.status = Step.Status.QUEUED
            existing.priority_at, existing.queued_at = step.priority_at, now
            existing.save(update_fields=["status", "priority_at", "queued_at"])
            _event(existing, StepEvent.Kind.QUEUED, at=now, actor=actor)
        return existing
    step.counter = counter
    step.save(update_fields=["counter"])
    _event(step, StepEvent.Kind.MOVED, at=now, actor=actor, **{"from": previous.code, "to": counter.code})
    return step


@transaction.atomic
def visit_cancel(*, visit: Visit, actor=None, now: datetime | None = None) -> Visit:
    now = _now(now)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    for step in visit.steps.filter(status__in=Step.OPEN):
        step.status = Step.Status.CANCELLED
        step.save(update_fields=["status"])
        _event(step, StepEvent.Kind.CANCELLED, at=now, actor=actor)
    visit.status = Visit.Status.CANCELLED
    visit.completed_at = now
    visit.save(update_fields=["status", "completed_at"])
    return visit


@transaction.atomic
def desk_set_open(*, counter: Counter, number: int, is_open: bool, actor=None) -> Desk:
    """Open or close one desk (supervisor). A desk with a visitor at it may still close: they finish."""
    if not 1 <= number <= counter.desks:
        raise ValidationError({"desk": f"Counter {counter.code} has desks 1–{counter.desks}."})
    desk, _created = Desk.objects.update_or_create(counter=counter, number=number, defaults={"is_open": is_open})
    return desk

"""Every write to visits and Steps. Each service is atomic and writes a StepEvent per change.

Races are settled by the database: ticket numbers under a row lock per (site, day) with a
unique constraint behind it; "call next" takes the first waiting Step with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers instead).

Every change of a Step's state goes through ``_step_change`` (write the fields, then the event) —
and, for a Step named by the caller, through ``_step_transition`` (lock, check the state, change),
so no state change can forget its event.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, Procedure, Site
from madoguchi.catalog.selectors import CounterInfo, ProcedureInfo, cashier_counters, life_event_by_code, routing_index
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.core.prepared import PreparedInsert, PreparedQuery, PreparedUpdate

from . import estimate, notices, routing, selectors
from .models import (
    HANDOFF_MEMO_MAX,
    Channel,
    Desk,
    InterpreterLanguage,
    Need,
    QueueTail,
    Step,
    StepEvent,
    TicketSequence,
    Visit,
)
from .permissions import assigned, serves_assigned_counters

TICKET_RETRIES = 5
# Changes that move nobody in a queue (the Step was already out of it): no "your turn is near" notice
# can become due, so none is looked for.
PLACES_UNCHANGED = frozenset({StepEvent.Kind.SERVING, StepEvent.Kind.DONE, StepEvent.Kind.RECALLED})
# Changes that take a visitor out of a queue other than by a call, or change their handling: the counter's
# kept queue tail no longer holds (``QueueTail``). A call, a start or a completion leave it to its age.
TAIL_CHANGES = frozenset({StepEvent.Kind.NO_SHOW, StepEvent.Kind.REQUEUED, StepEvent.Kind.CANCELLED,
                          StepEvent.Kind.MOVED, StepEvent.Kind.ADDED})
# A dropped tail's time: never fresh.
TAIL_DROPPED = datetime(2000, 1, 1, tzinfo=UTC)


class StepStateError(ConflictError):
    """The Step is not in a state that allows this action (someone else acted first, or too early): 409."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _new_event(step: Step, kind: str, *, at: datetime, actor=None, desk: int | None = None, **details) -> StepEvent:
    return StepEvent(step=step, visit_id=step.visit_id, counter_id=step.counter_id, kind=kind, at=at,
                     actor=actor if getattr(actor, "pk", None) else None, desk=desk, details=details)


# Written by every registration and every change of a Step: compiled once per database (core.prepared).
_EVENTS_INSERTED = PreparedInsert(StepEvent)
_VISITS_INSERTED = PreparedInsert(Visit)
_STEPS_INSERTED = PreparedInsert(Step)
_STEP_PROCEDURES_INSERTED = PreparedInsert(Step.procedures.through)


def _event(step: Step, kind: str, *, at: datetime, actor=None, desk: int | None = None, **details) -> StepEvent:
    event = _new_event(step, kind, at=at, actor=actor, desk=desk, **details)
    _EVENTS_INSERTED.save(event)
    return event


# A Step's change writes a handful of its fields, the same few sets again and again (called, serving, done …):
# each set's UPDATE is made once per database (core.prepared), not compiled on every call, start and completion.
_STEP_UPDATES: dict[tuple[str, ...], PreparedUpdate] = {}


def _step_update(names: tuple[str, ...]) -> PreparedUpdate:
    update = _STEP_UPDATES.get(names)
    if update is None:
        update = _STEP_UPDATES[names] = PreparedUpdate(Step, *names)
    return update


def _step_change(step: Step, kind: str, *, at: datetime, actor=None, fields: dict | None = None,
                 then: str | None = None, **details) -> Step:
    """Write ``fields`` on ``step`` and the event of the change (``kind``): the one way a Step changes.
    ``then``: a second event written with it, the same moment (call-and-start: called, then serving) — one
    UPDATE and one INSERT for both."""
    fields = fields or {}
    for name, value in fields.items():
        setattr(step, name, value)
    if fields:
        _step_update(tuple(fields)).save(step)
    if then is None:
        _event(step, kind, at=at, actor=actor, desk=step.desk, **details)
    else:
        _EVENTS_INSERTED.bulk([_new_event(step, kind, at=at, actor=actor, desk=step.desk, **details),
                               _new_event(step, then, at=at, actor=actor, desk=step.desk)])
    if kind in TAIL_CHANGES:
        _queue_tail_drop(step.counter_id)
    if kind not in PLACES_UNCHANGED:
        # The queue at this counter may have moved: a visitor who asked to be told may be near their turn.
        notices.notices_due_after_commit(step.counter_id)
    return step


# Lock the Step row only: FOR UPDATE over the join would also lock the counter's catalogue row,
# which every registration reads FOR KEY SHARE when it inserts a Step (PostgreSQL deadlocked on it).
# With its procedure codes: the answer after a start, a recall or a no-show lists them. Compiled once
# (core.prepared): it is read by every start, completion, recall, no-show and move.
def _step_locked(pk) -> QuerySet[Step]:
    return (selectors.with_procedure_codes(Step.objects.select_for_update(of=("self",)))
            .select_related("visit", "counter").filter(pk=pk).order_by())


_STEP_LOCKED = PreparedQuery(_step_locked, pk=int)
# The same, with whether the Step's counter is one the acting clerk is assigned to (``clerk_assigned``): a caller
# that checks the clerk's right to the Step (``visible``) gets it in the round trip that locks the row.
_STEP_LOCKED_FOR_CLERK = PreparedQuery(lambda pk, clerk_id: _step_locked(pk).annotate(
    clerk_assigned=assigned(clerk_id, OuterRef("counter_id"))), pk=int, clerk_id=int)


def _lock_step(step_id: int, clerk_id: int | None = None) -> Step:
    if clerk_id is None:
        return _STEP_LOCKED.one(pk=step_id)
    step = _STEP_LOCKED_FOR_CLERK.one(pk=step_id, clerk_id=clerk_id)
    step.clerk_assigned_for = clerk_id  # whose assignment ``clerk_assigned`` says: a check of another user ignores it
    return step


def _locked_in(step: Step, allowed: Collection[str], visible: Callable[[Step], bool] | None = None,
               clerk=None) -> Step:
    """``step`` locked and re-read, if its status is one of ``allowed``; else ``StepStateError`` (409).

    ``visible``: whether the caller may see the locked Step at all; if not, ``Step.DoesNotExist`` (404), as if
    it were not there — so an API checks the clerk's counter on the row it locks, without reading it first
    (for a counter clerk the Step comes with ``clerk_assigned``: whether its counter is one of theirs)."""
    clerk_id = clerk.pk if visible is not None and clerk is not None and serves_assigned_counters(clerk) else None
    step = _lock_step(step.pk, clerk_id)
    if visible is not None and not visible(step):
        raise Step.DoesNotExist
    if step.status not in allowed:
        raise StepStateError(_("Ticket %(ticket)s cannot do this now: it is %(status)s."),
                             ticket=step.visit.ticket_number, status=step.get_status_display())
    return step


def _step_transition(step: Step, kind: str, *, allowed: Collection[str], at: datetime, actor=None,
                     fields: dict | None = None, visible: Callable[[Step], bool] | None = None, **details) -> Step:
    """Lock, check, change: the whole of a simple state change of a Step the caller names."""
    return _step_change(_locked_in(step, allowed, visible, actor), kind, at=at, actor=actor, fields=fields,
                        **details)


# --- registration ------------------------------------------------------------------------


def _procedures_for(codes: Sequence[str]) -> list[ProcedureInfo]:
    """The active procedures of ``codes`` (routing's plain data); DomainError naming unknown ones."""
    codes = list(dict.fromkeys(c.strip() for c in codes if isinstance(c, str) and c.strip()))
    if not codes:
        raise DomainError(_("Choose at least one procedure."), field="procedures")
    index = routing_index()
    unknown = [c for c in codes if c not in index]
    if unknown:
        raise DomainError(_("Unknown procedure code(s): %(codes)s"), field="procedures", codes=", ".join(unknown))
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
        names = Procedure.objects.filter(code__in=error.codes).order_by("sort_order")
        raise DomainError(_("Not handled at %(site)s: %(procedures)s"), field="procedures", site=site.name,
                          procedures="、".join(str(p.name) for p in names)) from error
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
        raise DomainError(_("Unknown need(s): %(needs)s"), field="needs", needs=", ".join(map(str, unknown)))
    if interpreter_language and interpreter_language not in InterpreterLanguage.values:
        raise DomainError(_("Choose an interpreter language from the list."), field="interpreter_language")
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


def _ticket_prefix(channel: str) -> str:
    return settings.TICKET_PREFIXES.get(channel, settings.TICKET_PREFIXES["reception"])


def visit_register(
    *, site: Site, procedure_codes: Sequence[str], channel: str = Channel.RECEPTION, needs: Sequence[str] = (),
    interpreter_language: str = "", life_event: str = "", registered_by=None, priority_advance_minutes: int = 0,
    event_date: date | None = None, now: datetime | None = None,
) -> Visit:
    """Register a visit: one ticket, one Step per counter it needs, the first Step queued. The visit
    returned carries ``summary`` (``selectors.VisitSummary``): the answer, built from what was written.

    MUST: refuse unknown codes, procedures not handled at ``site``, a life event or an interpreter
    language the catalogue does not know, an event date without a life event (``DomainError`` naming
    the field) before anything is written; give a ticket number no other visit at the site has today.
    The queued event keeps the wait the visitor is told (``estimated_wait_minutes``), so the estimate's
    accuracy can be measured.
    """
    now = _now(now)
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), field="channel")
    if life_event and life_event_by_code(life_event) is None:
        raise DomainError(_("Unknown life event."), field="life_event")
    if event_date is not None and not life_event:
        raise DomainError(_("A date of the event needs a life event."), field="event_date")
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
    # Routing compares the waits at the back of the counters it may choose between (usually one: the
    # prerequisites decide, and nothing is figured), from their kept tails (O(desks) each) while fresh.
    compared = routing.counters_compared(plain, prerequisites)
    waits = selectors.expected_waits_by_code([c for c in plan if c.code in compared], now=now) \
        if len(compared) > 1 else {}
    first = routing.choose_next_step(plain, prerequisites, waits)
    day = timezone.localdate(now)
    seq = _next_ticket_seq(site, day)
    with transaction.atomic():
        visit, steps = _visit_create(site=site, day=day, seq=seq, channel=channel, needs=needs,
                                     interpreter_language=interpreter_language, life_event=life_event,
                                     event_date=event_date, registered_by=registered_by, now=now, advance=advance,
                                     plan=plan, first=first)
        counter, counter_procedures = list(plan.items())[first.step_id]
        told = _join_queue(steps[first.step_id], counter, [p.code for p in counter_procedures], now,
                           at_back=not advance)
        # A Step created queued: its creation is the change, written with its event here.
        _event(steps[first.step_id], StepEvent.Kind.QUEUED, at=now, actor=registered_by, **_told(told))
    # The answer (the API's, the route sheet's first look) from what was written, not read back.
    visit.summary = selectors.new_visit_summary(visit, site.code, [
        (step, step_counter, [p.code for p in step_procedures])
        for step, (step_counter, step_procedures) in zip(steps, plan.items(), strict=True)])
    return visit


def _visit_create(*, site, day, seq, channel, needs, interpreter_language, life_event, registered_by, now, advance,
                  plan, first, event_date=None) -> tuple[Visit, list[Step]]:
    visit = Visit(
        site=site, service_date=day, ticket_seq=seq, ticket_number=f"{_ticket_prefix(channel)}-{seq:03d}",
        channel=channel, needs=needs, interpreter_language=interpreter_language, life_event=life_event,
        event_date=event_date, arrived_at=now, priority_at=now - timedelta(minutes=advance),
        registered_by=registered_by,
    )
    _VISITS_INSERTED.save(visit)
    steps = _STEPS_INSERTED.bulk([
        Step(visit=visit, counter_id=counter.id, **(_queued_fields(visit, now) if index == first.step_id else {}))
        for index, counter in enumerate(plan)
    ])
    _STEP_PROCEDURES_INSERTED.bulk([
        Step.procedures.through(step_id=step.pk, procedure_id=procedure.id)
        for step, counter_procedures in zip(steps, plan.values(), strict=True) for procedure in counter_procedures
    ])
    return visit, steps


def _queued_fields(visit: Visit, now: datetime) -> dict:
    # The Step keeps the visit's priority (its arrival time), so a visitor handed on from another
    # counter goes ahead of everyone who arrived after them (窓口連携).
    return {"status": Step.Status.QUEUED, "priority_at": visit.priority_at, "queued_at": now}


def _join_queue(step: Step, counter: CounterInfo, codes: list[str], now: datetime, *, at_back: bool) -> float:
    """The wait told to the visitor of ``step``, just saved queued at ``counter``, with the counter's kept tail
    (``QueueTail``, locked until commit) moved on by them. At the back of a fresh tail: their wait is the first
    free desk of it, O(desks). Else (moved ahead by a priority or an appointment, or the tail stale) the queue
    is figured whole: their wait is the one at their place, and the tail is kept from that figure."""
    tail = _locked_tail(counter.id)
    if at_back and selectors.tail_is_fresh(tail, counter.desks, now):
        wait, tail.desk_free_at, tail.incoming_later = estimate.join_tail(
            tail.desk_free_at, elapsed=selectors.minutes_since(tail.figured_at, now),
            minutes=selectors.joining_minutes(counter.id, codes, now=now), incoming_later=tail.incoming_later)
        _TAIL_MOVED_ON.save(tail)
        return wait
    figures, wait = _figured_at_place(step, counter.desks, now)
    tail.figured_at, tail.desks = now, counter.desks
    tail.desk_free_at, tail.incoming_later = figures.desk_free_at, figures.incoming_later
    _TAIL_FIGURED.save(tail)
    return wait


# Read and written on every registration (and on every join at a counter): compiled once (core.prepared).
_TAIL_MOVED_ON = PreparedUpdate(QueueTail, "desk_free_at", "incoming_later")
_TAIL_FIGURED = PreparedUpdate(QueueTail, "figured_at", "desks", "desk_free_at", "incoming_later")
_TAIL_LOCKED = PreparedQuery(lambda counter_id: QueueTail.objects.select_for_update().filter(counter_id=counter_id),
                             counter_id=int)


def _locked_tail(counter_id: int) -> QueueTail:
    """The counter's ``QueueTail`` row, locked (created, stale, the first time)."""
    found = _TAIL_LOCKED.all(counter_id=counter_id)  # the counter is the key: one row or none
    if not found:
        QueueTail.objects.bulk_create([QueueTail(counter_id=counter_id, figured_at=TAIL_DROPPED)],
                                      ignore_conflicts=True)
        return _TAIL_LOCKED.one(counter_id=counter_id)
    return found[0]


def _queue_tail_drop(*counter_ids: int) -> None:
    """The queue of these counters changed other than at its back: figure it whole at the next join. Done once
    the change commits, in one statement on its own: a service that changes Steps at several counters (a cancel,
    a move) then never holds one counter's tail while waiting for another's (two such services could
    deadlock); a registration joining in between is off by at most the tail's age."""
    transaction.on_commit(
        lambda: QueueTail.objects.filter(counter_id__in=counter_ids).update(figured_at=TAIL_DROPPED))


def _figured_at_place(step: Step, desks: int, now: datetime) -> tuple[selectors.QueueFigures, float]:
    """Its counter's queue figured whole, and the estimated wait of ``step`` at its place in it (it must be saved
    as queued)."""
    figures = selectors.queue_figures(desks={step.counter_id: desks}, now=now)[step.counter_id]
    return figures, next((wait for step_id, _expected, wait in figures.waiting if step_id == step.pk),
                         figures.wait_for_new_arrival)


def _told(minutes: float) -> dict:
    """The queued event's record of the wait the visitor is told (none when no desk is open)."""
    return {} if minutes == float("inf") else {"estimated_wait_minutes": round(minutes, 1)}


# --- routing between Steps ----------------------------------------------------------------


# A visit's status and the time it ended: written by the last completion of every visit (and by a cancel or a
# reopening), compiled once.
_VISIT_STATUS = PreparedUpdate(Visit, "status", "completed_at")


def visit_queue_next(*, visit: Visit, actor=None, now: datetime | None = None) -> Step | None:
    """Queue the visit's next Step, chosen now by the routing policy; close the visit when none is left.

    Leaves ``visit.summary``: the visit and its Steps as this change leaves them (``selectors.VisitSummary``,
    read here once — the statuses it needs — and updated with what it writes), so a completion's answer needs
    no read after the write."""
    now = _now(now)
    # The visit's Steps first (one query, their statuses, counters and codes): most visits end here, or wait
    # elsewhere; only pending Steps to route are read whole, with their counters and procedures.
    summary = visit.summary = selectors.visit_summary(visit_id=visit.pk)
    open_statuses = {s.status for s in summary.steps if s.status in Step.OPEN}
    if open_statuses - {Step.Status.PENDING}:
        return None  # the visitor is still waiting or being served somewhere
    if not open_statuses:
        if visit.status == Visit.Status.ACTIVE:
            visit.status = summary.status = Visit.Status.DONE
            visit.completed_at = now
            _VISIT_STATUS.save(visit)
            notices.status_notice_discard(visit=visit)  # the address lives only as long as the visit
        return None
    # In the Steps' order, without the default one's join to the visit (one visit: its id is the order).
    pending = list(visit.steps.filter(status=Step.Status.PENDING).select_related("counter")
                   .prefetch_related("procedures").order_by("id"))
    if not pending:
        return None  # pending a moment ago, not now: another change moved them and routes the visit itself
    plain = [routing.PendingStep(s.pk, s.counter.code, frozenset(p.code for p in s.procedures.all()),
                                 last=s.counter.is_cashier) for s in pending]
    prerequisites = selectors.prerequisites_of({code for s in plain for code in s.procedures})
    # As at registration: the waits only of the counters the routing compares (none when one Step is left).
    compared = routing.counters_compared(plain, prerequisites)
    waits = selectors.expected_waits_by_code([s.counter for s in pending if s.counter.code in compared], now=now) \
        if len(compared) > 1 else {}
    chosen = routing.choose_next_step(plain, prerequisites, waits)
    step = next(s for s in pending if s.pk == chosen.step_id)
    for name, value in _queued_fields(visit, now).items():
        setattr(step, name, value)
    _step_update(("status", "priority_at", "queued_at")).save(step)
    # Handed on with the visit's arrival as priority, the visitor goes ahead of later arrivals: the
    # wait told is the one at that place, not at the back.
    _figures, told = _figured_at_place(step, step.counter.desks, now)
    _step_change(step, StepEvent.Kind.QUEUED, at=now, actor=actor, **_told(told))
    routed = next((s for s in summary.steps if s.id == step.pk), None)
    if routed is not None:
        routed.status = step.status
    if visit.status != Visit.Status.ACTIVE:
        visit.status = summary.status = Visit.Status.ACTIVE
        visit.completed_at = None
        _VISIT_STATUS.save(visit)
    if not {s.pk for s in pending} <= {s.id for s in summary.steps}:
        # A Step added since the Steps were read (procedures added at another counter, committed between the two
        # reads): the summary misses it — read it again, with this change's writes.
        visit.summary = selectors.visit_summary(visit_id=visit.pk)
    return step


# --- at the counter -------------------------------------------------------------------------


def _check_desk_number(counter: Counter, desk: int) -> None:
    if not 1 <= desk <= counter.desks:
        raise DomainError(_("Counter %(counter)s has desks 1–%(desks)d."), field="desk", counter=counter.name,
                          desks=counter.desks)


def _check_desk(counter: Counter, desk: int) -> None:
    _check_desk_number(counter, desk)
    if not dict(selectors.desk_states(counter))[desk]:
        raise DomainError(_("Desk %(desk)d at %(counter)s is closed."), field="desk", desk=desk,
                          counter=counter.name)


def _desk_busy(counter: Counter, desk: int) -> StepStateError | None:
    """The refusal to call to ``desk`` while its visitor is unfinished (None when it has none)."""
    busy = Step.objects.filter(counter=counter, desk=desk, status__in=Step.ACTIVE).select_related("visit").first()
    if busy is None:
        return None
    return StepStateError(_("Desk %(desk)d is still with ticket %(ticket)s: complete it or mark it a no-show first."),
                          desk=desk, ticket=busy.visit.ticket_number)


def step_call_next(*, counter: Counter, clerk, desk: int = 1, now: datetime | None = None,
                   start: bool = False) -> Step | None:
    """Call the first waiting visitor at ``counter`` to ``desk``; None when nobody waits.

    MUST: two clerks calling at the same moment never get the same visitor — the row is taken
    with SKIP LOCKED, so the second clerk gets the next visitor instead of waiting or doubling; a desk never
    has two visitors — the database refuses it (``one_visitor_per_desk``), so two presses at one desk at the
    same moment call one visitor, and the other is told the desk's visitor is unfinished (409).
    ``start``: the visitor is already at the desk (a console that calls and serves in one press): service
    starts in the same transaction, with both events written (called, then serving).

    The usual call is the one statement that takes the first waiting visitor (a closed or busy desk takes
    nobody) and the one that writes them to the desk; what went wrong is read only when nobody was called.
    """
    _check_desk_number(counter, desk)
    for attempt in range(2):
        try:
            step = _call_next(counter=counter, clerk=clerk, desk=desk, now=_now(now), start=start)
            break
        except IntegrityError as error:
            # Another press at this desk called at the same moment (one_visitor_per_desk): its visitor is there —
            # or was already served, and the desk is free again (once more, then).
            refusal = _desk_busy(counter, desk)
            if refusal is not None:
                raise refusal from error
            if attempt:
                raise
    if step is None:
        _check_desk(counter, desk)  # nobody called: the desk may be closed — say so, not "nobody waits"
        refusal = _desk_busy(counter, desk)
        if refusal is not None:
            raise refusal
    return step


# A desk that may take a visitor: not closed, and not still with one. The same two NOT EXISTS the ORM writes for
# ~Exists(Desk...) and ~Exists(Step...), written once here: compiling the two subqueries on every call was half the
# CPU of the call's query (0.63 of 1.4 ms, measured on PostgreSQL).
_DESK_TAKES_A_VISITOR = (  # our own table names; the values are parameters
    f"NOT EXISTS (SELECT 1 FROM {Desk._meta.db_table} d WHERE d.counter_id = %s AND d.number = %s AND NOT d.is_open)"  # noqa: S608
    f" AND NOT EXISTS (SELECT 1 FROM {Step._meta.db_table} s WHERE s.counter_id = %s AND s.desk = %s"
    f" AND s.status IN ({', '.join(['%s'] * len(Step.ACTIVE))}))"
)


def _desk_takes_a_visitor(counter_id: int, desk: int) -> RawSQL:
    values = (counter_id, desk, counter_id, desk, *(s.value for s in Step.ACTIVE))
    return RawSQL(_DESK_TAKES_A_VISITOR, values, output_field=BooleanField())  # noqa: S611 - values as parameters


def _first_waiting(counter_id: int, desk: int) -> QuerySet[Step]:
    # The visit comes with the row (the answer shows its ticket); only the Step row is locked.
    # A closed desk, or one still with its visitor, takes nobody (and locks nobody another desk would call).
    waiting = (selectors.with_procedure_codes(Step.objects.filter(counter_id=counter_id, status=Step.Status.QUEUED))
               .filter(_desk_takes_a_visitor(counter_id, desk)).select_related("visit").order_by("priority_at", "id"))
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True, of=("self",))
    return waiting[:1]


_FIRST_WAITING = PreparedQuery(_first_waiting, counter_id=int, desk=int)  # compiled once: every call reads it


@transaction.atomic
def _call_next(*, counter: Counter, clerk, desk: int, now: datetime, start: bool) -> Step | None:
    step = _FIRST_WAITING.first(counter_id=counter.pk, desk=desk)
    if step is None:
        return None
    step.counter = counter  # the caller's: not read again for the answer
    if start:
        return _step_change(step, StepEvent.Kind.CALLED, at=now, actor=clerk, then=StepEvent.Kind.SERVING, fields={
            "status": Step.Status.SERVING, "called_at": now, "started_at": now, "clerk": clerk, "desk": desk})
    return _step_change(step, StepEvent.Kind.CALLED, at=now, actor=clerk,
                        fields={"status": Step.Status.CALLED, "called_at": now, "clerk": clerk, "desk": desk})


@transaction.atomic
def step_recall(*, step: Step, clerk, now: datetime | None = None, visible: Callable[[Step], bool] | None = None
                ) -> Step:
    """Call the same visitor again (the display and announcement repeat)."""
    now = _now(now)
    step = _locked_in(step, [Step.Status.CALLED], visible, clerk)
    count = step.recall_count + 1
    return _step_change(step, StepEvent.Kind.RECALLED, at=now, actor=clerk, fields={"recall_count": count},
                        recall=count)


@transaction.atomic
def step_start(*, step: Step, clerk, now: datetime | None = None, visible: Callable[[Step], bool] | None = None
               ) -> Step:
    """The visitor has arrived at the desk: service starts."""
    now = _now(now)
    return _step_transition(step, StepEvent.Kind.SERVING, allowed=[Step.Status.CALLED], at=now, actor=clerk,
                            fields={"status": Step.Status.SERVING, "started_at": now, "clerk": clerk}, visible=visible)


@dataclass(frozen=True)
class Completed:
    """What a completion did: the Step the visit was handed to (None: it had no other counter), and the visit
    and its Steps as the completion left them (the API's answer, with no read after the write)."""

    following: Step | None
    visit: selectors.VisitSummary


@transaction.atomic
def step_complete(*, step: Step, clerk, memo: str = "", now: datetime | None = None,
                  visible: Callable[[Step], bool] | None = None) -> Completed:
    """Finish this counter's procedures and hand the visit on to its next counter (``Completed``).

    A Step still only ``called`` is started and completed at once (a quick certificate).
    """
    now = _now(now)
    memo = memo.strip()
    if len(memo) > HANDOFF_MEMO_MAX:
        raise DomainError(_("At most %(max)d characters."), field="memo", max=HANDOFF_MEMO_MAX)
    step = _locked_in(step, Step.ACTIVE, visible, clerk)
    if step.status == Step.Status.CALLED:
        step = _step_change(step, StepEvent.Kind.SERVING, at=now, actor=clerk, fields={"started_at": now})
    step = _step_change(step, StepEvent.Kind.DONE, at=now, actor=clerk, fields={
        "status": Step.Status.DONE, "completed_at": now, "clerk": clerk, "handoff_memo": memo})
    following = visit_queue_next(visit=step.visit, actor=clerk, now=now)
    return Completed(following, step.visit.summary)


@transaction.atomic
def step_no_show(*, step: Step, clerk, now: datetime | None = None, visible: Callable[[Step], bool] | None = None
                 ) -> Step:
    """The called visitor did not come. The first time they go back in line (at the back);
    the second time the Step is closed and the visit moves on to its next counter."""
    now = _now(now)
    step = _locked_in(step, [Step.Status.CALLED], visible, clerk)
    grace = timedelta(seconds=settings.NO_SHOW_GRACE_SECONDS)
    if now - step.called_at < grace:
        left = int((grace - (now - step.called_at)).total_seconds()) + 1
        raise StepStateError(_("Wait %(seconds)d more seconds before marking ticket %(ticket)s a no-show."),
                             seconds=left, ticket=step.visit.ticket_number)
    count = step.no_show_count + 1
    if count == 1:
        step = _step_change(step, StepEvent.Kind.NO_SHOW, at=now, actor=clerk, fields={"no_show_count": count},
                            count=count)
        return _step_change(step, StepEvent.Kind.REQUEUED, at=now, actor=clerk, fields={
            "status": Step.Status.QUEUED, "priority_at": now, "queued_at": now, "desk": None})
    step = _step_change(step, StepEvent.Kind.NO_SHOW, at=now, actor=clerk, fields={
        "no_show_count": count, "status": Step.Status.NO_SHOW, "completed_at": now}, count=count)
    visit_queue_next(visit=step.visit, actor=clerk, now=now)
    return step


# --- changing a visit -----------------------------------------------------------------------


@transaction.atomic
def visit_add_procedures(*, visit: Visit, procedure_codes: Sequence[str], actor=None,
                         now: datetime | None = None) -> list[Step]:
    """Add procedures mid-visit: to an open Step at a counter that serves them, else to new Steps.

    Each Step that gains procedures gets an ``added`` event naming them (what was found at the
    counter rather than known at reception)."""
    now = _now(now)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == Visit.Status.CANCELLED:
        raise DomainError(_("Ticket %(ticket)s was cancelled."), field="visit", ticket=visit.ticket_number)
    procedures = _procedures_for(procedure_codes)
    open_steps = list(visit.steps.filter(status__in=Step.OPEN).select_related("counter").prefetch_related("procedures"))
    already = {p.code for s in open_steps for p in s.procedures.all()}
    new = [p for p in procedures if p.code not in already]
    if not new:
        raise DomainError(_("These procedures are already in the visit."), field="procedures")
    visit.procedures_added += len(new)
    visit.save(update_fields=["procedures_added"])
    plan = _with_cashier(visit.site, new,
                         _counter_plan(visit.site, new, prefer=[s.counter.code for s in open_steps]))
    touched = []
    by_counter = {s.counter_id: s for s in open_steps}
    for counter, counter_procedures in plan.items():
        step = by_counter.get(counter.id) or Step.objects.create(visit=visit, counter_id=counter.id)
        step.procedures.add(*[p.id for p in counter_procedures])
        _step_change(step, StepEvent.Kind.ADDED, at=now, actor=actor,
                     procedures=[p.code for p in counter_procedures])
        touched.append(step)
    visit_queue_next(visit=visit, actor=actor, now=now)
    return touched


@transaction.atomic
def step_move(*, step: Step, counter: Counter, actor=None, now: datetime | None = None) -> Step:
    """Move a waiting Step to another counter that serves all its procedures (supervisor).

    It keeps its place (priority). If the visit already has an open Step there, they merge.
    """
    now = _now(now)
    locked = _lock_step(step.pk)
    if locked.status not in (Step.Status.PENDING, Step.Status.QUEUED):
        raise StepStateError(_("Only a waiting visitor can move (ticket %(ticket)s is %(status)s)."),
                             ticket=locked.visit.ticket_number, status=locked.get_status_display())
    if counter.pk == locked.counter_id:
        raise DomainError(_("The visitor is at that counter already."), field="counter")
    procedures = list(locked.procedures.all())
    not_served = [p.name for p in procedures if not p.counters.filter(pk=counter.pk).exists()]
    if not_served:
        raise DomainError(_("%(counter)s does not handle: %(procedures)s"), field="counter", counter=counter.name,
                          procedures="、".join(not_served))
    previous = locked.counter
    _queue_tail_drop(previous.pk, counter.pk)  # out of one queue, into the other (merged, maybe ahead)
    existing = locked.visit.steps.filter(counter=counter, status__in=Step.OPEN).exclude(pk=locked.pk).first()
    if existing is None:
        return _step_change(locked, StepEvent.Kind.MOVED, at=now, actor=actor, fields={"counter": counter},
                            **{"from": previous.code, "to": counter.code})
    existing.procedures.add(*procedures)
    _step_change(locked, StepEvent.Kind.CANCELLED, at=now, actor=actor, fields={"status": Step.Status.CANCELLED},
                 merged_into=existing.pk)
    if locked.priority_at and existing.status == Step.Status.PENDING:
        _step_change(existing, StepEvent.Kind.QUEUED, at=now, actor=actor, fields={
            "status": Step.Status.QUEUED, "priority_at": locked.priority_at, "queued_at": now})
    return existing


@transaction.atomic
def visit_cancel(*, visit: Visit, actor=None, now: datetime | None = None) -> Visit:
    now = _now(now)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    for step in visit.steps.filter(status__in=Step.OPEN):
        _step_change(step, StepEvent.Kind.CANCELLED, at=now, actor=actor, fields={"status": Step.Status.CANCELLED})
    visit.status = Visit.Status.CANCELLED
    visit.completed_at = now
    _VISIT_STATUS.save(visit)
    notices.status_notice_discard(visit=visit)
    return visit


@transaction.atomic
def desk_set_open(*, counter: Counter, number: int, is_open: bool, actor=None) -> Desk:
    """Open or close one desk (supervisor). A desk with a visitor at it may still close: they finish."""
    _check_desk_number(counter, number)
    desk, _created = Desk.objects.update_or_create(counter=counter, number=number, defaults={"is_open": is_open})
    _queue_tail_drop(counter.pk)  # the open desks are the tail's length
    return desk

"""Reads of the queues: who waits where, and how long they are likely to wait.

``queue_snapshot`` is the one place the wait estimate is assembled from the database, so the
status page, the congestion page and the console show the same figure.
"""

import hmac
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from madoguchi.catalog.models import Counter, Procedure
from madoguchi.catalog.selectors import CounterInfo, routing_index
from madoguchi.core.params import int_or_none
from madoguchi.core.prepared import PreparedQuery
from madoguchi.navigator.selectors import navigator_rulebook

from . import estimate, routing, tickets
from .models import Desk, QueueTail, StatusNotice, Step, StepEvent, Visit
from .suggest import Suggestion, suggest

RECENT_STEPS_FOR_FACTORS = 300
# The desk's wait between calling a visitor and starting (they walk up): the mean over each counter's last steps.
RECENT_STEPS_FOR_GAP = 50
# The "recent" handling speed moves slowly; computing it once every few seconds per process is plenty
# and keeps registration and "call next" cheap when hundreds of visitors arrive at once.
SPEED_CACHE_SECONDS = 10


def with_procedure_codes(steps: QuerySet[Step]) -> QuerySet[Step]:
    """``steps`` each with its procedure codes read in the same query (``procedure_codes_joined``, comma-joined:
    a code has no comma), for the answers that list them (a call, a start, a recall, a no-show, a visit) — a
    second query costs the call 0.3 ms more CPU than this subquery (measured on PostgreSQL). Written in SQL, as
    the ORM's aggregate over a join would take as long to build as the query it saves. For a top-level query of
    Steps only (the subquery names the table ``reception_step``; inside Subquery/Exists/__in it is renamed)."""
    aggregate = ("string_agg(p.code, ',')" if connection.vendor == "postgresql" else "group_concat(p.code, ',')")
    through = Step.procedures.through._meta.db_table
    return steps.annotate(procedure_codes_joined=RawSQL(  # noqa: S611 - our own table names, no value
        f"SELECT {aggregate} FROM {Procedure._meta.db_table} p JOIN {through} sp ON sp.procedure_id = p.id "  # noqa: S608
        f"WHERE sp.step_id = {Step._meta.db_table}.id", (), output_field=TextField()))


def step_procedure_codes(step: Step) -> list[str]:
    """The Step's procedure codes, sorted: from ``with_procedure_codes`` when the Step was read with it."""
    if hasattr(step, "procedure_codes_joined"):
        return sorted(step.procedure_codes_joined.split(",")) if step.procedure_codes_joined else []
    return sorted(step.procedures.values_list("code", flat=True))


@dataclass
class WaitingStep:
    step: Step | None  # loaded only with ``with_steps``
    position: int  # 1 = next to be called
    expected_minutes: float
    estimated_wait_minutes: float
    step_id: int


@dataclass
class CounterQueue:
    counter: Counter
    desks_open: int
    waiting: list[WaitingStep] = field(default_factory=list)
    active: list[Step] = field(default_factory=list)  # called or being served
    serving_remaining: list[float] = field(default_factory=list)
    wait_for_new_arrival: float = 0.0

    @property
    def waiting_count(self) -> int:
        return len(self.waiting)


def desk_states(counter: Counter) -> list[tuple[int, bool]]:
    """(desk number, open?) for desks 1..counter.desks; a desk with no row is open."""
    overrides = {d.number: d.is_open for d in Desk.objects.filter(counter=counter)}
    return [(n, overrides.get(n, True)) for n in range(1, counter.desks + 1)]


def _open_desks_by_counter(desks: dict[int, int]) -> dict[int, int]:
    """Open desks per counter id, from each counter's desk count and the closed-desk rows."""
    closed: dict[int, set[int]] = {}
    for counter_id, number in Desk.objects.filter(counter_id__in=list(desks), is_open=False).values_list(
        "counter_id", "number"
    ):
        closed.setdefault(counter_id, set()).add(number)
    return {pk: sum(1 for n in range(1, count + 1) if n not in closed.get(pk, set())) for pk, count in desks.items()}


def typical_minutes() -> dict[str, float]:
    return {code: float(m) for code, m in Procedure.objects.values_list("code", "handling_minutes")}


def handling_inputs(*, now: datetime) -> tuple[dict[str, float], dict[str, float]]:
    """(typical minutes, recent speed factors) per procedure, cached for a few seconds."""
    learnt, factors, _gaps = _handling_inputs(now)
    return learnt.typical, factors


def _handling_inputs(now: datetime) -> tuple[estimate.LearntHandling, dict[str, float], dict[int, float]]:
    """(handling learnt from past days, today's speed factors against it per procedure, the call-to-start
    gap per counter id), cached for a few seconds (the learnt part for longer)."""
    cached = cache.get("handling_inputs:v2")
    if cached is None:
        learnt = learnt_handling(now=now)
        cached = (learnt, recent_speed_factors(now=now, learnt=learnt), recent_call_gaps(now=now))
        cache.set("handling_inputs:v2", cached, SPEED_CACHE_SECONDS)
    return cached


# Past days the handling times are learnt from, and how long the learnt table is kept before it is
# computed again (a day's new steps move it little; no restart needed).
LEARNT_DAYS = 28
LEARNT_CACHE_SECONDS = 600


def learnt_handling(*, now: datetime) -> estimate.LearntHandling:
    """Handling per procedure, counter and hour of day, learnt from the Steps done on the last
    ``LEARNT_DAYS`` days before today (recorded and imported alike), shrunk towards the catalogue."""
    today = timezone.localtime(now).date()
    key = f"learnt_handling:{today.isoformat()}"
    learnt = cache.get(key)
    if learnt is None:
        learnt = estimate.LearntHandling(typical_minutes(), _past_handling(today))
        cache.set(key, learnt, LEARNT_CACHE_SECONDS)
    return learnt


def _past_handling(today) -> list[tuple[int, list[str], int, float]]:
    start, _ = day_bounds(today - timedelta(days=LEARNT_DAYS))
    end, _ = day_bounds(today)
    steps: dict[int, tuple[int, list[str], int, float]] = {}
    for step_id, counter_id, started_at, completed_at, code in Step.objects.filter(
        status=Step.Status.DONE, started_at__gte=start, started_at__lt=end, completed_at__isnull=False
    ).values_list("id", "counter_id", "started_at", "completed_at", "procedures__code"):
        if step_id not in steps:
            steps[step_id] = (counter_id, [], timezone.localtime(started_at).hour,
                              (completed_at - started_at).total_seconds() / 60)
        if code is not None:
            steps[step_id][1].append(code)
    return list(steps.values())


def recent_call_gaps(*, now: datetime) -> dict[int, float]:
    """Each counter's recent minutes from calling a visitor to starting to serve them (today's Steps)."""
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    gaps: dict[int, list[float]] = {}
    rows = (Step.objects.filter(status=Step.Status.DONE, completed_at__gte=since, started_at__isnull=False,
                                called_at__isnull=False)
            .order_by("-completed_at").values_list("counter_id", "called_at", "started_at")[:RECENT_STEPS_FOR_FACTORS])
    for counter_id, called_at, started_at in rows:
        bucket = gaps.setdefault(counter_id, [])
        if len(bucket) < RECENT_STEPS_FOR_GAP:
            bucket.append((started_at - called_at).total_seconds() / 60)
    return {pk: estimate.call_to_start_minutes(values) for pk, values in gaps.items()}


def recent_speed_factors(*, now: datetime, learnt: estimate.LearntHandling) -> dict[str, float]:
    """Each procedure's recent actual ÷ expected handling ratio, from today's completed Steps, the
    expected being the minutes learnt for that counter and hour (the catalogue's without history)."""
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    steps = (
        Step.objects.filter(status=Step.Status.DONE, completed_at__gte=since, started_at__isnull=False)
        .order_by("-completed_at")
        .prefetch_related(Prefetch("procedures", queryset=Procedure.objects.only("code")))[:RECENT_STEPS_FOR_FACTORS]
    )
    recent = []
    for step in steps:
        codes = [p.code for p in step.procedures.all()]
        minutes = learnt.minutes(step.counter_id, timezone.localtime(step.started_at).hour)
        recent.append((codes, sum(minutes.get(c, 0.0) for c in codes),
                       (step.completed_at - step.started_at).total_seconds() / 60))
    return estimate.procedure_speed_factors(recent)


@dataclass
class QueueFigures:
    """One counter's queue as numbers: the source of every wait shown anywhere."""

    desks_open: int
    waiting: list[tuple[int, float, float]] = field(default_factory=list)  # (step id, expected, wait)
    serving_remaining: list[float] = field(default_factory=list)
    wait_for_new_arrival: float = 0.0
    # When each open desk is free after everyone waiting (minutes from now, sorted): the queue's tail.
    desk_free_at: list[float] = field(default_factory=list)
    # The visitors still to be handed in after everyone waiting: (minutes until they arrive, handling minutes,
    # rank in priority order among them).
    incoming_later: list[tuple[float, float, int]] = field(default_factory=list)

    def lay_out(self, rows: list[tuple[int, tuple, float]], incoming=()) -> None:
        """Set the waits and the tail from the waiting ``rows`` (step id, priority key, expected minutes)."""
        schedule = estimate.queue_schedule(
            expected=[e for _, _, e in rows], keys=[k for _, k, _ in rows], serving_remaining=self.serving_remaining,
            desks_open=self.desks_open, incoming=incoming)
        self.waiting = [(step_id, expected, wait)
                        for (step_id, _, expected), wait in zip(rows, schedule.waits, strict=True)]
        self.wait_for_new_arrival, self.desk_free_at = schedule.wait_for_new_arrival, schedule.desk_free_at
        self.incoming_later = schedule.incoming_later


def _base_figures(desks: dict[int, int], now: datetime, learnt, factors, gaps) -> tuple[dict, dict]:
    """Each counter's queue without the visitors still to be handed in: (figures, waiting rows
    ``{counter id: [(step id, priority key, expected minutes)]}``)."""
    open_desks = _open_desks_by_counter(desks)
    figures = {pk: QueueFigures(desks_open=open_desks[pk]) for pk in desks}
    open_steps = Step.objects.filter(counter_id__in=list(desks), status__in=[Step.Status.QUEUED, *Step.ACTIVE])
    # One row per Step and procedure, in call order: the Steps and their procedures in one query.
    rows: dict[int, tuple] = {}
    codes: dict[int, list[str]] = {}
    for step_id, counter_id, status, priority_at, called_at, started_at, code in open_steps.order_by(
        "priority_at", "id"
    ).values_list("id", "counter_id", "status", "priority_at", "called_at", "started_at", "procedures__code"):
        rows.setdefault(step_id, (step_id, counter_id, status, priority_at, called_at, started_at))
        if code is not None:
            codes.setdefault(step_id, []).append(code)
    waiting: dict[int, list[tuple[int, tuple, float]]] = {pk: [] for pk in desks}
    hour = timezone.localtime(now).hour
    # A long queue holds few distinct kinds of Step: each (counter, procedures) is figured once.
    expected_of: dict[tuple, float] = {}
    for step_id, counter_id, status, priority_at, called_at, started_at in rows.values():
        kind = (counter_id, tuple(codes.get(step_id, ())))
        expected = expected_of.get(kind)
        if expected is None:
            expected = expected_of[kind] = estimate.expected_handling_minutes(
                kind[1], learnt.minutes(counter_id, hour), factors)
        if status == Step.Status.QUEUED:
            waiting[counter_id].append((step_id, (priority_at, step_id), expected + gaps.get(counter_id, 0.0)))
        else:
            elapsed = (now - (started_at or called_at or now)).total_seconds() / 60
            figures[counter_id].serving_remaining.append(
                estimate.remaining_minutes(expected_minutes=expected, elapsed_minutes=elapsed))
    for counter_id, queue in figures.items():
        queue.lay_out(waiting[counter_id])
    return figures, waiting


def _incoming(desks: dict[int, int], now: datetime, learnt, factors, gaps, known: dict[int, QueueFigures]) -> dict:
    """``{counter id: [(priority key, minutes until queued here, expected minutes here)]}``: the visitors
    waiting or served at another counter whose next Step, as routing would choose it now, is at one of
    ``desks``'s counters. They are queued here when that Step completes (``visit_queue_next``), with the
    visit's priority: after the rest of their handling if at a desk, after their wait there and their
    handling if still waiting."""
    coming = Step.objects.filter(counter_id__in=list(desks), status=Step.Status.PENDING,
                                 visit__status=Visit.Status.ACTIVE).values("visit_id")
    steps = Step.objects.filter(visit_id__in=coming, status__in=[Step.Status.PENDING, Step.Status.QUEUED, *Step.ACTIVE])
    # One query: the open Steps of those visits, one row per procedure.
    codes: dict[int, list[str]] = {}
    visits: dict[int, dict] = {}
    seen: set[int] = set()
    for step_id, visit_id, counter_id, code, counter_desks, status, called_at, started_at, priority_at, procedure in (
        steps.order_by("id").values_list("id", "visit_id", "counter_id", "counter__code", "counter__desks", "status",
                                         "called_at", "started_at", "visit__priority_at", "procedures__code")
    ):
        if procedure is not None:
            codes.setdefault(step_id, []).append(procedure)
        if step_id in seen:
            continue
        seen.add(step_id)
        visit = visits.setdefault(visit_id, {"pending": [], "current": None, "priority_at": priority_at})
        row = (step_id, counter_id, code, counter_desks, status, called_at, started_at)
        if status == Step.Status.PENDING:
            visit["pending"].append(row)
        else:
            visit["current"] = row
    visits = {pk: v for pk, v in visits.items() if v["current"] is not None and v["pending"]}
    if not visits:
        return {}
    # The waits routing would compare (and the current Steps' waits): figures of the other counters involved.
    involved = {row[1]: row[3] for v in visits.values() for row in [v["current"], *v["pending"]]}
    missing = {pk: count for pk, count in involved.items() if pk not in known}
    if missing:
        known = {**known, **_base_figures(missing, now, learnt, factors, gaps)[0]}
    hour = timezone.localtime(now).hour
    prerequisites = prerequisites_of({c for codes_of in codes.values() for c in codes_of})
    incoming: dict[int, list] = {}
    for visit in visits.values():
        plain = [routing.PendingStep(row[0], row[2], frozenset(codes.get(row[0], ()))) for row in visit["pending"]]
        chosen = routing.choose_next_step(
            plain, prerequisites, {row[2]: known[row[1]].wait_for_new_arrival for row in visit["pending"]})
        target = next(row[1] for row in visit["pending"] if row[0] == chosen.step_id)
        if target not in desks:
            continue
        step_id, counter_id, _code, _desks, status, called_at, started_at = visit["current"]
        there = estimate.expected_handling_minutes(codes.get(step_id, ()), learnt.minutes(counter_id, hour), factors)
        if status == Step.Status.QUEUED:
            wait = next((w for pk, _e, w in known[counter_id].waiting if pk == step_id), math.inf)
            arrives = wait + there + gaps.get(counter_id, 0.0)
        else:
            elapsed = (now - (started_at or called_at or now)).total_seconds() / 60
            arrives = estimate.remaining_minutes(expected_minutes=there, elapsed_minutes=elapsed)
        if math.isinf(arrives):
            continue
        here = (estimate.expected_handling_minutes(chosen.procedures, learnt.minutes(target, hour), factors)
                + gaps.get(target, 0.0))
        incoming.setdefault(target, []).append(((visit["priority_at"], chosen.step_id), arrives, here))
    return incoming


def queue_figures(*, desks: dict[int, int], now: datetime) -> dict[int, QueueFigures]:
    """The queues of the counters ``{counter id: desk count}`` as figures: who waits (with their wait),
    who is at a desk, and the wait of one more joining at the back — counting the visitors who will be
    handed in ahead from other counters (``estimate.queue_waits_with_incoming``)."""
    learnt, factors, gaps = _handling_inputs(now)
    figures, waiting = _base_figures(desks, now, learnt, factors, gaps)
    for counter_id, arriving in _incoming(desks, now, learnt, factors, gaps, figures).items():
        figures[counter_id].lay_out(waiting[counter_id], arriving)
    return figures


def queue_snapshot(
    *, counters: list[Counter] | None = None, now: datetime | None = None, with_steps: bool = True
) -> dict[int, CounterQueue]:
    """Every counter's queue now, keyed by counter id, with the estimated wait of each visitor.

    ``with_steps`` also loads the Step objects the consoles show (ticket, procedures, needs);
    routing, the congestion page and the status page use the figures only.
    """
    now = now or timezone.now()
    if counters is None:
        counters = list(Counter.objects.filter(active=True).select_related("site", "department"))
    figures = queue_figures(desks={c.pk: c.desks for c in counters}, now=now)
    steps_by_id: dict[int, Step] = {}
    active: dict[int, list[Step]] = {c.pk: [] for c in counters}
    if with_steps:
        steps = Step.objects.filter(
            counter__in=counters, status__in=[Step.Status.QUEUED, *Step.ACTIVE]
        ).select_related("visit").prefetch_related(
            Prefetch("procedures", queryset=Procedure.objects.only("code", "name_ja", "name_en", "name_easy")))
        steps_by_id = {step.pk: step for step in steps}
        for step in sorted(steps_by_id.values(), key=lambda s: (s.priority_at, s.pk)):
            if step.status != Step.Status.QUEUED:
                active[step.counter_id].append(step)
    queues = {}
    for counter in counters:
        figure = figures[counter.pk]
        queues[counter.pk] = CounterQueue(
            counter=counter, desks_open=figure.desks_open, active=active[counter.pk],
            serving_remaining=figure.serving_remaining, wait_for_new_arrival=figure.wait_for_new_arrival,
            waiting=[WaitingStep(steps_by_id.get(step_id), position, expected, wait, step_id)
                     for position, (step_id, expected, wait) in enumerate(figure.waiting, start=1)],
        )
    return queues


def expected_waits_by_code(counters, *, now: datetime | None = None) -> dict[str, float]:
    """Minutes a visitor joining each counter's queue at the back now would wait (routing's input): from the
    counter's kept tail where it is fresh (one query for all), else from the queue figured whole.

    ``counters``: Counter objects or catalog ``CounterInfo`` (anything with id/pk, code, desks).
    """
    now = now or timezone.now()
    ids = {getattr(c, "pk", None) or c.id: c for c in counters}
    tails = {tail.counter_id: tail for tail in QueueTail.objects.filter(counter_id__in=list(ids))}
    waits, stale = {}, {}
    for pk, counter in ids.items():
        tail = tails.get(pk)
        if tail_is_fresh(tail, counter.desks, now):
            waits[counter.code] = estimate.tail_wait(tail.desk_free_at, elapsed=minutes_since(tail.figured_at, now),
                                                     incoming_later=tail.incoming_later)
        else:
            stale[pk] = counter
    if stale:
        figures = queue_figures(desks={pk: c.desks for pk, c in stale.items()}, now=now)
        waits.update({c.code: figures[pk].wait_for_new_arrival for pk, c in stale.items()})
    return waits


# How long a counter's kept queue tail (``QueueTail``) is used before the queue is figured whole again: as
# long as the handling speeds it was figured with are cached.
QUEUE_TAIL_SECONDS = SPEED_CACHE_SECONDS


def minutes_since(then: datetime, now: datetime) -> float:
    return (now - then).total_seconds() / 60


def tail_is_fresh(tail: QueueTail | None, desks: int, now: datetime) -> bool:
    """Whether ``tail`` may be joined at ``now``: figured less than ``QUEUE_TAIL_SECONDS`` from it, with the
    counter's desk count it has now. Before it too: a registration takes its moment first, then the tail's lock,
    and another may have figured the tail in between (the wait told is then from the joiner's own moment)."""
    return (tail is not None and tail.desks == desks
            and abs(now - tail.figured_at) < timedelta(seconds=QUEUE_TAIL_SECONDS))


def joining_minutes(counter_id: int, codes: Iterable[str], *, now: datetime) -> float:
    """The expected minutes a visitor with ``codes`` joining ``counter_id``'s queue now holds a desk there (the
    handling learnt for that counter and hour, today's speed, the walk up): as ``queue_figures`` counts them."""
    learnt, factors, gaps = _handling_inputs(now)
    return (estimate.expected_handling_minutes(codes, learnt.minutes(counter_id, timezone.localtime(now).hour),
                                               factors) + gaps.get(counter_id, 0.0))


def minutes_display(minutes: float) -> int | None:
    """Whole minutes for people (rounded up); None when unknown (no desk open)."""
    if math.isinf(minutes):
        return None
    return math.ceil(minutes)


def status_path(visit: Visit) -> str:
    """The visitor's own status page (``/v/<token>/``): what the route sheet's QR code opens."""
    return reverse("reception:status", args=[visit.status_token])


def visit_by_id(visit_id, *, active_only: bool = False) -> Visit | None:
    pk = int_or_none(visit_id, low=1)
    if pk is None:
        return None
    visits = Visit.objects.select_related("site").filter(pk=pk)
    return (visits.filter(status=Visit.Status.ACTIVE) if active_only else visits).first()


def visit_procedures(visit: Visit) -> list[Procedure]:
    """Every procedure of the visit, once, in catalogue order."""
    return list(Procedure.objects.filter(steps__visit=visit).distinct().order_by("sort_order", "code"))


def visit_active_step(visit: Visit) -> Step | None:
    """The Step the visitor is called to or served at now, if any."""
    return visit.steps.filter(status__in=Step.ACTIVE).select_related("counter").first()


# Read on every poll of every visitor's phone: compiled once (core.prepared). No ORDER BY: the token is unique.
_VISIT_BY_TOKEN = PreparedQuery(lambda token: Visit.objects.select_related("site").filter(status_token=token)
                                .order_by(), token=str)


def visit_by_token(token: str) -> Visit | None:
    return _VISIT_BY_TOKEN.first(token=token)


@dataclass
class StepSummary:
    id: int
    counter: str
    counter_name: str
    floor: int
    counter_number: str
    status: str
    desk: int | None
    procedures: list[str] = field(default_factory=list)


@dataclass
class VisitSummary:
    """A visit and its Steps as the API answers them, read in one query."""

    id: int
    ticket_number: str
    status: str
    status_token: str
    site: str
    life_event: str = ""
    event_date: date | None = None
    steps: list[StepSummary] = field(default_factory=list)


def _summary_rows(steps: QuerySet[Step]) -> QuerySet:
    return steps.order_by("id").values_list(
        "id", "counter__code", "counter__name_ja", "counter__floor", "counter__number", "status", "desk",
        "procedures__code", "visit_id", "visit__ticket_number", "visit__status", "visit__status_token",
        "visit__site__code", "visit__life_event", "visit__event_date")


# Read by every completion (its routing and its answer): compiled once (core.prepared).
_SUMMARY_OF_VISIT = PreparedQuery(lambda pk: _summary_rows(Step.objects.filter(visit_id=pk)), pk=int)


def visit_summary(*, visit_id: int) -> VisitSummary | None:
    """The visit ``visit_id`` with its Steps in order, each with its procedure codes sorted: one query (a row per
    Step and procedure). None when there is no such visit."""
    rows = _SUMMARY_OF_VISIT.all(pk=visit_id)
    summary = None
    by_id: dict[int, StepSummary] = {}
    for (step_id, counter, counter_name, floor, number, status, desk, code, visit_id_, ticket, visit_status, token,
         site, life_event, event_date) in rows:
        if summary is None:
            summary = VisitSummary(visit_id_, ticket, visit_status, token, site, life_event, event_date)
        if step_id not in by_id:
            by_id[step_id] = StepSummary(step_id, counter, counter_name, floor, number, status, desk)
            summary.steps.append(by_id[step_id])
        if code is not None:
            by_id[step_id].procedures.append(code)
    for step in by_id.values():
        step.procedures.sort()
    return summary


def new_visit_summary(visit: Visit, site_code: str,
                      steps: Iterable[tuple[Step, CounterInfo, Iterable[str]]]) -> VisitSummary:
    """A visit just registered as the API answers it, from what registration wrote (the Steps with their
    counters and procedure codes as the catalogue's cached copy has them): no read after the write."""
    summary = VisitSummary(visit.pk, visit.ticket_number, visit.status, visit.status_token, site_code,
                           visit.life_event, visit.event_date)
    for step, counter, codes in steps:
        summary.steps.append(StepSummary(step.pk, counter.code, counter.name_ja, counter.floor, counter.number,
                                         step.status, step.desk, sorted(codes)))
    return summary


def visit_steps(visit: Visit) -> list[Step]:
    return list(
        visit.steps.select_related("counter", "counter__site", "counter__department")
        .prefetch_related("procedures")
        .order_by("id")
    )


def waiting_position(step: Step, *, now: datetime | None = None) -> WaitingStep | None:
    """Where a queued Step stands in its counter's queue, with its estimated wait."""
    if step.status != Step.Status.QUEUED:
        return None
    queue = queue_snapshot(counters=[step.counter], now=now, with_steps=False)[step.counter_id]
    return next((w for w in queue.waiting if w.step_id == step.pk), None)


def day_bounds(day) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def prerequisites_of(codes: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each procedure's prerequisite procedures, from the cached routing index registration uses
    (one source: the route sheet, the handoff and the printed forms agree)."""
    index = routing_index()
    return {code: index[code].prerequisites for code in codes if code in index}


def _route(visit: Visit, expected_wait: Mapping[str, float] | None, now: datetime | None) -> list[Step]:
    steps = visit_steps(visit)
    finished = sorted(
        (s for s in steps if s.status not in Step.OPEN), key=lambda s: s.completed_at or visit.arrived_at
    )
    current = [s for s in steps if s.status in (Step.Status.QUEUED, *Step.ACTIVE)]
    pending = [s for s in steps if s.status == Step.Status.PENDING]
    if pending:
        plain = [routing.PendingStep(s.pk, s.counter.code, frozenset(p.code for p in s.procedures.all()),
                                     last=s.counter.is_cashier) for s in pending]
        if expected_wait is None:
            expected_wait = expected_waits_by_code([s.counter for s in pending], now=now)
        order = routing.planned_order(plain, prerequisites_of({c for s in plain for c in s.procedures}), expected_wait)
        by_id = {s.pk: s for s in pending}
        pending = [by_id[p.step_id] for p in order]
    return [*finished, *current, *pending]


def planned_route(visit: Visit, *, now: datetime | None = None) -> list[Step]:
    """The Steps in the order the visitor will likely go: done ones first, as they happened, then the
    current one, then the pending ones as routing would choose them with today's queues."""
    return _route(visit, None, now)


def route_in_catalogue_order(visit: Visit) -> list[Step]:
    """The same route with the pending Steps ordered by prerequisites and counter alone, never by the
    live queues: what must not change from one minute to the next (the order of the printed forms)."""
    return _route(visit, {}, None)


# --- the visitor's own pages ------------------------------------------------------------------------


def status_notice_of(visit: Visit) -> StatusNotice | None:
    """The visitor's "your turn is coming" notice, if they asked for one."""
    return StatusNotice.objects.filter(visit=visit).first()


def visit_check_code(visit: Visit) -> str:
    """The confirmation code (確認コード) printed beside the ticket number."""
    return tickets.check_code(visit.status_token)


def visit_by_ticket(ticket_text: str, code_text: str, *, day) -> Visit | None:
    """Today's visit with this ticket number whose confirmation code is ``code_text``; None otherwise
    (a wrong code and an unknown ticket answer alike). The number alone never finds a visit."""
    parsed = tickets.parse_ticket_number(ticket_text)
    code = tickets.normalise_check_code(code_text)
    if parsed is None or len(code) != tickets.CHECK_CODE_DIGITS:
        return None
    prefix, number = parsed
    candidates = Visit.objects.filter(service_date=day, ticket_seq=number, ticket_number__startswith=f"{prefix}-")
    for visit in candidates.select_related("site"):
        if hmac.compare_digest(visit_check_code(visit), code):
            return visit
    return None


# The status poll's reads (every phone, every few seconds): compiled once (core.prepared).
_VERSION_STEPS = PreparedQuery(lambda visit_id: Step.objects.filter(visit_id=visit_id).order_by()
                               .values_list("id", "counter_id", "status"), visit_id=int)
_VERSION_LAST_EVENT = PreparedQuery(lambda counter_id: StepEvent.objects.filter(counter_id=counter_id)
                                    .order_by("-at", "-id").values_list("id", flat=True)[:1], counter_id=int)
_VERSION_CLOSED_DESKS = PreparedQuery(lambda counter_id: Desk.objects.filter(counter_id=counter_id, is_open=False)
                                      .order_by("number").values_list("number", flat=True), counter_id=int)


def status_version(visit: Visit, *, now: datetime | None = None) -> str:
    """What the visitor's status depends on, in a few indexed reads: the visit's Steps, the last event
    at the counter it waits at or is called to (anyone called, moved or arriving ahead), that counter's
    closed desks, and the minute (the estimate moves as service time passes). Equal versions show the
    same page, so the status page's poll answers 304 without computing the queue."""
    now = now or timezone.now()
    # Sorted here: the Steps' default ordering would join the visit to sort by it, on every poll.
    steps = sorted(_VERSION_STEPS.all(visit_id=visit.pk))
    current = next((s for s in steps if s[2] in (Step.Status.QUEUED, *Step.ACTIVE)), None)
    last_event, closed = 0, ""
    if current is not None:
        last_event = _VERSION_LAST_EVENT.first(counter_id=current[1]) or 0
        closed = ".".join(str(n) for n in _VERSION_CLOSED_DESKS.all(counter_id=current[1]))
    route = ";".join(f"{step_id}:{status}" for step_id, _counter, status in steps)
    minute = int(now.timestamp() // 60)
    return f"{visit.status}|{route}|{last_event}|{closed}|{minute}"
def suggestion_for(life_event: str) -> Suggestion:
    """What reception ticks for a life event, and what it asks about (the navigator's rules)."""
    return suggest(life_event, navigator_rulebook())

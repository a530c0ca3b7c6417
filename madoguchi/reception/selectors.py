"""Reads of the queues: who waits where, and how long they are likely to wait.

``queue_snapshot`` is the one place the wait estimate is assembled from the database, so the
status page, the congestion page and the console show the same figure.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from madoguchi.catalog.models import Counter, Procedure

from . import estimate
from .models import Desk, Step, Visit

RECENT_STEPS_FOR_FACTORS = 300
# The "recent" handling speed moves slowly; computing it once every few seconds per process is plenty
# and keeps registration and "call next" cheap when hundreds of visitors arrive at once.
SPEED_CACHE_SECONDS = 10


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


def _open_desks_by_counter(counters: list[Counter]) -> dict[int, int]:
    closed: dict[int, set[int]] = {}
    for desk in Desk.objects.filter(counter__in=counters, is_open=False):
        closed.setdefault(desk.counter_id, set()).add(desk.number)
    return {
        c.pk: sum(1 for n in range(1, c.desks + 1) if n not in closed.get(c.pk, set())) for c in counters
    }


def typical_minutes() -> dict[str, float]:
    return {code: float(m) for code, m in Procedure.objects.values_list("code", "handling_minutes")}


def handling_inputs(*, now: datetime) -> tuple[dict[str, float], dict[str, float]]:
    """(typical minutes, recent speed factors) per procedure, cached for a few seconds."""
    cached = cache.get("handling_inputs")
    if cached is None:
        typical = typical_minutes()
        cached = (typical, recent_speed_factors(now=now, typical=typical))
        cache.set("handling_inputs", cached, SPEED_CACHE_SECONDS)
    return cached


def recent_speed_factors(*, now: datetime, typical: dict[str, float]) -> dict[str, float]:
    """Each procedure's recent actual/typical handling ratio, from today's completed Steps."""
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    steps = (
        Step.objects.filter(status=Step.Status.DONE, completed_at__gte=since, started_at__isnull=False)
        .order_by("-completed_at")
        .prefetch_related(Prefetch("procedures", queryset=Procedure.objects.only("code")))[:RECENT_STEPS_FOR_FACTORS]
    )
    recent = []
    for step in steps:
        codes = [p.code for p in step.procedures.all()]
        recent.append((codes, sum(typical.get(c, 0.0) for c in codes),
                       (step.completed_at - step.started_at).total_seconds() / 60))
    return estimate.procedure_speed_factors(recent)


def queue_snapshot(
    *, counters: list[Counter] | None = None, now: datetime | None = None, with_steps: bool = True
) -> dict[int, CounterQueue]:
    """Every counter's queue now, keyed by counter id, with the estimated wait of each visitor.

    The figures come from two flat queries (Steps and their procedure codes); ``with_steps``
    also loads the Step objects the consoles show (ticket, procedures, needs). Routing, the
    congestion page and the status page use the figures only.
    """
    now = now or timezone.now()
    if counters is None:
        counters = list(Counter.objects.filter(active=True).select_related("site", "department"))
    typical, factors = handling_inputs(now=now)
    desks_open = _open_desks_by_counter(counters)
    queues = {c.pk: CounterQueue(counter=c, desks_open=desks_open[c.pk]) for c in counters}
    open_steps = Step.objects.filter(counter__in=counters, status__in=[Step.Status.QUEUED, *Step.ACTIVE])
    rows = list(open_steps.order_by("priority_at", "id").values_list(
        "id", "counter_id", "status", "called_at", "started_at"))
    codes: dict[int, list[str]] = {}
    for step_id, code in Step.procedures.through.objects.filter(step__in=open_steps).values_list(
        "step_id", "procedure__code"
    ):
        codes.setdefault(step_id, []).append(code)
    waiting_rows: dict[int, list[tuple[int, float]]] = {c.pk: [] for c in counters}
    for step_id, counter_id, status, called_at, started_at in rows:
        expected = estimate.expected_handling_minutes(codes.get(step_id, ()), typical, factors)
        if status == Step.Status.QUEUED:
            waiting_rows[counter_id].append((step_id, expected))
        else:
            elapsed = (now - (started_at or called_at or now)).total_seconds() / 60
            queues[counter_id].serving_remaining.append(
                estimate.remaining_minutes(expected_minutes=expected, elapsed_minutes=elapsed))
    steps_by_id: dict[int, Step] = {}
    if with_steps:
        steps = open_steps.select_related("visit").prefetch_related(
            Prefetch("procedures", queryset=Procedure.objects.only("code", "name_ja", "name_en", "name_easy")))
        steps_by_id = {step.pk: step for step in steps}
        for step in sorted(steps_by_id.values(), key=lambda s: (s.priority_at, s.pk)):
            if step.status != Step.Status.QUEUED:
                queues[step.counter_id].active.append(step)
    for counter_id, waiting in waiting_rows.items():
        queue = queues[counter_id]
        waits, queue.wait_for_new_arrival = estimate.queue_waits(
            expected=[e for _, e in waiting], serving_remaining=queue.serving_remaining, desks_open=queue.desks_open
        )
        for position, ((step_id, expected), wait) in enumerate(zip(waiting, waits, strict=True), start=1):
            queue.waiting.append(WaitingStep(steps_by_id.get(step_id), position, expected, wait, step_id))
    return queues


def expected_waits_by_code(counters: list[Counter], *, now: datetime | None = None) -> dict[str, float]:
    """Minutes a visitor joining each counter's queue now would wait (routing's input)."""
    snapshot = queue_snapshot(counters=counters, now=now, with_steps=False)
    return {q.counter.code: q.wait_for_new_arrival for q in snapshot.values()}


def visit_by_token(token: str) -> Visit | None:
    return Visit.objects.select_related("site").filter(status_token=token).first()


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

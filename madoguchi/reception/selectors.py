"""Reads of the queues: who waits where, and how long they are likely to wait.

``queue_snapshot`` is the one place the wait estimate is assembled from the database, so the
status page, the congestion page and the console show the same figure.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from madoguchi.catalog.models import Counter, Procedure

from . import estimate
from .models import Desk, Step, Visit

RECENT_STEPS_FOR_FACTORS = 300


@dataclass
class WaitingStep:
    step: Step
    position: int  # 1 = next to be called
    expected_minutes: float
    estimated_wait_minutes: float


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


def queue_snapshot(*, counters: list[Counter] | None = None, now: datetime | None = None) -> dict[int, CounterQueue]:
    """Every counter's queue now, keyed by counter id, with the estimated wait of each visitor."""
    now = now or timezone.now()
    if counters is None:
        counters = list(Counter.objects.filter(active=True).select_related("site", "department"))
    typical = typical_minutes()
    factors = recent_speed_factors(now=now, typical=typical)
    desks_open = _open_desks_by_counter(counters)
    queues = {c.pk: CounterQueue(counter=c, desks_open=desks_open[c.pk]) for c in counters}
    steps = (
        Step.objects.filter(counter__in=counters, status__in=[Step.Status.QUEUED, *Step.ACTIVE])
        .select_related("visit")
        .prefetch_related(Prefetch("procedures", queryset=Procedure.objects.only("code", "name_ja", "name_en",
                                                                                  "name_easy")))
        .order_by("priority_at", "id")
    )
    waiting_steps: dict[int, list[tuple[Step, float]]] = {c.pk: [] for c in counters}
    for step in steps:
        codes = [p.code for p in step.procedures.all()]
        expected = estimate.expected_handling_minutes(codes, typical, factors)
        queue = queues[step.counter_id]
        if step.status == Step.Status.QUEUED:
            waiting_steps[step.counter_id].append((step, expected))
        else:
            queue.active.append(step)
            since = step.started_at or step.called_at or now
            elapsed = (now - since).total_seconds() / 60
            queue.serving_remaining.append(estimate.remaining_minutes(expected_minutes=expected,
                                                                      elapsed_minutes=elapsed))
    for counter_id, waiting in waiting_steps.items():
        queue = queues[counter_id]
        ahead: list[float] = []
        for position, (step, expected) in enumerate(waiting, start=1):
            wait = estimate.estimate_wait_minutes(
                ahead=ahead, serving_remaining=queue.serving_remaining, desks_open=queue.desks_open
            )
            queue.waiting.append(WaitingStep(step, position, expected, wait))
            ahead.append(expected)
        queue.wait_for_new_arrival = estimate.estimate_wait_minutes(
            ahead=ahead, serving_remaining=queue.serving_remaining, desks_open=queue.desks_open
        )
    return queues


def expected_waits_by_code(counters: list[Counter], *, now: datetime | None = None) -> dict[str, float]:
    """Minutes a visitor joining each counter's queue now would wait (routing's input)."""
    return {q.counter.code: q.wait_for_new_arrival for q in queue_snapshot(counters=counters, now=now).values()}


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
    queue = queue_snapshot(counters=[step.counter], now=now)[step.counter_id]
    return next((w for w in queue.waiting if w.step.pk == step.pk), None)


def day_bounds(day) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)

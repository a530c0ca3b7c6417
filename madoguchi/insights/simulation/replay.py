"""Replay a recorded day: rebuild the queues from the step events and check the wait estimate against
what really happened at the counters. Pure (no Django): ``insights.selectors.recorded_day`` reads
the events into these plain records.

Every time a Step joined a queue (``queued``, or ``requeued`` after a first no-show), the queue is
rebuilt as it stood at that moment — who was waiting ahead in (priority, step id) order, who was
at a desk and since when — and the estimate the product would have shown is computed as the live
system computes it (``live``: typical minutes × speed factors from the steps done earlier that day,
remaining minutes of those at a desk, ``queue_waits``), beside the naive one (people ahead ÷ desks
× the counter's mean handling so far). Both are compared with the wait that followed (joined →
called). Joins never called (cancelled, still waiting at the end) have no actual wait and are left out.

Desks: opening and closing a desk is not an event, so the desks open at a moment are read from
the desks that called visitors around it (any call or service within ``window`` minutes either
side), at least one.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from . import live
from .stats import EstimatorError, estimator_error

DESK_WINDOW_MINUTES = 30.0


@dataclass(frozen=True)
class RecordedEvent:
    at: float  # minutes after the day's local midnight
    step_id: int
    visit_id: int
    counter: str
    kind: str  # a StepEvent kind: queued, called, recalled, serving, done, no_show, requeued, cancelled, moved
    desk: int | None = None


@dataclass(frozen=True)
class RecordedDay:
    label: str
    events: list[RecordedEvent]  # in the order they happened
    step_procedures: dict[int, tuple[str, ...]]
    visit_priority: dict[int, float]  # the visit's place in every queue (minutes after midnight)
    typical: dict[str, float]  # procedure → typical minutes (the catalogue)
    counter_typical: dict[str, float] = field(default_factory=dict)  # the naive estimate before any service


@dataclass
class ReplayJoin:
    step_id: int
    visit_id: int
    counter: str
    joined: float
    position: int
    desks_open: int
    estimate: float
    naive: float
    called: float | None = None

    @property
    def wait(self) -> float:
        return self.called - self.joined


@dataclass
class ReplayResult:
    label: str
    visits: int
    steps_done: int
    joins: list[ReplayJoin]
    error: EstimatorError
    by_counter: dict[str, EstimatorError]
    mean_handling: dict[str, float]
    arrivals_by_hour: dict[int, int]


@dataclass
class _Active:
    called: float
    started: float | None = None


@dataclass
class _Queue:
    keys: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    active: dict = field(default_factory=dict)
    handled_minutes: float = 0.0
    handled: int = 0

    def remove(self, step_id: int) -> bool:
        for index, waiting in enumerate(self.steps):
            if waiting == step_id:
                del self.keys[index], self.steps[index]
                return True
        return False


def _desk_intervals(events: list[RecordedEvent]) -> dict[str, list[tuple[float, float, int]]]:
    """(from, to, desk) of every call at each counter: called → done / no-show (or the call itself)."""
    open_calls: dict[int, tuple[float, str, int]] = {}
    intervals: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for event in events:
        if event.kind == "called" and event.desk is not None:
            open_calls[event.step_id] = (event.at, event.counter, event.desk)
        elif event.kind in ("done", "no_show", "cancelled") and event.step_id in open_calls:
            start, counter, desk = open_calls.pop(event.step_id)
            intervals[counter].append((start, event.at, desk))
    for start, counter, desk in open_calls.values():
        intervals[counter].append((start, start, desk))
    return intervals


def _desks_open(intervals: list[tuple[float, float, int]], minute: float, window: float) -> int:
    desks = {desk for start, end, desk in intervals if start <= minute + window and end >= minute - window}
    return max(1, len(desks))


def replay_day(day: RecordedDay, *, window: float = DESK_WINDOW_MINUTES) -> ReplayResult:
    queues: dict[str, _Queue] = defaultdict(_Queue)
    where: dict[int, str] = {}  # step → the counter whose queue or desk holds it now
    open_joins: dict[int, ReplayJoin] = {}
    joins: list[ReplayJoin] = []
    speed = live.SpeedFactors()
    intervals = _desk_intervals(day.events)
    arrivals: dict[int, float] = {}
    done = 0

    def expected(step_id: int, factors: dict[str, float]) -> float:
        return live.expected_minutes(day.step_procedures.get(step_id, ()), day.typical, factors)

    def join(event: RecordedEvent, priority: float) -> None:
        queue = queues[event.counter]
        queue.remove(event.step_id)
        key = (priority, event.step_id)
        position = bisect.bisect(queue.keys, key)
        queue.keys.insert(position, key)
        queue.steps.insert(position, event.step_id)
        where[event.step_id] = event.counter
        now = event.at
        factors = speed.current(now)
        desks = _desks_open(intervals.get(event.counter, []), now, window)
        serving = [live.serving_remaining(expected(step_id, factors),
                                          now - (a.started if a.started is not None else a.called))
                   for step_id, a in queue.active.items()]
        waits, _back = live.queue_estimates([expected(s, factors) for s in queue.steps], serving, desks)
        mean_handling = (queue.handled_minutes / queue.handled if queue.handled
                         else day.counter_typical.get(event.counter, expected(event.step_id, {})))
        record = ReplayJoin(event.step_id, event.visit_id, event.counter, now, position, desks, waits[position],
                            live.naive_estimate(position, desks, mean_handling))
        open_joins[event.step_id] = record
        joins.append(record)

    for event in day.events:
        kind = event.kind
        queue = queues[event.counter]
        if kind == "queued":
            arrivals.setdefault(event.visit_id, event.at)
            join(event, day.visit_priority.get(event.visit_id, event.at))
        elif kind == "requeued":
            join(event, event.at)
        elif kind == "called":
            queues[where.get(event.step_id, event.counter)].remove(event.step_id)
            queue.active[event.step_id] = _Active(event.at)
            where[event.step_id] = event.counter
            record = open_joins.pop(event.step_id, None)
            if record is not None:
                record.called = event.at
        elif kind == "serving":
            active = queue.active.get(event.step_id)
            if active is not None:
                active.started = event.at
        elif kind == "done":
            active = queue.active.pop(event.step_id, None)
            if active is not None:
                handled = event.at - (active.started if active.started is not None else active.called)
                queue.handled_minutes += handled
                queue.handled += 1
                codes = day.step_procedures.get(event.step_id, ())
                speed.record(codes, sum(day.typical.get(c, 0.0) for c in codes), handled)
                done += 1
        elif kind == "no_show":
            queue.active.pop(event.step_id, None)
        elif kind == "cancelled":
            queues[where.get(event.step_id, event.counter)].remove(event.step_id)
            queue.active.pop(event.step_id, None)
            open_joins.pop(event.step_id, None)
        elif kind == "moved":
            # The Step keeps its place (priority) and moves to the other counter's queue.
            previous = where.get(event.step_id)
            if previous is not None and previous != event.counter:
                old = queues[previous]
                if event.step_id in old.steps:
                    key = old.keys[old.steps.index(event.step_id)]
                    old.remove(event.step_id)
                    position = bisect.bisect(queue.keys, key)
                    queue.keys.insert(position, key)
                    queue.steps.insert(position, event.step_id)
                    where[event.step_id] = event.counter

    called = [j for j in joins if j.called is not None]
    by_counter: dict[str, list[ReplayJoin]] = defaultdict(list)
    for record in called:
        by_counter[record.counter].append(record)
    hours: dict[int, int] = defaultdict(int)
    for minute in arrivals.values():
        hours[int(minute // 60)] += 1
    return ReplayResult(
        label=day.label, visits=len(arrivals), steps_done=done, joins=called, error=estimator_error(called),
        by_counter={counter: estimator_error(rows) for counter, rows in sorted(by_counter.items())},
        mean_handling={counter: q.handled_minutes / q.handled for counter, q in queues.items() if q.handled},
        arrivals_by_hour=dict(sorted(hours.items())),
    )


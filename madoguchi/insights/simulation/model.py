"""The office as a SimPy discrete-event model that drives the product's own routing and wait estimate.

Pure (no Django). The decisions are the live system's functions, called through their modules
(``routing.choose_next_step``, ``estimate.queue_waits`` …), never copies:

* registration splits a visit's procedures over counters with ``routing.assign_counters``
  (see ``inputs.Office.counter_plan``);
* each counter's open desks call the first waiting Step in (priority, step id) order, as
  ``reception.services.step_call_next`` does;
* the three policies differ only in a Step's priority and in how the next counter is chosen:

  (a) no handoff: a visitor joins each counter's queue at the back (priority = the moment they
      join), counters in the fixed order of (b);
  (b) handoff (窓口連携, Itabashi's system): priority = the visit's arrival at every counter; the
      route fixed at reception — prerequisites first, then catalogue order — which is
      ``routing.planned_order`` with each counter's catalogue position in place of a wait;
  (c) ours: (b)'s priority, and the next counter chosen live when each Step completes by
      ``routing.choose_next_step`` with the expected waits the live system feeds it
      (``reception.selectors.expected_waits_by_code``: the wait of a visitor joining each queue now).

* every time a visitor joins a queue, the wait the product would show them is computed the way
  ``reception.selectors.queue_figures`` does (``expected_handling_minutes`` with
  ``procedure_speed_factors`` over the last steps done in the run, ``remaining_minutes`` of those
  at a desk, ``queue_waits`` over the queue in call order), beside the naive estimate
  (``naive_wait_minutes``: people ahead ÷ open desks × the counter's mean handling so far), and
  both are compared with the wait that then really happened (joined → called).

Walking: a Step is queued the moment the previous one completes (as ``step_complete`` does) and
the visitor then walks there; a desk that calls them before they arrive waits for them.
"""

import bisect
import heapq
import math
import time
from collections import deque
from dataclasses import dataclass, field

import simpy

from madoguchi.reception import routing

from . import live
from .demand import PlannedStep, PlannedVisit
from .inputs import RECEPTION_FLOOR, Office, Profile, staffing_of

POLICIES = ("a", "b", "c")


@dataclass
class StepRecord:
    """One Step as it happened in a run, with the estimates made when the visitor joined the queue."""

    step_id: int
    visit_id: int
    counter: str
    procedures: tuple[str, ...]
    joined: float
    called: float
    started: float
    done: float
    position: int  # visitors ahead when joining (0 = next)
    desks_open: int
    estimate: float  # the product's estimate of the wait, made on joining
    naive: float  # the naive estimate, made on joining
    desk: int | None = None  # the desk (1, 2 …) that called the visitor
    oracle: float = math.nan  # the oracle bound's estimate (exact handling, who is handed in and when)

    @property
    def wait(self) -> float:
        return self.called - self.joined


@dataclass
class VisitRecord:
    visit_id: int
    arrival: float
    departure: float
    procedures: tuple[str, ...]
    route: tuple[str, ...]  # counters in the order visited
    wait: float  # the sum of its Steps' waits (joined → called)
    prefilled: bool

    @property
    def stay(self) -> float:
        return self.departure - self.arrival

    @property
    def multi_procedure(self) -> bool:
        return len(self.procedures) > 1


@dataclass
class PolicyRun:
    policy: str
    visits: list[VisitRecord]
    steps: list[StepRecord]
    busy_minutes: dict[str, float]  # desk time held by visitors (called → done) within opening hours
    staffed_minutes: dict[str, float]  # desk time staffed within opening hours
    last_done: dict[str, float]  # when each counter finished its last visitor (after closing: overtime)
    wall_seconds: float
    unfinished: int = 0  # visits still inside when the model ran out of events (must be 0)
    desk_moves: int = 0  # desks moved between counters in the day (policy (d): accepted on the staffing page)


class _Step:
    __slots__ = ("ahead", "called", "desk", "desks_open", "done", "estimate", "expected", "expected_version", "joined",
                 "key", "naive", "next_step", "plan", "position", "ready", "serving", "started", "visit")

    def __init__(self, plan: PlannedStep, visit: "_Visit"):
        self.plan = plan
        self.visit = visit
        self.expected_version = -1
        self.expected = 0.0
        self.called = self.started = self.done = self.desk = None
        self.next_step: _Step | None = None  # the visit's Step expected after this one (its counter sees it coming)
        self.ahead: list[_Step] = []  # on joining: those ahead in the queue, and those at a desk (the oracle's view)
        self.serving: list[_Step] = []


class _Visit:
    __slots__ = ("departure", "pending", "plan", "prerequisites", "route", "served")

    def __init__(self, plan: PlannedVisit, office: Office):
        self.plan = plan
        self.pending = {s.step_id: _Step(s, self) for s in plan.steps}
        self.prerequisites = office.prerequisites(plan.procedures)
        self.route: list[int] = []
        self.served: list[_Step] = []
        self.departure = None

    def pending_plain(self) -> list[routing.PendingStep]:
        return [routing.PendingStep(s.plan.step_id, s.plan.counter, frozenset(s.plan.procedures))
                for s in self.pending.values()]


@dataclass
class _Counter:
    code: str
    floor: int
    wake: simpy.Event
    fallback_mean: float
    keys: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    active: dict = field(default_factory=dict)
    incoming: dict = field(default_factory=dict)  # step id → a Step elsewhere whose visit comes here next
    gaps: deque = field(default_factory=lambda: deque(maxlen=live.RECENT_STEPS_FOR_GAP))  # recent called → started
    handled_minutes: float = 0.0
    handled: int = 0
    busy: float = 0.0
    last_done: float = 0.0

    def gap(self) -> float:
        return live.call_to_start(self.gaps)

    def mean_handling(self) -> float:
        return self.handled_minutes / self.handled if self.handled else self.fallback_mean


class _Run:
    def __init__(self, office: Office, profile: Profile, visits: list[PlannedVisit], policy: str):
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r} (known: {', '.join(POLICIES)})")
        self.office, self.profile, self.plans, self.policy = office, profile, visits, policy
        self.env = simpy.Environment(initial_time=profile.opens_minute)
        self.staffing = staffing_of(profile, office)
        self.typical = office.typical_minutes
        self.catalogue_order = {code: float(spec.rank) for code, spec in office.counters.items()}
        self.speed = live.SpeedFactors()
        self.counters = {}
        for code, spec in office.counters.items():
            served = [p.typical_minutes for p in office.procedures.values() if code in p.counters]
            self.counters[code] = _Counter(code, spec.floor, self.env.event(),
                                           sum(served) / len(served) if served else 1.0)
        self.visits: list[_Visit] = []

    def desks_open(self, code: str, now: float) -> int:
        return self.staffing.desks(code, now)

    # --- the live system's figures ------------------------------------------------------------

    def expected(self, step: _Step, now: float) -> float:
        factors = self.speed.current(now)
        if step.expected_version != self.speed.version:
            step.expected = live.expected_minutes(step.plan.procedures, self.typical, factors)
            step.expected_version = self.speed.version
        return step.expected

    def figures(self, counter: _Counter, now: float) -> tuple[list[float], float, int]:
        """(wait of each visitor waiting, wait of one more joining at the back, desks open) —
        ``reception.selectors.queue_figures`` for one counter of the model."""
        desks = self.desks_open(counter.code, now)
        expected = self.waiting_expected(counter, now)
        serving = [self.serving_remaining(step, now) for step in counter.active.values()]
        incoming = [] if self.policy == "a" else [self.incoming_here(step, now) for step in counter.incoming.values()]
        waits, back = live.queue_estimates(expected, serving, desks, counter.keys, incoming)
        return waits, back, desks

    def waiting_expected(self, counter: _Counter, now: float) -> list[float]:
        """The expected minutes of each visitor waiting at ``counter``, the call-to-start gap included."""
        gap = counter.gap()
        return [self.expected(step, now) + gap for step in counter.waiting]

    def serving_remaining(self, step: _Step, now: float) -> float:
        """The expected minutes left of ``step``, called to a desk (walking there or at it)."""
        return live.serving_remaining(self.expected(step, now),
                                      now - (step.started if step.started <= now else step.called))

    def incoming_here(self, step: _Step, now: float) -> tuple[tuple[float, int], float, float]:
        """(priority key, minutes until queued here, expected minutes here) of a visitor at another
        counter whose next Step is here: queued here when their Step there completes — after the
        rest of their handling if at a desk, after the wait they were shown and their handling if
        still waiting."""
        if step.called is not None:
            arrives = self.serving_remaining(step, now)
        else:
            arrives = max(0.0, step.joined + step.estimate - now) + self.expected(step, now)
        following = step.next_step
        visit = step.visit.plan
        return ((visit.arrival - visit.priority_advance, following.plan.step_id), arrives,
                self.expected(following, now) + self.counters[following.plan.counter].gap())

    # --- visitors ------------------------------------------------------------------------------

    def walk_minutes(self, from_floor: int, to_floor: int) -> float:
        return self.profile.walk.base_minutes + self.profile.walk.per_floor_minutes * abs(to_floor - from_floor)

    def register(self, plan: PlannedVisit) -> None:
        visit = _Visit(plan, self.office)
        self.visits.append(visit)
        if self.policy != "c":
            order = routing.planned_order(visit.pending_plain(), visit.prerequisites, self.catalogue_order)
            visit.route = [step.step_id for step in order]
        self.queue_next(visit, RECEPTION_FLOOR)

    def queue_next(self, visit: _Visit, from_floor: int) -> None:
        now = self.env.now
        if not visit.pending:
            visit.departure = now
            return
        waits = None
        if self.policy == "c":
            waits = {s.plan.counter: self.figures(self.counters[s.plan.counter], now)[1]
                     for s in visit.pending.values()}
            chosen = routing.choose_next_step(visit.pending_plain(), visit.prerequisites, waits).step_id
        else:
            chosen = visit.route[len(visit.served)]
        step = visit.pending.pop(chosen)
        # The Step expected after this one, as routing sees it now: its counter counts this visitor as coming.
        if visit.pending:
            if waits is not None:
                following = routing.choose_next_step(visit.pending_plain(), visit.prerequisites, waits).step_id
            else:
                following = visit.route[len(visit.served) + 1]
            step.next_step = visit.pending[following]
            self.counters[step.next_step.plan.counter].incoming[step.plan.step_id] = step
        self.join(step, now, from_floor)

    def join(self, step: _Step, now: float, from_floor: int) -> None:
        counter = self.counters[step.plan.counter]
        visit = step.visit.plan
        since = now if self.policy == "a" else visit.arrival
        step.key = (since - visit.priority_advance, step.plan.step_id)
        position = bisect.bisect(counter.keys, step.key)
        counter.keys.insert(position, step.key)
        counter.waiting.insert(position, step)
        step.joined = now
        step.ready = now + self.walk_minutes(from_floor, counter.floor)
        waits, _back, desks = self.figures(counter, now)
        step.position, step.desks_open, step.estimate = position, desks, waits[position]
        step.ahead, step.serving = counter.waiting[:position], list(counter.active.values())
        step.naive = live.naive_estimate(position, desks, counter.mean_handling())
        if not counter.wake.triggered:
            counter.wake.succeed()
        counter.wake = self.env.event()

    # --- processes -----------------------------------------------------------------------------

    def arrivals(self):
        for plan in self.plans:
            if plan.arrival > self.env.now:
                yield self.env.timeout(plan.arrival - self.env.now)
            self.register(plan)

    def desk(self, counter: _Counter, index: int):
        """Desk ``index`` of ``counter`` (0-based): open while the hour's staffing reaches it."""
        env, staffing = self.env, self.staffing
        changes = staffing.changes(counter.code)
        while True:
            now = env.now
            if index >= staffing.desks(counter.code, now):
                reopen = next((t for t in changes if t > now and index < staffing.desks(counter.code, t)), None)
                if reopen is None:
                    return
                yield env.timeout(reopen - now)
                continue
            if not counter.waiting:
                change = next((t for t in changes if t > now), None)
                yield counter.wake if change is None else counter.wake | env.timeout(change - now)
                continue
            yield from self.serve_next(counter, index)

    def serve_next(self, counter: _Counter, index: int):
        """Desk ``index`` calls the first visitor waiting at ``counter`` and serves them."""
        now = self.env.now
        counter.keys.pop(0)
        step = counter.waiting.pop(0)
        step.called = now
        step.desk = index + 1
        step.started = max(now, step.ready)
        counter.active[step.plan.step_id] = step
        yield self.env.timeout(step.started - now + step.plan.handling_minutes)
        self.complete(counter, step)

    def complete(self, counter: _Counter, step: _Step) -> None:
        now = self.env.now
        step.done = now
        del counter.active[step.plan.step_id]
        if step.next_step is not None:
            del self.counters[step.next_step.plan.counter].incoming[step.plan.step_id]
        handled = now - step.started
        counter.gaps.append(step.started - step.called)
        counter.busy += max(0.0, min(now, self.profile.closes_minute) - step.called)
        counter.handled_minutes += handled
        counter.handled += 1
        counter.last_done = max(counter.last_done, now)
        self.speed.record(step.plan.procedures, step.plan.typical_minutes, handled)
        step.visit.served.append(step)
        self.queue_next(step.visit, counter.floor)

    # --- the run -------------------------------------------------------------------------------

    def start(self) -> None:
        """The day's processes: the arrivals and every desk that may open."""
        self.env.process(self.arrivals())
        self.start_desks()

    def start_desks(self) -> None:
        for counter in self.counters.values():
            for index in range(max(self.staffing.most(counter.code), self.staffing.desks(counter.code, math.inf))):
                self.env.process(self.desk(counter, index))

    def staffed_minutes(self, code: str) -> float:
        return self.staffing.staffed_minutes(code)

    def run(self) -> PolicyRun:
        started = time.perf_counter()
        self.start()
        self.env.run()
        wall = time.perf_counter() - started
        oracle = oracle_waits(self.visits)
        visits, steps = [], []
        for visit in self.visits:
            if visit.departure is None:
                continue
            for step in visit.served:
                steps.append(StepRecord(
                    step.plan.step_id, visit.plan.visit_id, step.plan.counter, step.plan.procedures, step.joined,
                    step.called, step.started, step.done, step.position, step.desks_open, step.estimate,
                    step.naive, step.desk, oracle.get(step.plan.step_id, math.nan)))
            visits.append(VisitRecord(
                visit.plan.visit_id, visit.plan.arrival, visit.departure,
                tuple(code for s in visit.served for code in s.plan.procedures),
                tuple(s.plan.counter for s in visit.served), sum(s.called - s.joined for s in visit.served),
                visit.plan.prefilled))
        return PolicyRun(
            policy=self.policy, visits=visits, steps=steps,
            busy_minutes={code: c.busy for code, c in self.counters.items()},
            staffed_minutes={code: self.staffed_minutes(code) for code in self.counters},
            last_done={code: c.last_done for code, c in self.counters.items() if c.handled},
            wall_seconds=wall, unfinished=len(self.plans) - len(visits),
        )


def run_policy(office: Office, profile: Profile, visits: list[PlannedVisit], policy: str) -> PolicyRun:
    """One day of ``visits`` under ``policy`` ('a', 'b' or 'c')."""
    return _Run(office, profile, visits, policy).run()


def oracle_waits(visits: list[_Visit]) -> dict[int, float]:
    """The oracle bound of every served Step (step id → minutes): the estimate made on joining by one who
    knows the exact handling time of everyone ahead and at a desk, and exactly who will be handed in
    ahead and when (visitors already in the building, joining later with an earlier priority) — but not
    the walk-ins still to come, nor desks opening or closing later. The limit of any estimator."""
    by_counter: dict[str, list[_Step]] = {}
    for visit in visits:
        for step in visit.served:
            by_counter.setdefault(step.plan.counter, []).append(step)
    result = {}
    for steps in by_counter.values():
        steps.sort(key=lambda s: s.joined)
        joined = [s.joined for s in steps]
        for step in steps:
            if step.desks_open <= 0:
                continue
            now = step.joined
            later = steps[bisect.bisect_right(joined, now):bisect.bisect_right(joined, step.called + 1e-9)]
            incoming = [s for s in later if s.key < step.key and s.visit.plan.arrival <= now]
            result[step.plan.step_id] = oracle_wait(step, incoming)
    return result


def oracle_wait(step: _Step, incoming: list[_Step]) -> float:
    """List scheduling with exact times: each freed desk calls the first in priority order among those
    queued by then; a desk that calls a visitor still walking waits for them (as the model's desks do)."""
    now, desks = step.joined, step.desks_open
    busy = sorted(max(0.0, s.started + s.plan.handling_minutes - now) for s in step.serving)
    free_at = busy[:desks] + [0.0] * max(0, desks - len(busy))
    heapq.heapify(free_at)
    for minutes in busy[desks:]:
        heapq.heappush(free_at, heapq.heappop(free_at) + minutes)
    queued = [(s.key, s) for s in step.ahead]
    heapq.heapify(queued)
    arrivals = sorted(incoming, key=lambda s: s.joined)
    taken = 0
    while True:
        start = heapq.heappop(free_at)
        while taken < len(arrivals) and arrivals[taken].joined - now <= start:
            heapq.heappush(queued, (arrivals[taken].key, arrivals[taken]))
            taken += 1
        if not queued or queued[0][0] > step.key:
            return start
        other = heapq.heappop(queued)[1]
        heapq.heappush(free_at, start + max(0.0, other.ready - now - start) + other.plan.handling_minutes)

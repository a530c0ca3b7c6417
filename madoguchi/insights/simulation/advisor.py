"""The staffing advisor (issue 18): desks per counter per hour for a day, at the same staff-hours.

Pure (no Django). The search uses queueing approximations; the simulator confirms the plan (policy
(d) = (c) with the advised desks, on the very same visitors).

* Load. From the day's profile (a forecast turned into a profile, or a profile as it is): in each
  clock hour, the visits expected × each kind's share; a kind's visit needs each counter of its
  ``counter_plan`` once, for the catalogue's minutes of its procedures there (less the pre-fill
  saving for the share that pre-fills). Every counter of a visit is counted in the hour the visit
  arrives — handoffs later in the visit are not shifted (a simplification the simulator then checks).
* Who may move. A desk moves only between the counters of one section (``CounterSpec.department``):
  the staff of 戸籍住民課 work its moving, certificate and family-register counters, an insurance
  clerk does not issue certificates. Each section keeps, in every hour, the desks it had in that hour —
  so the staff-hours are the same and the lunch rotation (fewer desks at 12:00) is kept.
* The search, per hour and section: first every counter gets the fewest desks that keep its queue
  stable (load below one) and, if the section has enough, its p90 wait under the target; every further
  desk goes where it cuts the most waiting (λ × Wq, Allen–Cunneen). A section that cannot be stable
  with its desks keeps them as they were.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from madoguchi.reception import estimate

from .inputs import Office, Profile, staffing_of
from .model import PolicyRun, run_policy
from .queueing import allen_cunneen_mean_wait, erlang_c


@dataclass(frozen=True)
class CounterHour:
    arrivals_per_minute: float
    mean_handling: float  # minutes


@dataclass(frozen=True)
class Move:
    hour: int
    from_counter: str
    to_counter: str
    desks: int


@dataclass(frozen=True)
class Plan:
    desks: dict[str, dict[int, int]]  # counter → hour → desks (opening hours)
    current: dict[str, dict[int, int]]
    moves: list[Move]
    p90_target: float

    @property
    def staff_hours(self) -> float:
        return sum(sum(hours.values()) for hours in self.desks.values())

    @property
    def current_staff_hours(self) -> float:
        return sum(sum(hours.values()) for hours in self.current.values())

    def profile(self, profile: Profile) -> Profile:
        """``profile`` staffed by the plan (every other figure unchanged)."""
        staffing = {counter: {**{"all": hours[max(hours)]}, **hours} for counter, hours in self.desks.items()}
        return profile.model_validate({**profile.model_dump(), "staffing": staffing})


def opening_hours(profile: Profile) -> list[int]:
    return list(range(int(profile.opens_minute // 60), int((profile.closes_minute - 1e-6) // 60) + 1))


def counter_load(office: Office, profile: Profile) -> dict[str, dict[int, CounterHour]]:
    """Arrivals per minute and mean handling at each counter in each opening hour."""
    total_weight = sum(kind.weight for kind in profile.visit_mix)
    per_visit: dict[str, list[tuple[float, float]]] = defaultdict(list)  # counter → (share, minutes)
    for kind in profile.visit_mix:
        for counter, codes in office.counter_plan(kind.procedures).items():
            minutes = 0.0
            for code in codes:
                procedure = office.procedures[code]
                saving = profile.prefill.share * profile.prefill.saving if procedure.prefillable else 0.0
                minutes += procedure.typical_minutes * (1 - saving)
            per_visit[counter].append((kind.weight / total_weight, minutes))
    load: dict[str, dict[int, CounterHour]] = {}
    for hour in opening_hours(profile):
        start, end = max(hour * 60.0, profile.opens_minute), min((hour + 1) * 60.0, profile.closes_minute)
        rate = profile.arrivals_per_hour.get(hour, 0.0) / (end - start) if end > start else 0.0
        for counter, rows in per_visit.items():
            share = sum(s for s, _ in rows)
            mean = sum(s * m for s, m in rows) / share if share else 0.0
            load.setdefault(counter, {})[hour] = CounterHour(rate * share, mean)
    return load


def mean_wait(load: CounterHour, desks: int, cv: float) -> float:
    if load.arrivals_per_minute <= 0:
        return 0.0
    if desks <= 0 or load.arrivals_per_minute * load.mean_handling >= desks:
        return math.inf
    return allen_cunneen_mean_wait(load.arrivals_per_minute, load.mean_handling, desks, cv)


def p90_wait(load: CounterHour, desks: int, cv: float) -> float:
    """M/M/c's 90th percentile of the wait (P(W > t) = C e^{−(cμ−λ)t}), scaled like Allen–Cunneen's mean."""
    if load.arrivals_per_minute <= 0:
        return 0.0
    if desks <= 0 or load.arrivals_per_minute * load.mean_handling >= desks:
        return math.inf
    service = 1 / load.mean_handling
    waiting = erlang_c(load.arrivals_per_minute, service, desks)
    if waiting <= 0.1:
        return 0.0
    return math.log(waiting / 0.1) / (desks * service - load.arrivals_per_minute) * (1 + cv * cv) / 2


def waiting_saved(load: CounterHour, desks: int, cv: float) -> float:
    """Minutes of waiting saved per minute by one more desk (λ × the drop in the mean wait)."""
    return load.arrivals_per_minute * (mean_wait(load, desks, cv) - mean_wait(load, desks + 1, cv))


def counter_waiting(load: dict[int, CounterHour], desks: dict[int, int], hours: list[int], cv: float,
                    p90_target: float) -> float:
    """Waiting of one counter over the day (visitor-minutes), with a penalty for hours over the target.

    A fluid backlog carries over from hour to hour (work arriving beyond what the desks can do waits
    for the next hour: the peak morning's queue), and within an hour whose desks keep up, the queue's
    own stochastic wait (Allen–Cunneen) is added. Each visitor-minute beyond the p90 target counts ten
    times.
    """
    backlog = 0.0  # desk-minutes of work waiting
    total = 0.0
    for hour in hours:
        here = load.get(hour) or CounterHour(0.0, 1.0)
        c = desks.get(hour, 0)
        arriving = here.arrivals_per_minute * 60 * here.mean_handling
        capacity = c * 60.0
        end = max(0.0, backlog + arriving - capacity)
        arrivals = here.arrivals_per_minute * 60
        if c <= 0:
            queue_wait = math.inf if arrivals > 0 or backlog > 0 else 0.0
        else:
            stochastic = mean_wait(here, c, cv)
            queue_wait = (backlog + end) / 2 / c + (0.0 if math.isinf(stochastic) else stochastic)
        if math.isinf(queue_wait):
            return math.inf
        total += arrivals * queue_wait + 10 * arrivals * max(0.0, queue_wait * 2.3 - p90_target)
        backlog = end
    return total


def advise(office: Office, profile: Profile, *, p90_target: float = 60.0, rounds: int = 200) -> Plan:
    """Desks per counter and hour at the profile's staff-hours (see the module's docstring): local search
    over one-desk moves between a section's counters within an hour, while one cuts the day's waiting."""
    staffing = staffing_of(profile, office)
    hours = opening_hours(profile)
    current = {code: {h: staffing.desks_by_hour[code][h] for h in hours} for code in office.counters}
    load = counter_load(office, profile)
    cv = profile.handling.cv
    sections: dict[str, list[str]] = defaultdict(list)
    for code, spec in office.counters.items():
        sections[spec.department or code].append(code)
    plan = {code: dict(row) for code, row in current.items()}
    cost = {c: counter_waiting(load.get(c, {}), plan[c], hours, cv, p90_target) for c in office.counters}
    for _round in range(rounds):
        best = None
        for members in sections.values():
            if len(members) < 2:
                continue
            for hour in hours:
                for giver in members:
                    if plan[giver][hour] <= (1 if current[giver][hour] > 0 else 0):
                        continue  # a staffed counter keeps one desk open
                    for taker in members:
                        if taker == giver:
                            continue
                        given = {**plan[giver], hour: plan[giver][hour] - 1}
                        taken = {**plan[taker], hour: plan[taker][hour] + 1}
                        new_giver = counter_waiting(load.get(giver, {}), given, hours, cv, p90_target)
                        new_taker = counter_waiting(load.get(taker, {}), taken, hours, cv, p90_target)
                        change = new_giver + new_taker - cost[giver] - cost[taker]
                        if not math.isnan(change) and change < -1e-6 and (best is None or change < best[0]):
                            best = (change, hour, giver, taker, given, taken, new_giver, new_taker)
        if best is None:
            break
        _change, _hour, giver, taker, given, taken, new_giver, new_taker = best
        plan[giver], plan[taker] = given, taken
        cost[giver], cost[taker] = new_giver, new_taker
    moves = []
    for hour in hours:
        for members in sections.values():
            gives = [(c, current[c][hour] - plan[c][hour]) for c in members if current[c][hour] > plan[c][hour]]
            takes = [(c, plan[c][hour] - current[c][hour]) for c in members if plan[c][hour] > current[c][hour]]
            while gives and takes:
                (giver, g), (taker, t) = gives[0], takes[0]
                moved = min(g, t)
                moves.append(Move(hour, giver, taker, moved))
                gives[0], takes[0] = (giver, g - moved), (taker, t - moved)
                if gives[0][1] == 0:
                    gives.pop(0)
                if takes[0][1] == 0:
                    takes.pop(0)
    return Plan(plan, current, moves, p90_target)


def advised_run(office: Office, profile: Profile, plan: Plan, visits) -> PolicyRun:
    """Policy (d): (c)'s live routing and estimate with the plan's desks, on the same visitors."""
    return run_policy(office, plan.profile(profile), visits, "c")


# --- live: one desk to move now (the supervisor's page) ------------------------------------------


@dataclass(frozen=True)
class LiveQueue:
    code: str
    section: object  # counters of one section (and site) share staff
    desks_open: int
    desks: int  # desks the counter has (a closed one can be opened)
    expected: tuple[float, ...]  # expected minutes of each visitor waiting, in call order
    serving_remaining: tuple[float, ...]


@dataclass(frozen=True)
class Suggestion:
    from_counter: str
    to_counter: str
    before: tuple[float, float]  # (wait at the giving counter, at the taking counter) for one more joining now
    after: tuple[float, float]


def _back_wait(queue: LiveQueue, desks: int) -> float:
    return estimate.queue_waits(expected=list(queue.expected), serving_remaining=list(queue.serving_remaining),
                                desks_open=desks)[1]


def suggest_move(queues: list[LiveQueue], *, target: float) -> Suggestion | None:
    """The one desk move within a section that most shortens the longest wait there, if that wait is
    above ``target`` minutes and the giving counter keeps at least one desk and stays under the target."""
    best = None
    for taker in queues:
        if taker.desks_open >= taker.desks:
            continue
        before_taker = _back_wait(taker, taker.desks_open)
        if before_taker <= target:
            continue
        after_taker = _back_wait(taker, taker.desks_open + 1)
        for giver in queues:
            if giver.code == taker.code or giver.section != taker.section or giver.desks_open < 2:
                continue
            before_giver = _back_wait(giver, giver.desks_open)
            after_giver = _back_wait(giver, giver.desks_open - 1)
            if after_giver > target or max(after_giver, after_taker) >= before_taker:
                continue
            gain = before_taker - max(after_giver, after_taker)
            if best is None or gain > best[0]:
                best = (gain, Suggestion(giver.code, taker.code, (before_giver, before_taker),
                                         (after_giver, after_taker)))
    return best[1] if best else None

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
* The search: greedy one-desk moves between a section's counters in any hour, the best first, while one
  lowers the day's cost (``counter_cost``: visitors × squared wait, and the p90 beyond the target, hour
  by hour with the backlog carried over — ``counter_hours``). The weights were chosen on seeds 6–10 of
  the peak day, never on the bench's seeds 1–5.
* Why the plan cannot do more (issue 18's bound, ``bounds``): 戸籍住民課 and 国保年金課 get more work on
  the peak day than their desks can do in the opening hours; a desk plan only decides which of a
  section's counters carries the backlog, and 国保年金課 is a section of one counter.
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


def within_hour_wait(load: CounterHour, desks: int, cv: float, minutes: float = 60.0) -> tuple[float, float]:
    """(mean, p90) of the stochastic part of the wait within one hour: Allen–Cunneen and the M/M/c tail,
    capped by the queue an hour of random arrivals can build at a desk bank working flat out
    (≈ √(λ T (1 + cv²)) visitors). The steady-state figures are for a queue that has run for ever: near a
    load of one they grow without bound, where an hour's queue cannot — uncapped, one desk more or less
    around a load of one swung the day's figure by hours, and the search chased that artefact."""
    if load.arrivals_per_minute <= 0 or desks <= 0:
        return 0.0, 0.0
    cap = math.sqrt(load.arrivals_per_minute * minutes * (1 + cv * cv)) * load.mean_handling / desks / 2
    return min(mean_wait(load, desks, cv), cap), min(p90_wait(load, desks, cv), 2.3 * cap)


@dataclass(frozen=True)
class HourWait:
    visitors: float  # expected to join in the hour
    mean: float  # minutes
    p90: float


def counter_hours(load: dict[int, CounterHour], desks: dict[int, int], hours: list[int], cv: float,
                  profile: Profile) -> list[HourWait] | None:
    """The waits of one counter, hour by hour, with the given desks (None: visitors and no desk).

    Time-varying arrivals as a fluid plus noise: the work arriving beyond what the desks can do waits for
    the next hour (the peak morning's queue, built before it is seen at the counter), so a visitor of
    the hour waits for the backlog ahead of them — growing or shrinking linearly through the hour — plus
    the hour's own random queue (``within_hour_wait``).
    """
    backlog = 0.0  # desk-minutes of work waiting
    result = []
    for hour in hours:
        start, end = max(hour * 60.0, profile.opens_minute), min((hour + 1) * 60.0, profile.closes_minute)
        span = max(0.0, end - start)
        here = load.get(hour) or CounterHour(0.0, 1.0)
        count = desks.get(hour, 0)
        visitors = here.arrivals_per_minute * span
        if count <= 0:
            if visitors > 0 or backlog > 0:
                return None
            result.append(HourWait(0.0, 0.0, 0.0))
            continue
        ends_with = max(0.0, backlog + visitors * here.mean_handling - count * span)
        low, high = sorted((backlog / count, ends_with / count))
        noise_mean, noise_p90 = within_hour_wait(here, count, cv, span or 60.0)
        result.append(HourWait(visitors, (low + high) / 2 + noise_mean, low + 0.9 * (high - low) + noise_p90))
        backlog = ends_with
    return result


def counter_cost(load: dict[int, CounterHour], desks: dict[int, int], hours: list[int], cv: float,
                 p90_target: float, profile: Profile) -> float:
    """What the search minimises for one counter: Σ over the hours of visitors × (mean wait² + the
    hour's p90 excess over the target²) ÷ target.

    Squared, not plain visitor-minutes: plain minutes reward giving the desks to the short procedures
    (many certificates served, the moving desks' long waits left to grow), which is what the mean wait
    of everyone asks for but neither the multi-procedure visitors (mostly at the moving desks) nor the
    longest waits; a wait twice as long counts four times, so the desks go where the waits are long.
    """
    figures = counter_hours(load, desks, hours, cv, profile)
    if figures is None:
        return math.inf
    total = 0.0
    for hour in figures:
        over = max(0.0, hour.p90 - p90_target)
        total += hour.visitors * (hour.mean ** 2 + over ** 2) / p90_target
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
    cost = {c: counter_cost(load.get(c, {}), plan[c], hours, cv, p90_target, profile) for c in office.counters}
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
                        new_giver = counter_cost(load.get(giver, {}), given, hours, cv, p90_target, profile)
                        new_taker = counter_cost(load.get(taker, {}), taken, hours, cv, p90_target, profile)
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

"""The staffing advisor (issue 18): desks per counter per hour for a day, at the same staff-hours.

Pure (no Django). The search uses queueing approximations; the simulator confirms the plan ("(d, day-long
plan)" = (c) with the advised desks, on the very same visitors; ``followed`` runs the live page's plan,
re-made at every look, as policy (d)).

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
from collections.abc import Collection
from dataclasses import dataclass

from .inputs import Office, Profile, minutes_open, staffing_of
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


def sections_of(office: Office) -> dict[str, list[str]]:
    """Section → its counters: the staff of a section work its counters (a counter of no section is its own)."""
    sections: dict[str, list[str]] = defaultdict(list)
    for code, spec in office.counters.items():
        sections[spec.department or code].append(code)
    return dict(sections)


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
        span = minutes_open(hour, profile.opens_minute, profile.closes_minute)
        rate = profile.arrivals_per_hour.get(hour, 0.0) / span if span > 0 else 0.0
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
                  window: tuple[float, float], *, backlog: float = 0.0, waiting: int = 0) -> list[HourWait] | None:
    """The waits of one counter, hour by hour, with the given desks (None: visitors and no desk).

    Time-varying arrivals as a fluid plus noise: the work arriving beyond what the desks can do waits for
    the next hour (the peak morning's queue, built before it is seen at the counter), so a visitor of
    the hour waits for the backlog ahead of them — growing or shrinking linearly through the hour — plus
    the hour's own random queue (``within_hour_wait``). ``window``: the minutes of the day counted
    (opening to closing, or now to closing); ``backlog``: desk-minutes of work already there at its start,
    the work of ``waiting`` visitors already in the queue — they count in the first hour, waiting on
    average half the time the desks take to clear the backlog (and nine tenths of it at the 90th percentile).
    """
    result = []
    clear = _clearing_minutes(backlog, desks, hours, window) if waiting else 0.0
    for index, hour in enumerate(hours):
        span = minutes_open(hour, *window)
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
        figure = HourWait(visitors, (low + high) / 2 + noise_mean, low + 0.9 * (high - low) + noise_p90)
        if index == 0 and waiting:
            if math.isinf(clear):
                return None
            total = visitors + waiting
            figure = HourWait(total, (visitors * figure.mean + waiting * clear / 2) / total,
                              max(figure.p90, 0.9 * clear))
        result.append(figure)
        backlog = ends_with
    return result


def _clearing_minutes(backlog: float, desks: dict[int, int], hours: list[int], window: tuple[float, float]) -> float:
    """Minutes from the window's start until the desks have done ``backlog`` desk-minutes of work."""
    elapsed = 0.0
    for hour in hours:
        span, count = minutes_open(hour, *window), desks.get(hour, 0)
        if count > 0 and backlog <= count * span:
            return elapsed + backlog / count
        backlog -= count * span
        elapsed += span
    last = desks.get(hours[-1], 0) if hours else 0
    return elapsed + backlog / last if last > 0 else math.inf


def counter_cost(load: dict[int, CounterHour], desks: dict[int, int], hours: list[int], cv: float,
                 p90_target: float, window: tuple[float, float], *, backlog: float = 0.0, waiting: int = 0) -> float:
    """What the search minimises for one counter: Σ over the hours of visitors × (mean wait² + the
    hour's p90 excess over the target²) ÷ target.

    Squared, not plain visitor-minutes: plain minutes reward giving the desks to the short procedures
    (many certificates served, the moving desks' long waits left to grow), which is what the mean wait
    of everyone asks for but neither the multi-procedure visitors (mostly at the moving desks) nor the
    longest waits; a wait twice as long counts four times, so the desks go where the waits are long.
    """
    figures = counter_hours(load, desks, hours, cv, window, backlog=backlog, waiting=waiting)
    if figures is None:
        return math.inf
    total = 0.0
    for hour in figures:
        over = max(0.0, hour.p90 - p90_target)
        total += hour.visitors * (hour.mean ** 2 + over ** 2) / p90_target
    return total


def search_desks(load: dict[str, dict[int, CounterHour]], current: dict[str, dict[int, int]],
                 sections: dict[object, list[str]], hours: list[int], cv: float, p90_target: float,
                 window: tuple[float, float], *, backlog: dict[str, tuple[float, int]] | None = None,
                 capacity: dict[str, int] | None = None, rounds: int = 200, min_gain: float = 1e-6,
                 blocked: frozenset[tuple[str, str, int]] = frozenset()) -> dict[str, dict[int, int]]:
    """Local search over one-desk moves between a section's counters within an hour, the best first,
    while one lowers the day's cost by more than ``min_gain``. Each section keeps its desks of every hour;
    a staffed counter keeps one desk; ``capacity`` caps a counter's desks (the desks it has); no desk moves
    from ``giver`` to ``taker`` in ``hour`` for a (giver, taker, hour) ``blocked``."""
    backlog = backlog or {}
    plan = {code: dict(row) for code, row in current.items()}

    def cost_of(code, desks):
        work, waiting = backlog.get(code, (0.0, 0))
        return counter_cost(load.get(code, {}), desks, hours, cv, p90_target, window, backlog=work, waiting=waiting)

    cost = {code: cost_of(code, plan[code]) for code in plan}
    for _round in range(rounds):
        best = None
        for members in sections.values():
            if len(members) < 2:
                continue
            for hour in hours:
                for giver in members:
                    if plan[giver][hour] <= (1 if current[giver][hour] > 0 else 0):
                        continue
                    for taker in members:
                        if taker == giver or (capacity and plan[taker][hour] >= capacity.get(taker, math.inf)) \
                                or (giver, taker, hour) in blocked:
                            continue
                        given = {**plan[giver], hour: plan[giver][hour] - 1}
                        taken = {**plan[taker], hour: plan[taker][hour] + 1}
                        new_giver, new_taker = cost_of(giver, given), cost_of(taker, taken)
                        change = new_giver + new_taker - cost[giver] - cost[taker]
                        if not math.isnan(change) and change < -min_gain and (best is None or change < best[0]):
                            best = (change, giver, taker, given, taken, new_giver, new_taker)
        if best is None:
            break
        _change, giver, taker, given, taken, new_giver, new_taker = best
        plan[giver], plan[taker] = given, taken
        cost[giver], cost[taker] = new_giver, new_taker
    return plan


def desk_moves(hour: int, before: dict[str, int], after: dict[str, int], sections: dict[object, list[str]]
               ) -> list[Move]:
    """The one-section moves that turn the desks ``before`` into ``after`` in ``hour``."""
    moves = []
    for members in sections.values():
        gives = [(c, before[c] - after[c]) for c in members if before[c] > after[c]]
        takes = [(c, after[c] - before[c]) for c in members if after[c] > before[c]]
        while gives and takes:
            (giver, g), (taker, t) = gives[0], takes[0]
            moved = min(g, t)
            moves.append(Move(hour, giver, taker, moved))
            gives[0], takes[0] = (giver, g - moved), (taker, t - moved)
            if gives[0][1] == 0:
                gives.pop(0)
            if takes[0][1] == 0:
                takes.pop(0)
    return moves


def advise(office: Office, profile: Profile, *, p90_target: float = 60.0, rounds: int = 200) -> Plan:
    """Desks per counter and hour at the profile's staff-hours (see the module's docstring)."""
    staffing = staffing_of(profile, office)
    hours = opening_hours(profile)
    current = {code: {h: staffing.desks_by_hour[code][h] for h in hours} for code in office.counters}
    sections = sections_of(office)
    plan = search_desks(counter_load(office, profile), current, sections, hours, profile.handling.cv, p90_target,
                        (profile.opens_minute, profile.closes_minute), rounds=rounds)
    moves = [move for hour in hours
             for move in desk_moves(hour, {c: current[c][hour] for c in current},
                                    {c: plan[c][hour] for c in plan}, sections)]
    return Plan(plan, current, moves, p90_target)


def advised_run(office: Office, profile: Profile, plan: Plan, visits) -> PolicyRun:
    """Policy (d): (c)'s live routing and estimate with the plan's desks, on the same visitors."""
    return run_policy(office, plan.profile(profile), visits, "c")


# --- live: the rest of today (the supervisor's page) ----------------------------------------------

# For this long after a desk moved to a counter, the plan takes no desk from it (``plan_rest_of_day``).
SETTLE_MINUTES = 60


@dataclass(frozen=True)
class LiveCounter:
    code: str
    section: object  # counters of one section (and site) share staff
    desks_open: int  # now: the staff the plan keeps for the rest of the day (less those at lunch)
    desks: int  # desks the counter has (a closed one can be opened)
    backlog: float  # desk-minutes of work there now: the waiting visitors' handling and the rest of those served
    waiting: int  # visitors in the queue now
    arrivals: dict[int, float]  # hour → visitors expected to join in that hour (the forecast)
    mean_handling: float  # minutes


@dataclass(frozen=True)
class TimedMove:
    hour: int
    from_counter: str
    to_counter: str
    desks: int
    before: tuple[float, float]  # p90 wait of the hour at (the giving, the taking) counter if nothing moves
    after: tuple[float, float]  # … with the plan


@dataclass(frozen=True)
class CounterOutlook:
    code: str
    visitors: float  # expected to join from now to closing
    mean_keep: float | None  # mean wait of those visitors with the desks as now (None: no desk for them)
    mean_plan: float | None
    worst_p90_keep: float | None  # the worst hour's p90 wait
    worst_p90_plan: float | None
    desks: dict[int, int]  # the plan's desks per hour
    desks_now: int
    desks_kept: dict[int, int]  # per hour if nothing moves: those open now, less the lunch rotation


@dataclass(frozen=True)
class LivePlan:
    hours: list[int]
    moves: list[TimedMove]  # in time order; those of the first hour are to do now
    outlook: list[CounterOutlook]
    p90_target: float


def _outlook(figures: list[HourWait] | None) -> tuple[float, float | None, float | None]:
    if figures is None:
        return 0.0, None, None
    visitors = sum(h.visitors for h in figures)
    mean = sum(h.visitors * h.mean for h in figures) / visitors if visitors else 0.0
    return visitors, mean, max((h.p90 for h in figures if h.visitors > 0), default=0.0)


def desks_kept(counters: list[LiveCounter], hours: list[int], away: dict[int, float] | None = None,
               away_now: float = 0.0) -> dict[str, dict[int, int]]:
    """Each counter's desks, hour by hour, if nothing moves: those open now, less the section's staff at
    lunch. ``away``: hour → the share of a section's staff at lunch then (the lunch rotation, averaged over
    the hour); ``away_now``: the share at lunch at this very moment — the section's staff today are those
    at a desk now ÷ (1 − it), so those at lunch now come back after it. A section's desks of an hour are its
    staff × (1 − the share away), rounded; a desk leaves the counter with the most open and comes back to
    the open counter with the most closed — never to one closed all day (a counter with a desk open keeps
    one)."""
    away = away or {}
    kept = {c.code: {} for c in counters}
    sections: dict[object, list[LiveCounter]] = defaultdict(list)
    for c in counters:
        sections[c.section].append(c)
    for members in sections.values():
        staffed = [c for c in members if c.desks_open > 0]
        open_now = sum(c.desks_open for c in staffed)
        staff = open_now / (1 - away_now)
        for hour in hours:
            total = min(sum(c.desks for c in staffed), max(len(staffed), round(staff * (1 - away.get(hour, 0.0)))))
            desks = {c.code: c.desks_open for c in members}
            while sum(desks.values()) > total:
                leaving = max((c for c in staffed if desks[c.code] > 1), key=lambda c: desks[c.code])
                desks[leaving.code] -= 1
            while sum(desks.values()) < total:
                back = max((c for c in staffed if desks[c.code] < c.desks), key=lambda c: c.desks - desks[c.code])
                desks[back.code] += 1
            for code, count in desks.items():
                kept[code][hour] = count
    return kept


def _standing(previous: dict[str, int], planned: dict[str, int], change: int, capacity: dict[str, int]
              ) -> dict[str, int]:
    """One section's desks at the start of an hour before anyone moves: the plan of the hour before with the
    rotation's ``change`` of the section (− those leaving for lunch, + those back), taken first from the
    counters the plan shrinks at this hour (and given first to those it grows), so that going to lunch or
    coming back is never shown as a move."""
    standing = dict(previous)
    while change < 0:
        shrinking = [c for c in standing if standing[c] > planned[c]]
        pool = shrinking or [c for c in standing if standing[c] > 1] or [c for c in standing if standing[c] > 0]
        leaving = max(pool, key=lambda c: (standing[c] - planned[c], standing[c]))
        standing[leaving] -= 1
        change += 1
    while change > 0:
        growing = [c for c in standing if standing[c] < planned[c]]
        pool = growing or [c for c in standing if standing[c] < capacity[c]] or list(standing)
        back = max(pool, key=lambda c: (planned[c] - standing[c], capacity[c] - standing[c]))
        standing[back] += 1
        change -= 1
    return standing


def plan_rest_of_day(counters: list[LiveCounter], *, now_minute: float, closes_minute: float, cv: float,
                     p90_target: float, min_gain: float = 0.0, away: dict[int, float] | None = None,
                     away_now: float = 0.0, opens_minute: float | None = None,
                     settling: Collection[tuple[str, float]] = ()) -> LivePlan:
    """Desks per counter for each hour left today, from the work waiting now and the forecast of the
    hours to come, with the desks each section has open now less its lunch rotation (``away``, see
    ``desks_kept``: the plan moves no one who is at lunch); the moves hour by hour (a desk moved at 10:00
    and back at 12:00 is two moves) with the p90 wait of the hour at both counters, kept and planned.
    ``min_gain``: what a move must save, in the search's cost (a visitor waiting ``p90_target`` minutes
    costs ``p90_target``) — the page asks one visitor's target-long wait, so desks do not shuffle for
    a minute's gain. ``arrivals`` are the visitors of each clock hour, who come in its open minutes: from
    ``opens_minute`` (the office's opening; default: the hour's start) to closing — the half hour after an
    8:30 opening gets its hour's visitors in 30 minutes, not 60. ``settling``: (counter, minute of the day)
    of each desk moved to a counter within the last ``SETTLE_MINUTES`` — the plan takes no desk from that
    counter in an hour starting before ``SETTLE_MINUTES`` after the move (re-made at every look, it would
    otherwise undo a move for the noise of a quarter hour: a clerk walked over is given time to work there).
    A counter that gave a desk may still get one from a third counter.
    """
    hours = (list(range(int(now_minute // 60), int((closes_minute - 1e-6) // 60) + 1))
             if closes_minute > now_minute else [])
    window = (now_minute, closes_minute)

    def open_minutes(hour: int) -> float:
        return max(1e-9, minutes_open(hour, hour * 60.0 if opens_minute is None else opens_minute, closes_minute))

    load = {c.code: {h: CounterHour(c.arrivals.get(h, 0.0) / open_minutes(h), c.mean_handling) for h in hours}
            for c in counters}
    current = desks_kept(counters, hours, away, away_now)
    sections: dict[object, list[str]] = defaultdict(list)
    for c in counters:
        sections[c.section].append(c.code)
    backlog = {c.code: (c.backlog, c.waiting) for c in counters}
    codes = [c.code for c in counters]
    blocked = frozenset((taker, other, hour) for taker, at in settling for other in codes for hour in hours
                        if hour * 60 < at + SETTLE_MINUTES)
    plan = search_desks(load, current, sections, hours, cv, p90_target, window, backlog=backlog,
                        capacity={c.code: c.desks for c in counters}, min_gain=max(min_gain, 1e-6), blocked=blocked)
    keep_figures = {c.code: counter_hours(load[c.code], current[c.code], hours, cv, window, backlog=c.backlog,
                                          waiting=c.waiting) for c in counters}
    plan_figures = {c.code: counter_hours(load[c.code], plan[c.code], hours, cv, window, backlog=c.backlog,
                                          waiting=c.waiting) for c in counters}

    def p90(figures, index):
        return figures[index].p90 if figures is not None else math.inf

    capacity = {c.code: c.desks for c in counters}
    moves = []
    for index, hour in enumerate(hours):
        # What stands at the hour if no one moves then: the plan of the hour before, with the rotation's
        # change of the hour (who goes to lunch, who comes back) — a desk left for lunch is not a move.
        before = {c: current[c][hour] for c in plan}
        if index:
            previous = hours[index - 1]
            for members in sections.values():
                change = sum(current[c][hour] - current[c][previous] for c in members)
                before.update(_standing({c: plan[c][previous] for c in members}, {c: plan[c][hour] for c in members},
                                        change, capacity))
        for move in desk_moves(hour, before, {c: plan[c][hour] for c in plan}, sections):
            giver, taker = move.from_counter, move.to_counter
            moves.append(TimedMove(hour, giver, taker, move.desks,
                                   (p90(keep_figures[giver], index), p90(keep_figures[taker], index)),
                                   (p90(plan_figures[giver], index), p90(plan_figures[taker], index))))
    outlook = []
    for c in counters:
        visitors, mean_keep, worst_keep = _outlook(keep_figures[c.code])
        _visitors, mean_plan, worst_plan = _outlook(plan_figures[c.code])
        if keep_figures[c.code] is None:
            visitors = sum(load[c.code][h].arrivals_per_minute * max(0.0, min((h + 1) * 60.0, closes_minute)
                                                                     - max(h * 60.0, now_minute)) for h in hours)
        outlook.append(CounterOutlook(c.code, visitors, mean_keep, mean_plan, worst_keep, worst_plan, plan[c.code],
                                      c.desks_open, current[c.code]))
    return LivePlan(hours, moves, outlook, p90_target)

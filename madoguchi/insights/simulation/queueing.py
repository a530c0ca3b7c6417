"""The simulator checked against queueing theory (issue 18). Pure (no Django).

A single counter with ``c`` desks, steady Poisson arrivals and one procedure is an M/M/c queue when
handling is exponential and an M/G/c queue otherwise. Its mean wait in the steady state is known:
Erlang C for M/M/c, and the Allen–Cunneen approximation for M/G/c (Erlang C's wait scaled by
(Ca² + Cs²) / 2, Ca = 1 for Poisson arrivals, Cs = handling's coefficient of variation). The
simulator, run on such a day over many seeds, must land within the confidence interval of its own
mean wait around these figures — a check on the whole chain: arrivals, handling draws, desks calling
in priority order, the clock.

A simulated day starts empty, which the steady state is not: visitors who join in the first
``warmup_minutes`` are left out of the mean (the queue has not filled yet).
"""

import math
import statistics
from dataclasses import dataclass

from madoguchi.insights.estimators import t_quantile_975

from .demand import draw_visits
from .inputs import CounterSpec, Office, ProcedureSpec, Profile
from .model import run_policy

SITE = "queueing"
COUNTER = "Q"
PROCEDURE = "q.only"


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """The probability that an arrival waits (Erlang C), for ``servers`` desks each serving at
    ``service_rate`` per minute and ``arrival_rate`` arrivals per minute (load below one)."""
    offered = arrival_rate / service_rate
    if servers <= 0 or offered >= servers:
        raise ValueError("Erlang C needs fewer arrivals than the desks can serve")
    term, total = 1.0, 1.0  # a^k / k! from k = 0
    for k in range(1, servers):
        term *= offered / k
        total += term
    top = term * offered / servers * servers / (servers - offered)  # a^c / c! × c / (c − a)
    return top / (total + top)


def mmc_mean_wait(arrival_rate: float, mean_handling: float, servers: int) -> float:
    """Mean wait in queue (minutes) of M/M/c: C(c, a) / (cμ − λ)."""
    service_rate = 1.0 / mean_handling
    return erlang_c(arrival_rate, service_rate, servers) / (servers * service_rate - arrival_rate)


def allen_cunneen_mean_wait(arrival_rate: float, mean_handling: float, servers: int, handling_cv: float,
                            arrival_cv: float = 1.0) -> float:
    """Mean wait in queue (minutes) of G/G/c by Allen–Cunneen: M/M/c's × (Ca² + Cs²) / 2."""
    return mmc_mean_wait(arrival_rate, mean_handling, servers) * (arrival_cv ** 2 + handling_cv ** 2) / 2


def single_counter(servers: int, mean_handling: float) -> Office:
    """An office of one counter with ``servers`` desks and one procedure of ``mean_handling`` minutes."""
    return Office(
        site=SITE,
        counters={COUNTER: CounterSpec(COUNTER, "検証用窓口", "Check counter", 1, servers, 0)},
        procedures={PROCEDURE: ProcedureSpec(PROCEDURE, float(mean_handling), (COUNTER,), frozenset(), False)},
    )


def steady_day(office: Office, *, arrivals_per_hour: float, handling_cv: float, exponential: bool,
               opens: str = "06:00", closes: str = "22:00") -> Profile:
    """A long day of steady Poisson arrivals at the single counter, no walking, no priorities, no pre-fill."""
    first, last = int(opens[:2]), int(closes[:2])
    return Profile.model_validate({
        "name": "queueing check", "site": office.site, "opens": opens, "closes": closes,
        "arrivals_per_hour": {hour: arrivals_per_hour for hour in range(first, last)},
        "visit_mix": [{"weight": 1, "procedures": [PROCEDURE]}],
        "handling": {"cv": 1.0 if exponential else handling_cv,
                     "distribution": "exponential" if exponential else "lognormal"},
        "prefill": {"share": 0, "saving": 0}, "priority": {"share": 0, "advance_minutes": 0},
        "walk": {"base_minutes": 0, "per_floor_minutes": 0},
        "staffing": {COUNTER: {"all": office.counters[COUNTER].desks}},
    })


@dataclass(frozen=True)
class QueueCheck:
    """The simulator's mean wait over seeds beside the theory's."""

    label: str
    servers: int
    load: float  # λ / (c μ)
    theory: float  # minutes
    simulated: float  # mean over seeds of each day's mean wait (minutes)
    ci95: tuple[float, float]
    seeds: int
    waits: int  # visitors counted over all seeds

    @property
    def within(self) -> bool:
        return self.ci95[0] <= self.theory <= self.ci95[1]

    @property
    def ratio(self) -> float:
        return self.simulated / self.theory


def check(*, servers: int, mean_handling: float, load: float, handling_cv: float, exponential: bool,
          seeds: range, warmup_minutes: float = 120.0, label: str = "") -> QueueCheck:
    """Run the steady day once per seed; each day's mean wait is one observation (the days are
    independent, the visitors within a day are not), so the interval is Student's t over the days."""
    office = single_counter(servers, mean_handling)
    arrival_rate = load * servers / mean_handling  # per minute
    profile = steady_day(office, arrivals_per_hour=arrival_rate * 60, handling_cv=handling_cv,
                         exponential=exponential)
    start = profile.opens_minute + warmup_minutes
    day_means, counted = [], 0
    for seed in seeds:
        run = run_policy(office, profile, draw_visits(office, profile, seed), "b")
        waits = [s.wait for s in run.steps if s.joined >= start]
        counted += len(waits)
        day_means.append(statistics.fmean(waits))
    mean = statistics.fmean(day_means)
    half = t_quantile_975(len(day_means) - 1) * statistics.stdev(day_means) / math.sqrt(len(day_means))
    theory = (mmc_mean_wait(arrival_rate, mean_handling, servers) if exponential
              else allen_cunneen_mean_wait(arrival_rate, mean_handling, servers, handling_cv))
    name = label or (f"M/M/{servers}" if exponential else f"M/G/{servers} (lognormal, cv {handling_cv:g})")
    return QueueCheck(name, servers, load, theory, mean, (mean - half, mean + half), len(day_means), counted)

"""The day's visitors, drawn once and given to every policy (common random numbers).

Each kind of randomness has its own stream (arrivals, visit mix, handling, pre-fill, priority),
seeded from the run's seed and the stream's name, and every visit takes the same number of draws
from each stream whatever the what-if: so a change of the pre-fill share or of staffing meets the
very same visitors with the very same procedures, and the policies differ only by their decisions.
"""

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

from .inputs import Office, Profile

_STANDARD_NORMAL = NormalDist()
STREAMS = ("arrivals", "mix", "handling", "prefill", "priority")


@dataclass(frozen=True)
class PlannedStep:
    """The part of a visit at one counter, with what it will really take there."""

    step_id: int
    counter: str
    procedures: tuple[str, ...]
    handling_minutes: float  # drawn: the time at the desk in this run
    typical_minutes: float  # the catalogue's typical minutes of its procedures (the estimator's start)


@dataclass(frozen=True)
class PlannedVisit:
    visit_id: int
    arrival: float  # minutes after midnight
    kind: str
    procedures: tuple[str, ...]
    steps: tuple[PlannedStep, ...]
    priority_advance: float  # minutes ahead of the arrival in every queue (priority needs)
    prefilled: bool  # pre-application or no-writing counter: shorter handling of form procedures

    @property
    def multi_procedure(self) -> bool:
        return len(self.procedures) > 1


def streams(seed: int) -> dict[str, random.Random]:
    return {name: random.Random(f"madoguchi-sim:{seed}:{name}") for name in STREAMS}


def arrival_minutes(profile: Profile, rng: random.Random) -> list[float]:
    """A Poisson process whose rate is constant within each clock hour of the opening hours."""
    times = []
    opens, closes = profile.opens_minute, profile.closes_minute
    for hour in sorted(profile.arrivals_per_hour):
        count = profile.arrivals_per_hour[hour]
        start, end = max(hour * 60.0, opens), min((hour + 1) * 60.0, closes)
        if count <= 0 or end <= start:
            continue
        rate = count / (end - start)
        minute = start + rng.expovariate(rate)
        while minute < end:
            times.append(minute)
            minute += rng.expovariate(rate)
    return times


def lognormal_minutes(mean: float, cv: float, z: float) -> float:
    """The lognormal value of standard-normal draw ``z`` with this mean and coefficient of variation."""
    if cv <= 0:
        return mean
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.exp(math.log(mean) - sigma * sigma / 2 + sigma * z)


def exponential_minutes(mean: float, z: float) -> float:
    """The exponential value of standard-normal draw ``z`` (through its probability): the same one draw
    per procedure as the lognormal, so the streams stay aligned whichever distribution a profile names."""
    tail = 1.0 - _STANDARD_NORMAL.cdf(z)
    return -mean * math.log(max(tail, 1e-300))


def handling_minutes(mean: float, profile: Profile, z: float) -> float:
    if profile.handling.distribution == "exponential":
        return exponential_minutes(mean, z)
    return lognormal_minutes(mean, profile.handling.cv, z)


def draw_visits(office: Office, profile: Profile, seed: int) -> list[PlannedVisit]:
    rng = streams(seed)
    kinds = profile.visit_mix
    weights = [k.weight for k in kinds]
    plans = {index: office.counter_plan(kind.procedures) for index, kind in enumerate(kinds)}
    visits = []
    step_id = 0
    for visit_id, arrival in enumerate(arrival_minutes(profile, rng["arrivals"]), start=1):
        index = rng["mix"].choices(range(len(kinds)), weights)[0]
        kind = kinds[index]
        z = {code: rng["handling"].gauss(0.0, 1.0) for code in kind.procedures}
        prefilled = rng["prefill"].random() < profile.prefill.share
        advance = profile.priority.advance_minutes if rng["priority"].random() < profile.priority.share else 0.0
        steps = []
        for counter, codes in plans[index].items():
            step_id += 1
            minutes = 0.0
            for code in codes:
                procedure = office.procedures[code]
                mean = procedure.typical_minutes
                if prefilled and procedure.prefillable:
                    mean *= 1 - profile.prefill.saving
                minutes += handling_minutes(mean, profile, z[code])
            typical = sum(office.procedures[code].typical_minutes for code in codes)
            steps.append(PlannedStep(step_id, counter, codes, minutes, typical))
        visits.append(PlannedVisit(visit_id, arrival, kind.label or "+".join(kind.procedures),
                                   tuple(dict.fromkeys(kind.procedures)), tuple(steps), advance, prefilled))
    return visits

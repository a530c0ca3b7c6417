"""The figures of a run: stays and waits per kind of visitor, utilisation, and the estimators' errors."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import PolicyRun, StepRecord, VisitRecord

# single: one procedure; multi: several procedures; multi_counter: the multi visits that see more
# than one counter (the ones handoff and routing can help); all: everybody.
GROUPS = ("single", "multi", "multi_counter", "all")


@dataclass(frozen=True)
class Figures:
    visits: int
    mean_stay: float | None
    p90_stay: float | None
    mean_wait: float | None
    p90_wait: float | None


@dataclass(frozen=True)
class EstimatorError:
    estimates: int  # queue joins with a finite estimate (a desk was open)
    mae_product: float | None
    mae_naive: float | None
    bias_product: float | None  # mean (estimate − actual): negative = the board promised too little
    bias_naive: float | None
    mean_actual: float | None
    mae_oracle: float | None = None  # the oracle bound (exact handling, exact handoffs): what no estimator beats
    bias_oracle: float | None = None


@dataclass(frozen=True)
class PolicySummary:
    policy: str
    groups: dict[str, Figures]
    utilisation: dict[str, float | None]  # share of the staffed desk time in opening hours spent with visitors
    estimator: EstimatorError
    last_departure: float | None
    wall_seconds: float
    desk_moves: int = 0  # see PolicyRun


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (0.9 → the value 90% of visitors do not exceed)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def group_of(visit: VisitRecord) -> set[str]:
    if not visit.multi_procedure:
        return {"single", "all"}
    return {"multi", "all", "multi_counter"} if len(visit.route) > 1 else {"multi", "all"}


def figures(visits: Iterable[VisitRecord]) -> Figures:
    visits = list(visits)
    stays = [v.stay for v in visits]
    waits = [v.wait for v in visits]
    return Figures(len(visits), mean(stays), percentile(stays, 0.9), mean(waits), percentile(waits, 0.9))


def estimator_error(steps: Iterable[StepRecord]) -> EstimatorError:
    """Errors of the estimates made on joining a queue (anything with ``estimate``, ``naive``, ``wait``)."""
    rows = [s for s in steps if math.isfinite(s.estimate) and math.isfinite(s.naive)]
    product = [s.estimate - s.wait for s in rows]
    naive = [s.naive - s.wait for s in rows]
    oracle = [s.oracle - s.wait for s in rows if math.isfinite(getattr(s, "oracle", math.nan))]
    return EstimatorError(
        len(rows), mean([abs(e) for e in product]), mean([abs(e) for e in naive]), mean(product), mean(naive),
        mean([s.wait for s in rows]), mean([abs(e) for e in oracle]), mean(oracle))


def summarise(run: PolicyRun) -> PolicySummary:
    grouped = {group: figures(v for v in run.visits if group in group_of(v)) for group in GROUPS}
    # Counters that served nobody in the run are left out (a desk nobody needs is not news).
    utilisation = {
        code: (run.busy_minutes[code] / run.staffed_minutes[code] if run.staffed_minutes[code] > 0 else None)
        for code in run.staffed_minutes if code in run.last_done
    }
    return PolicySummary(
        policy=run.policy, groups=grouped, utilisation=utilisation, estimator=estimator_error(run.steps),
        last_departure=max((v.departure for v in run.visits), default=None), wall_seconds=run.wall_seconds,
        desk_moves=run.desk_moves)

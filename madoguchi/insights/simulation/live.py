"""The live system's way of turning a queue into waits, for the model and for replay. Pure (no Django).

``reception.selectors.queue_figures`` assembles the estimate from the database; these helpers
assemble it the same way from the simulator's (or a replayed day's) own state, calling the same
``reception.estimate`` functions through their module so that a test can watch them being used.
"""

import math
from collections import deque
from collections.abc import Sequence

from madoguchi.reception import estimate

# Mirrors of the live system's reading of "recent" handling (reception.selectors: the last 300 steps
# done today, recomputed at most every 10 seconds); a test checks they agree.
RECENT_STEPS_FOR_FACTORS = 300
SPEED_CACHE_SECONDS = 10
RECENT_STEPS_FOR_GAP = 50


def call_to_start(recent_gaps: Sequence[float]) -> float:
    return estimate.call_to_start_minutes(recent_gaps)


class SpeedFactors:
    """``estimate.procedure_speed_factors`` over the steps done so far today, newest first,
    refreshed no more often than the live system's cache refreshes them."""

    def __init__(self):
        self.recent: deque = deque(maxlen=RECENT_STEPS_FOR_FACTORS)
        self.factors: dict[str, float] = {}
        self.computed_at = -math.inf
        self.version = 0  # bumped at each refresh: lets callers cache expected handling per Step
        self.changed = False

    def record(self, codes: Sequence[str], typical_minutes: float, actual_minutes: float) -> None:
        self.recent.appendleft((tuple(codes), typical_minutes, actual_minutes))
        self.changed = True

    def current(self, now: float) -> dict[str, float]:
        if self.changed and now - self.computed_at >= SPEED_CACHE_SECONDS / 60:
            self.factors = estimate.procedure_speed_factors(self.recent)
            self.computed_at = now
            self.version += 1
            self.changed = False
        return self.factors


def expected_minutes(procedures: Sequence[str], typical: dict[str, float], factors: dict[str, float]) -> float:
    return estimate.expected_handling_minutes(procedures, typical, factors)


def serving_remaining(expected: float, elapsed: float) -> float:
    return estimate.remaining_minutes(expected_minutes=expected, elapsed_minutes=elapsed)


def queue_estimates(expected: Sequence[float], serving: Sequence[float], desks_open: int, keys: Sequence = (),
                    incoming: Sequence = ()) -> tuple[list[float], float]:
    """(wait of each visitor in the queue, wait of one more at the back) — ``estimate.queue_waits`` that
    sees the visitors handed in from other counters (``estimate.queue_waits_with_incoming``)."""
    return estimate.queue_waits_with_incoming(expected=list(expected), keys=list(keys), serving_remaining=list(serving),
                                              desks_open=desks_open, incoming=list(incoming))


def naive_estimate(people_ahead: int, desks_open: int, mean_handling: float) -> float:
    return estimate.naive_wait_minutes(people_ahead=people_ahead, desks_open=desks_open,
                                       mean_handling_minutes=mean_handling)

"""Wait estimation: how many minutes until a waiting visitor is called. Pure (no Django).

The same function gives the figure on the visitor's status page, the congestion page and the
counter console, and the office simulator checks it against the waits that really happened.

Model: the counter's open desks work through the queue in priority order. Each desk is free
after the remaining time of the visitor it is serving; each visitor ahead then takes the desk
that frees first for their expected handling time (list scheduling on k servers). The visitor's
wait is the time until a desk is free for them. Handling times come from
``expected_handling_minutes``: each procedure's typical minutes, scaled by how long that
procedure has recently taken at this office.
"""

import heapq
from collections.abc import Iterable, Mapping, Sequence
from math import fsum

# A serving visitor past their expected time still needs a little longer.
MINIMUM_REMAINING_MINUTES = 1.0


def estimate_wait_minutes(
    *, ahead: Sequence[float], serving_remaining: Sequence[float], desks_open: int
) -> float:
    """Minutes until a desk is free for the next visitor after ``ahead``.

    ``ahead``: expected handling minutes of each visitor ahead in the queue, in call order.
    ``serving_remaining``: remaining minutes of each visitor being served (called or serving).
    ``desks_open``: desks staffed now. With none open the wait is unknown: ``inf``.
    """
    if desks_open <= 0:
        return float("inf")
    busy = sorted(max(0.0, r) for r in serving_remaining)
    # More visitors being served than desks open (a desk just closed): the extra ones finish first
    # on the desks that remain; list scheduling handles it by queueing them as work.
    free_at = busy[:desks_open] + [0.0] * max(0, desks_open - len(busy))
    heapq.heapify(free_at)
    for minutes in [*busy[desks_open:], *ahead]:
        start = heapq.heappop(free_at)
        heapq.heappush(free_at, start + max(0.0, minutes))
    return free_at[0]


def queue_waits(
    *, expected: Sequence[float], serving_remaining: Sequence[float], desks_open: int
) -> tuple[list[float], float]:
    """The wait of every visitor in a queue at once, and of one more joining at the back.

    Same model as ``estimate_wait_minutes`` (``waits[i]`` equals it with ``ahead=expected[:i]``),
    computed in one pass: O(n log k) instead of O(n² log k) for a long March queue.
    """
    if desks_open <= 0:
        return [float("inf")] * len(expected), float("inf")
    busy = sorted(max(0.0, r) for r in serving_remaining)
    free_at = busy[:desks_open] + [0.0] * max(0, desks_open - len(busy))
    heapq.heapify(free_at)
    for minutes in busy[desks_open:]:
        heapq.heappush(free_at, heapq.heappop(free_at) + minutes)
    waits = []
    for minutes in expected:
        start = heapq.heappop(free_at)
        waits.append(start)
        heapq.heappush(free_at, start + max(0.0, minutes))
    return waits, free_at[0]


def naive_wait_minutes(*, people_ahead: int, desks_open: int, mean_handling_minutes: float) -> float:
    """The baseline the audit asks us to beat: people ahead ÷ open desks × mean handling time."""
    if desks_open <= 0:
        return float("inf")
    return people_ahead / desks_open * mean_handling_minutes


def remaining_minutes(*, expected_minutes: float, elapsed_minutes: float) -> float:
    return max(MINIMUM_REMAINING_MINUTES, expected_minutes - elapsed_minutes)


def procedure_speed_factors(
    recent: Iterable[tuple[Sequence[str], float, float]], *, window: int = 30, clamp: tuple[float, float] = (0.5, 2.5)
) -> dict[str, float]:
    """How much longer or shorter than typical each procedure has recently taken.

    ``recent``: (procedure codes, typical minutes of the step, actual minutes), newest first.
    A step's ratio actual/typical counts for each of its procedures; each procedure's factor is
    the mean of its last ``window`` ratios, each ratio first clamped (one visitor who stayed an hour
    must not swing the board). The mean, not the median: a wait is a sum of handling times, whose
    expectation is the mean — handling times are skewed to the right, and the median ran about 11%
    short in the office simulator, leaving every estimate minutes too low.
    """
    ratios: dict[str, list[float]] = {}
    for codes, typical, actual in recent:
        if typical <= 0:
            continue
        ratio = min(clamp[1], max(clamp[0], actual / typical))
        for code in codes:
            bucket = ratios.setdefault(code, [])
            if len(bucket) < window:
                bucket.append(ratio)
    # fsum/len, not statistics.mean: the same value (to the last bit, bar one rounding) without turning every
    # float into a fraction first — the simulator calls this thousands of times a day and spent half its time there.
    return {code: fsum(values) / len(values) for code, values in ratios.items()}


def expected_handling_minutes(
    procedures: Iterable[str], typical: Mapping[str, float], factors: Mapping[str, float]
) -> float:
    """A step's expected handling time: the sum of its procedures' typical minutes × recent factor."""
    return sum(typical.get(code, 0.0) * factors.get(code, 1.0) for code in procedures)

"""The supervisor's wallboard figures. Pure: no Django.

The trend of the last hour is how many were waiting at a counter every ``step`` minutes, read from
each Step's queued and called times (a Step waits from ``queued_at`` until ``called_at``, or until now
when it is still waiting).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

TREND_MINUTES = 60
TREND_STEP_MINUTES = 10
BAR_LEVELS = 8  # the CSS has .trend__bar--0 … --8


def trend_points(now: datetime, *, minutes: int = TREND_MINUTES, step: int = TREND_STEP_MINUTES) -> list[datetime]:
    """The moments the trend samples, oldest first, ending now (7 points for an hour in 10-minute steps)."""
    return [now - timedelta(minutes=m) for m in range(minutes, -1, -step)]


def waiting_at(intervals: Iterable[tuple[datetime, datetime | None]], points: list[datetime]) -> list[int]:
    """How many of the (queued, called or None) intervals were waiting at each point."""
    intervals = list(intervals)
    return [sum(1 for queued, called in intervals if queued <= t and (called is None or called > t)) for t in points]


def bar_levels(values: list[int], *, top: int) -> list[int]:
    """Each value as a bar height 0…BAR_LEVELS against ``top`` (the board's largest value), so every
    counter's bars share one scale."""
    if top <= 0:
        return [0 for _ in values]
    return [min(BAR_LEVELS, round(v * BAR_LEVELS / top)) for v in values]


def direction(values: list[int]) -> int:
    """-1 falling, 0 steady, 1 rising: now against the start of the hour."""
    if len(values) < 2 or values[-1] == values[0]:
        return 0
    return 1 if values[-1] > values[0] else -1

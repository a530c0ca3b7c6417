"""Minutes in histogram buckets, and medians and percentiles read back from them. Pure (no Django).

The roll-ups keep how many waits (or handling times) fell in each bucket, so days add up by adding
counts and a year's median costs a sum over a few thousand rows instead of a pass over every Step.
Buckets are a minute wide under half an hour, then wider (2, 5, 10, 30 minutes) as waits grow: a
percentile read back is off by at most half a bucket (30 seconds for short waits).
"""

import bisect
import math
from collections.abc import Mapping

# Lower edges in minutes; the last bucket is open-ended (8 hours and more).
BUCKET_EDGES: tuple[float, ...] = (
    *range(0, 30), *range(30, 60, 2), *range(60, 120, 5), *range(120, 240, 10), *range(240, 481, 30),
)


def bucket_of(minutes: float) -> int:
    """The bucket index of ``minutes`` (negative values, from clock skew, count as 0)."""
    return max(0, bisect.bisect_right(BUCKET_EDGES, max(0.0, minutes)) - 1)


def quantile(counts: Mapping[int, int], fraction: float) -> float | None:
    """The ``fraction`` quantile (0.5: median, 0.9: 90th percentile) of the values counted in ``counts``
    ({bucket: count}), by nearest rank, interpolated within its bucket; None when nothing was counted."""
    total = sum(counts.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket in sorted(counts):
        count = counts[bucket]
        if count <= 0:
            continue
        if seen + count >= rank:
            low = BUCKET_EDGES[bucket]
            if bucket + 1 >= len(BUCKET_EDGES):
                return float(low)
            width = BUCKET_EDGES[bucket + 1] - low
            # The values of a bucket are taken as spread evenly: the k-th of n sits at (k - ½)/n.
            return low + width * (rank - seen - 0.5) / count
        seen += count
    return None  # pragma: no cover - the loop always reaches the rank


def merge(into: dict[int, int], counts: Mapping[int, int]) -> dict[int, int]:
    for bucket, count in counts.items():
        into[bucket] = into.get(bucket, 0) + count
    return into

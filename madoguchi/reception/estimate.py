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
from typing import NamedTuple

# A serving visitor past their expected time still needs a little longer.
MINIMUM_REMAINING_MINUTES = 1.0


def _desks_free_at(serving_remaining: Sequence[float], desks_open: int) -> list[float]:
    """When each open desk is free of the visitors being served (a heap; ``desks_open`` > 0). More visitors being
    served than desks open (a desk just closed): the extra ones finish first on the desks that remain — list
    scheduling queues them as work."""
    busy = sorted(max(0.0, r) for r in serving_remaining)
    free_at = busy[:desks_open] + [0.0] * max(0, desks_open - len(busy))
    heapq.heapify(free_at)
    for minutes in busy[desks_open:]:
        heapq.heappush(free_at, heapq.heappop(free_at) + minutes)
    return free_at


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
    free_at = _desks_free_at(serving_remaining, desks_open)
    for minutes in ahead:
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
    free_at = _desks_free_at(serving_remaining, desks_open)
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


def call_to_start_minutes(recent_gaps: Iterable[float], *, cap: float = 10.0) -> float:
    """How long a desk waits, after calling, for the visitor to come up (walking from the waiting area or
    from another counter): the mean of the counter's recent called → started gaps, each capped. Added to
    each waiting visitor's expected handling, since the desk is held from the call, not from the start —
    left out, every wait came out about a minute short once handoffs were counted."""
    gaps = [min(cap, max(0.0, g)) for g in recent_gaps]
    return fsum(gaps) / len(gaps) if gaps else 0.0


def expected_handling_minutes(
    procedures: Iterable[str], typical: Mapping[str, float], factors: Mapping[str, float]
) -> float:
    """A step's expected handling time: the sum of its procedures' typical minutes × recent factor."""
    return sum(typical.get(code, 0.0) * factors.get(code, 1.0) for code in procedures)


class QueueSchedule(NamedTuple):
    """A queue as list scheduling lays it out: each waiting visitor's wait, when each open desk is free
    after all of them (sorted; empty when no desk is open), and the visitors still to be handed in after
    that ((minutes until they arrive, their handling minutes, their rank in priority order among them), by
    arrival) — together the queue's tail, which one more visitor joining at the back is laid onto
    (``join_tail``)."""

    waits: list[float]
    desk_free_at: list[float]
    incoming_later: list[tuple[float, float, int]] = []

    @property
    def wait_for_new_arrival(self) -> float:
        return self.desk_free_at[0] if self.desk_free_at else float("inf")


def queue_waits_with_incoming(
    *,
    expected: Sequence[float],
    keys: Sequence,
    serving_remaining: Sequence[float],
    desks_open: int,
    incoming: Iterable[tuple[object, float, float]],
) -> tuple[list[float], float]:
    """``queue_waits`` that also sees the visitors who will be handed in to this queue
    (``queue_schedule``'s waits and wait for a new arrival); without incoming visitors, ``queue_waits``."""
    incoming = list(incoming)
    if not incoming:
        return queue_waits(expected=expected, serving_remaining=serving_remaining, desks_open=desks_open)
    schedule = queue_schedule(expected=expected, keys=keys, serving_remaining=serving_remaining,
                              desks_open=desks_open, incoming=incoming)
    return schedule.waits, schedule.wait_for_new_arrival


def queue_schedule(
    *,
    expected: Sequence[float],
    keys: Sequence,
    serving_remaining: Sequence[float],
    desks_open: int,
    incoming: Iterable[tuple[object, float, float]] = (),
) -> QueueSchedule:
    """The queue laid out on its desks, seeing the visitors who will be handed in to it.

    ``keys``: the queue's priority keys in call order (ascending). ``incoming``: (priority key,
    minutes until they are queued here, expected handling minutes here) of each visitor served or
    waiting at another counter whose next Step is this counter. Such a visitor counts for everyone
    behind their key, from the moment they arrive: each time a desk frees, it calls the first in
    priority order among those queued by then (the same list scheduling, with arrival times). One
    more visitor joining at the back comes after every incoming one that has arrived by the time a
    desk frees for them. Without incoming visitors the waits are ``queue_waits``'s exactly.
    """
    if desks_open <= 0:
        return QueueSchedule([float("inf")] * len(expected), [])
    arrivals = sorted(incoming, key=lambda item: item[1])
    free_at = _desks_free_at(serving_remaining, desks_open)
    arrived: list = []  # heap of (key, order, minutes) of incoming visitors queued by now
    waits: list[float] = []
    taken = 0
    index, count = 0, len(expected)
    while True:
        start = heapq.heappop(free_at)
        while taken < len(arrivals) and arrivals[taken][1] <= start:
            key, _, minutes = arrivals[taken]
            heapq.heappush(arrived, (key, taken, minutes))
            taken += 1
        if arrived and (index == count or arrived[0][0] < keys[index]):
            heapq.heappush(free_at, start + max(0.0, heapq.heappop(arrived)[2]))
            continue
        if index == count:
            return QueueSchedule(waits, sorted([start, *free_at]), _ranked(arrivals[taken:]))
        waits.append(start)
        heapq.heappush(free_at, start + max(0.0, expected[index]))
        index += 1


def _ranked(arrivals: Sequence[tuple[object, float, float]]) -> list[tuple[float, float, int]]:
    """(minutes until arriving, handling minutes, rank in priority order) of incoming visitors (key, arrives,
    handling), by arrival: the tail keeps their order of priority without their keys."""
    by_priority = sorted(range(len(arrivals)), key=lambda i: (arrivals[i][0], i))
    rank = {i: r for r, i in enumerate(by_priority)}
    return [(arrivals[i][1], arrivals[i][2], rank[i]) for i in range(len(arrivals))]


def join_tail(desk_free_at: Sequence[float], *, elapsed: float, minutes: float,
              incoming_later: Sequence[Sequence[float]] = ()) -> tuple[float, list[float], list[tuple]]:
    """One more visitor joins at the back of a queue whose tail is ``desk_free_at`` and ``incoming_later``
    (``QueueSchedule``'s, in minutes after it was figured), ``elapsed`` minutes after it was figured: (their
    wait from now, the tail with them, the visitors still to be handed in after them). The same list
    scheduling, one visitor on: a desk that frees takes the first in priority order of the visitors handed in
    by then (they came earlier: their priority is ahead of anyone joining now); if none has, and one arrives
    before the joiner, the desk waits for them; else it takes the joiner — at once if it has stood free since.
    Joining right after the figure (``elapsed`` 0), the wait is that of the queue figured whole with them at
    the back."""
    # An entry without its rank (a tail kept before ranks were) is ranked by arrival.
    later = sorted((item[0], item[1], item[2] if len(item) > 2 else n)
                   for n, item in enumerate(sorted(incoming_later)))
    if not desk_free_at:
        return float("inf"), [], later
    free_at = list(desk_free_at)
    heapq.heapify(free_at)
    arrived: list[tuple[int, float, float]] = []  # heap of (rank, arrives, handling) handed in by the desk's time
    taken = 0
    while True:
        start = heapq.heappop(free_at)
        if not arrived and taken < len(later) and start < later[taken][0] <= elapsed:
            start = later[taken][0]  # the desk stands free until the next one handed in arrives
        while taken < len(later) and later[taken][0] <= start:
            arrives, handling, rank = later[taken]
            heapq.heappush(arrived, (rank, arrives, handling))
            taken += 1
        if arrived:
            heapq.heappush(free_at, start + max(0.0, heapq.heappop(arrived)[2]))
            continue
        begin = max(start, elapsed)
        heapq.heappush(free_at, begin + max(0.0, minutes))
        return begin - elapsed, sorted(free_at), later[taken:]


def tail_wait(desk_free_at: Sequence[float], *, elapsed: float,
              incoming_later: Sequence[Sequence[float]] = ()) -> float:
    """The wait of one more visitor joining at the back ``elapsed`` minutes after the tail was figured."""
    return join_tail(desk_free_at, elapsed=elapsed, minutes=0.0, incoming_later=incoming_later)[0]


# --- handling times learnt from past days (issue 18) ------------------------------------------------

# How many past steps a learnt figure needs to weigh as much as its parent (the catalogue's minutes at the
# top): with fewer, it stays close to the parent; with many, it is the data's own mean.
SHRINK_STEPS = 20


class LearntHandling:
    """Each procedure's handling time learnt per counter and hour of day from past Steps, shrunk
    towards the catalogue's typical minutes where data are thin.

    Every past Step gives one ratio actual ÷ typical (its procedures' catalogue minutes), clamped like
    the recent factors, counted for each of its procedures. The factors form a ladder — procedure,
    then procedure at a counter, then at a counter in an hour — and each rung is the mean of its own
    ratios shrunk towards the rung above: (Σ ratios + k × parent) ÷ (n + k), the catalogue (1.0) above
    the top. ``minutes(counter, hour)`` gives the learnt typical minutes to estimate with; today's
    recent factors then say how today runs against them.
    """

    def __init__(self, typical: Mapping[str, float], rows: Iterable[tuple[object, Sequence[str], int, float]], *,
                 shrink: float = SHRINK_STEPS, clamp: tuple[float, float] = (0.5, 2.5)):
        self.typical = dict(typical)
        self.shrink = shrink
        sums: dict[tuple, list[float]] = {}
        for counter, codes, hour, actual in rows:
            planned = sum(self.typical.get(code, 0.0) for code in codes)
            if planned <= 0:
                continue
            ratio = min(clamp[1], max(clamp[0], actual / planned))
            for code in codes:
                for key in ((code,), (code, counter), (code, counter, hour)):
                    bucket = sums.setdefault(key, [0.0, 0])
                    bucket[0] += ratio
                    bucket[1] += 1
        self.factors: dict[tuple, float] = {}
        for key in sorted(sums, key=len):  # parents before children
            parent = self.factors.get(key[:-1], 1.0) if len(key) > 1 else 1.0
            total, count = sums[key]
            self.factors[key] = (total + shrink * parent) / (count + shrink)
        self._by_place: dict[tuple, dict[str, float]] = {}

    def factor(self, code: str, counter: object, hour: int) -> float:
        return self.factors.get((code, counter, hour)) or self.factors.get((code, counter)) or \
            self.factors.get((code,), 1.0)

    def minutes(self, counter: object, hour: int) -> dict[str, float]:
        """``{procedure: learnt typical minutes}`` at ``counter`` in ``hour`` (cached per place)."""
        key = (counter, hour)
        if key not in self._by_place:
            self._by_place[key] = {code: minutes * self.factor(code, counter, hour)
                                   for code, minutes in self.typical.items()}
        return self._by_place[key]

"""The per-counter daily summary, computed from Step events alone. Pure (no Django).

Wait = from queued (or requeued) to called; handling = from serving to done. A visit counts once
per counter however many times it was called there.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean, median


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.9 * len(ordered)) - 1))]


@dataclass
class CounterDay:
    counter_id: int
    visits: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list)
    handling: list[float] = field(default_factory=list)
    counter: object = None

    @property
    def mean_wait(self) -> float | None:
        return mean(self.waits) if self.waits else None

    @property
    def median_wait(self) -> float | None:
        return median(self.waits) if self.waits else None

    @property
    def p90_wait(self) -> float | None:
        return _p90(self.waits) if self.waits else None

    @property
    def mean_handling(self) -> float | None:
        return mean(self.handling) if self.handling else None


def summarise(events: list[tuple[int, int, int, str, datetime]]) -> list[CounterDay]:
    """``events``: (step id, visit id, counter id, kind, at) in time order."""
    rows: dict[int, CounterDay] = {}
    visits: dict[int, set[int]] = {}
    queued_at: dict[int, datetime] = {}
    serving_at: dict[int, datetime] = {}
    for step_id, visit_id, counter_id, kind, at in events:
        row = rows.setdefault(counter_id, CounterDay(counter_id))
        key = step_id  # a Step is at one counter at a time; a moved Step's wait counts where it is called
        if kind in ("queued", "requeued"):
            queued_at[key] = at
            visits.setdefault(counter_id, set()).add(visit_id)
        elif kind == "called" and key in queued_at:
            row.waits.append((at - queued_at.pop(key)).total_seconds() / 60)
        elif kind == "serving":
            serving_at[key] = at
        elif kind == "done":
            row.served += 1
            if key in serving_at:
                row.handling.append((at - serving_at.pop(key)).total_seconds() / 60)
        elif kind == "no_show":
            row.no_shows += 1
    for counter_id, row in rows.items():
        row.visits = len(visits.get(counter_id, ()))
    return list(rows.values())

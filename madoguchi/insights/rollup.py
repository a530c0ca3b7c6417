"""One day's step events turned into the roll-up rows (``insights.models``). Pure (no Django).

``services.rollup_day`` reads the day's visits, Steps and events into these plain records and writes
what ``rollup`` returns. Definitions (the same everywhere the figures appear):

* a **queue join** is a Step's first ``queued`` event at a counter (a no-show's return to the line is
  not a new arrival); its **wait** runs to the first call after it, and belongs to the hour it joined
  and to the counter that called it (a Step moved by the supervisor waited where it was called);
* **handling** runs from the last ``serving`` to ``done``, in the hour service started;
* a desk is **active** in an hour when it held a visitor (called → done or no-show) in it; its **busy
  minutes** are the minutes it held one. Opening and closing a desk is not an event, so desk-hours and
  utilisation are read from this activity;
* the **estimate** is the wait shown when the visitor joined (``details["estimated_wait_minutes"]`` of
  the ``queued`` event); joins recorded without one (imported, older) are left out of its accuracy.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .distribution import bucket_of


@dataclass(frozen=True)
class VisitIn:
    visit_id: int
    site_id: int
    arrival_minute: float  # minutes after the day's local midnight
    channel: str
    origin: str
    cancelled: bool
    procedures_added: int


@dataclass(frozen=True)
class StepIn:
    step_id: int
    visit_id: int
    counter_id: int
    procedure_ids: tuple[int, ...]
    prefilled: bool


@dataclass(frozen=True)
class EventIn:
    step_id: int
    counter_id: int
    kind: str
    minute: float  # minutes after the day's local midnight
    desk: int | None = None
    estimate: float | None = None  # queued events: the wait shown then


@dataclass
class DayRows:
    """The rows of every roll-up table for one day (dicts of model field values, ``day`` left out)."""

    visits: list[dict] = field(default_factory=list)
    counter_hours: list[dict] = field(default_factory=list)
    hour_distributions: list[dict] = field(default_factory=list)
    counter_distributions: list[dict] = field(default_factory=list)
    site_hour_distributions: list[dict] = field(default_factory=list)
    procedures: list[dict] = field(default_factory=list)
    procedure_distributions: list[dict] = field(default_factory=list)
    strata: list[dict] = field(default_factory=list)
    channel_waits: list[dict] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


def size_class(procedures_at_registration: int) -> int:
    """1, 2 (two or three procedures) or 4 (four or more)."""
    if procedures_at_registration <= 1:
        return 1
    return 2 if procedures_at_registration <= 3 else 4


def hour_of(minute: float) -> int:
    return min(23, max(0, int(minute // 60)))


@dataclass
class _StepTrace:
    joined: float | None = None
    join_counter: int | None = None
    estimate: float | None = None
    called: float | None = None
    call_counter: int | None = None
    serving: float | None = None
    handled: float | None = None
    handled_at: float | None = None
    handled_counter: int | None = None
    desk_open: tuple[float, int, int] | None = None  # (from, counter, desk) while a desk holds the visitor


def _add(row: dict, name: str, value: float) -> None:
    row[name] = row.get(name, 0) + value


def rollup(*, visits: Iterable[VisitIn], steps: Iterable[StepIn], events: Iterable[EventIn],
           prefillable: set[int], procedure_codes: Mapping[int, str]) -> DayRows:
    """The day's roll-up rows. ``events`` in the order they happened; ``prefillable``: ids of the
    procedures that have a pre-fillable form; ``procedure_codes``: id → code (the strata's names)."""
    visits = {v.visit_id: v for v in visits}
    steps = {s.step_id: s for s in steps if s.visit_id in visits}
    traces: dict[int, _StepTrace] = defaultdict(_StepTrace)
    counter_hour: dict[tuple, dict] = {}
    desk_intervals: dict[int, list[tuple[float, float, int]]] = defaultdict(list)

    def ch(counter_id: int, minute: float, site_id: int) -> dict:
        key = (site_id, counter_id, hour_of(minute))
        row = counter_hour.get(key)
        if row is None:
            row = counter_hour[key] = {"site_id": site_id, "counter_id": counter_id, "hour": key[2]}
        return row

    for event in events:
        step = steps.get(event.step_id)
        if step is None:
            continue
        site = visits[step.visit_id].site_id
        trace = traces[event.step_id]
        kind = event.kind
        if kind == "queued" and trace.joined is None:
            trace.joined, trace.join_counter, trace.estimate = event.minute, event.counter_id, event.estimate
            _add(ch(event.counter_id, event.minute, site), "joins", 1)
        elif kind == "called":
            _add(ch(event.counter_id, event.minute, site), "calls", 1)
            if trace.joined is not None and trace.called is None:
                trace.called, trace.call_counter = event.minute, event.counter_id
            if event.desk is not None:
                trace.desk_open = (event.minute, event.counter_id, event.desk)
        elif kind == "serving":
            trace.serving = event.minute
        elif kind == "done":
            _add(ch(event.counter_id, event.minute, site), "served", 1)
            if trace.serving is not None:
                trace.handled = max(0.0, event.minute - trace.serving)
                trace.handled_at, trace.handled_counter = trace.serving, event.counter_id
        elif kind == "no_show":
            _add(ch(event.counter_id, event.minute, site), "no_shows", 1)
        if kind in ("done", "no_show", "cancelled") and trace.desk_open is not None:
            start, counter_id, desk = trace.desk_open
            desk_intervals[counter_id].append((start, max(start, event.minute), desk))
            trace.desk_open = None

    out = DayRows()
    hour_dist: dict[tuple, int] = defaultdict(int)
    procedure_rows: dict[tuple, dict] = {}
    procedure_dist: dict[tuple, int] = defaultdict(int)
    strata: dict[tuple, dict] = {}
    channel_waits: dict[tuple, dict] = {}
    for step_id, trace in traces.items():
        step = steps[step_id]
        visit = visits[step.visit_id]
        site = visit.site_id
        wait = trace.called - trace.joined if trace.called is not None and trace.joined is not None else None
        if wait is not None:
            wait = max(0.0, wait)
            row = ch(trace.call_counter, trace.joined, site)
            _add(row, "wait_count", 1)
            _add(row, "wait_sum", wait)
            _add(row, "wait_sq", wait * wait)
            hour_dist[(site, trace.call_counter, hour_of(trace.joined), "wait", bucket_of(wait))] += 1
            if trace.estimate is not None:
                error = trace.estimate - wait
                _add(row, "estimates", 1)
                _add(row, "estimate_abs_error", abs(error))
                _add(row, "estimate_error", error)
            key = (site, trace.call_counter, hour_of(trace.joined), visit.channel)
            cw = channel_waits.setdefault(key, {"site_id": site, "counter_id": key[1], "hour": key[2],
                                                "channel": key[3]})
            _add(cw, "wait_count", 1)
            _add(cw, "wait_sum", wait)
            _add(cw, "wait_sq", wait * wait)
        handled = trace.handled
        if handled is not None:
            row = ch(trace.handled_counter, trace.handled_at, site)
            _add(row, "handling_count", 1)
            _add(row, "handling_sum", handled)
            _add(row, "handling_sq", handled * handled)
            hour_dist[(site, trace.handled_counter, hour_of(trace.handled_at), "handling", bucket_of(handled))] += 1
            codes = sorted(procedure_codes.get(p, str(p)) for p in step.procedure_ids)
            key = (site, trace.handled_counter, "+".join(codes), visit.channel, step.prefilled,
                   any(p in prefillable for p in step.procedure_ids))
            stratum = strata.setdefault(key, dict(zip(
                ("site_id", "counter_id", "stratum", "channel", "prefilled", "prefillable"), key, strict=True)))
            _add(stratum, "steps", 1)
            _add(stratum, "handling_count", 1)
            _add(stratum, "handling_sum", handled)
            _add(stratum, "handling_sq", handled * handled)
        if trace.joined is None:
            continue
        counter_id = trace.handled_counter or trace.call_counter or trace.join_counter
        for procedure_id in step.procedure_ids:
            key = (site, counter_id, procedure_id)
            row = procedure_rows.setdefault(key, {"site_id": site, "counter_id": counter_id,
                                                  "procedure_id": procedure_id})
            _add(row, "steps", 1)
            _add(row, "prefilled", 1 if step.prefilled else 0)
            if wait is not None:
                _add(row, "wait_count", 1)
                _add(row, "wait_sum", wait)
                procedure_dist[(site, counter_id, procedure_id, "wait", bucket_of(wait))] += 1
            if handled is not None:
                _add(row, "handling_count", 1)
                _add(row, "handling_sum", handled)
                procedure_dist[(site, counter_id, procedure_id, "handling", bucket_of(handled))] += 1

    sites_of_counter = {}
    for (site, counter_id, _hour), _row in counter_hour.items():
        sites_of_counter[counter_id] = site
    for counter_id, intervals in desk_intervals.items():
        site = sites_of_counter.get(counter_id)
        if site is None:
            continue
        by_hour: dict[int, tuple[float, set[int]]] = {}
        for start, end, desk in intervals:
            for hour in range(hour_of(start), hour_of(end) + 1):
                overlap = min(end, (hour + 1) * 60.0) - max(start, hour * 60.0)
                busy, desks = by_hour.get(hour, (0.0, set()))
                desks.add(desk)
                by_hour[hour] = (busy + max(0.0, overlap), desks)
        for hour, (busy, desks) in by_hour.items():
            row = ch(counter_id, hour * 60.0, site)
            _add(row, "busy_minutes", busy)
            row["desks_active"] = len(desks)

    out.counter_hours = list(counter_hour.values())
    out.hour_distributions = [
        {"site_id": s, "counter_id": c, "hour": h, "metric": m, "bucket": b, "count": n}
        for (s, c, h, m, b), n in hour_dist.items()]
    by_counter: dict[tuple, int] = defaultdict(int)
    by_site_hour: dict[tuple, int] = defaultdict(int)
    for (s, c, h, m, b), n in hour_dist.items():
        by_counter[(s, c, m, b)] += n
        by_site_hour[(s, h, m, b)] += n
    out.counter_distributions = [{"site_id": s, "counter_id": c, "metric": m, "bucket": b, "count": n}
                                 for (s, c, m, b), n in by_counter.items()]
    out.site_hour_distributions = [{"site_id": s, "hour": h, "metric": m, "bucket": b, "count": n}
                                   for (s, h, m, b), n in by_site_hour.items()]
    out.procedures = list(procedure_rows.values())
    out.procedure_distributions = [
        {"site_id": s, "counter_id": c, "procedure_id": p, "metric": m, "bucket": b, "count": n}
        for (s, c, p, m, b), n in procedure_dist.items()]
    out.strata = list(strata.values())
    out.channel_waits = list(channel_waits.values())
    out.visits = _visit_rows(visits, steps, traces)
    return out


def _visit_rows(visits: Mapping[int, VisitIn], steps: Mapping[int, StepIn], traces) -> list[dict]:
    procedures: dict[int, set[int]] = defaultdict(set)
    counters: dict[int, set[int]] = defaultdict(set)
    prefilled: set[int] = set()
    for step in steps.values():
        procedures[step.visit_id].update(step.procedure_ids)
        trace = traces.get(step.step_id)
        if trace is not None and trace.joined is not None:
            counters[step.visit_id].add(step.counter_id)
        if step.prefilled:
            prefilled.add(step.visit_id)
    rows: dict[tuple, dict] = {}
    for visit in visits.values():
        total = len(procedures[visit.visit_id])
        size = size_class(max(1, total - visit.procedures_added))
        key = (visit.site_id, hour_of(visit.arrival_minute), visit.channel, visit.origin, size)
        row = rows.setdefault(key, dict(zip(("site_id", "hour", "channel", "origin", "size"), key, strict=True)))
        _add(row, "visits", 1)
        _add(row, "multi_procedure", 1 if total > 1 else 0)
        _add(row, "multi_counter", 1 if len(counters[visit.visit_id]) > 1 else 0)
        _add(row, "with_added", 1 if visit.procedures_added > 0 else 0)
        _add(row, "added_procedures", visit.procedures_added)
        _add(row, "prefilled", 1 if visit.visit_id in prefilled else 0)
        _add(row, "cancelled", 1 if visit.cancelled else 0)
    return list(rows.values())

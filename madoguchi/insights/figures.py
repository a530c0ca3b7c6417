"""Reads of the daily roll-ups: the dashboard's figures for a date range, site and counter.

Every figure is a sum over roll-up rows in SQL (``GROUP BY``), then means, shares and percentiles in
Python from those sums: a year of history is a few thousand grouped rows, never the raw step events.
Each table is read once at the finest grouping a page needs (counter × hour), the coarser figures
(per hour, per counter, in total) added up from it in Python; histograms are read from the coarsest
table that answers (per counter, per site hour; per counter and hour only for one counter).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek

from madoguchi.catalog.models import Counter, Procedure, Site

from .distribution import quantile
from .models import (
    CounterDistribution,
    CounterHourRollup,
    HourDistribution,
    ProcedureDistribution,
    ProcedureRollup,
    SiteHourDistribution,
    VisitRollup,
)


@dataclass(frozen=True)
class Scope:
    """What the figures are about: ``start``..``end`` (inclusive), a site (None: all), a counter (None: all)."""

    start: date
    end: date
    site: Site | None = None
    counter: Counter | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def rows(self, model, *, counter: bool = True):
        query = model.objects.filter(day__range=(self.start, self.end))
        if self.site is not None:
            query = query.filter(site=self.site)
        if counter and self.counter is not None and any(f.name == "counter" for f in model._meta.fields):
            query = query.filter(counter=self.counter)
        return query

    def previous(self) -> "Scope":
        """The same number of days just before (for the change since the last period)."""
        return Scope(self.start - timedelta(days=self.days), self.start - timedelta(days=1), self.site, self.counter)


@dataclass
class Spread:
    """Minutes: count, mean, standard deviation, median and 90th percentile."""

    count: int = 0
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, count, total, squares, buckets=None) -> "Spread":
        count = int(count or 0)
        if not count:
            return cls()
        mean = total / count
        sd = math.sqrt(max(0.0, squares / count - mean * mean)) if squares is not None and count > 1 else None
        buckets = buckets or {}
        return cls(count, mean, sd, quantile(buckets, 0.5), quantile(buckets, 0.9))


COUNTER_SUMS = ("joins", "calls", "served", "no_shows", "wait_count", "wait_sum", "wait_sq", "handling_count",
                "handling_sum", "handling_sq", "busy_minutes", "desks_active", "estimates", "estimate_abs_error",
                "estimate_error")
VISIT_SUMS = ("visits", "multi_procedure", "multi_counter", "with_added", "added_procedures", "prefilled", "cancelled")


def _sums(query, keys: tuple[str, ...], fields: tuple[str, ...]) -> dict[tuple, dict]:
    out = {}
    for row in query.values(*keys).annotate(**{f"s_{f}": Sum(f) for f in fields}).order_by(*keys):
        out[tuple(row[k] for k in keys)] = {f: row[f"s_{f}"] or 0 for f in fields}
    return out


def _buckets(query, keys: tuple[str, ...]) -> dict[tuple, dict[str, dict[int, int]]]:
    """{key: {metric: {bucket: count}}}."""
    out: dict[tuple, dict[str, dict[int, int]]] = defaultdict(lambda: {"wait": {}, "handling": {}})
    for row in query.values(*keys, "metric", "bucket").annotate(n=Sum("count")).order_by():
        out[tuple(row[k] for k in keys)][row["metric"]][row["bucket"]] = row["n"]
    return out


@dataclass
class CounterFigures:
    joins: int = 0
    calls: int = 0
    served: int = 0
    no_shows: int = 0
    wait: Spread = field(default_factory=Spread)
    handling: Spread = field(default_factory=Spread)
    desk_hours: float = 0.0
    busy_hours: float = 0.0
    estimates: int = 0
    estimate_mae: float | None = None
    estimate_bias: float | None = None

    @property
    def utilisation(self) -> float | None:
        return self.busy_hours / self.desk_hours if self.desk_hours else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.calls if self.calls else None

    @classmethod
    def of(cls, sums: dict, buckets: dict | None = None) -> "CounterFigures":
        buckets = buckets or {"wait": {}, "handling": {}}
        estimates = int(sums.get("estimates", 0))
        return cls(
            joins=int(sums.get("joins", 0)), calls=int(sums.get("calls", 0)), served=int(sums.get("served", 0)),
            no_shows=int(sums.get("no_shows", 0)),
            wait=Spread.of(sums.get("wait_count"), sums.get("wait_sum", 0), sums.get("wait_sq"), buckets["wait"]),
            handling=Spread.of(sums.get("handling_count"), sums.get("handling_sum", 0), sums.get("handling_sq"),
                               buckets["handling"]),
            desk_hours=float(sums.get("desks_active", 0)), busy_hours=float(sums.get("busy_minutes", 0)) / 60,
            estimates=estimates,
            estimate_mae=sums["estimate_abs_error"] / estimates if estimates else None,
            estimate_bias=sums["estimate_error"] / estimates if estimates else None,
        )


@dataclass
class VisitFigures:
    visits: int = 0
    multi_procedure: int = 0
    multi_counter: int = 0
    with_added: int = 0
    added_procedures: int = 0
    prefilled: int = 0
    cancelled: int = 0

    def share(self, name: str) -> float | None:
        return getattr(self, name) / self.visits if self.visits else None

    @classmethod
    def of(cls, sums: dict) -> "VisitFigures":
        return cls(**{f: int(sums.get(f) or 0) for f in VISIT_SUMS})


@dataclass
class Dashboard:
    scope: Scope
    visits: VisitFigures
    counters_total: CounterFigures
    previous_visits: VisitFigures  # the same number of days just before, for the change
    open_days: int
    by_day: list[dict]
    by_hour: list[dict]
    by_channel: list[dict]
    by_origin: list[dict]
    by_counter: list[dict]
    by_procedure: list[dict]
    accuracy: list[dict]


def _counter_names(ids) -> dict[int, Counter]:
    return {c.pk: c for c in Counter.objects.filter(pk__in=list(ids)).select_related("site")}


def _add_sums(into: dict, sums: dict) -> dict:
    for key, value in sums.items():
        into[key] = into.get(key, 0) + (value or 0)
    return into


def _merge_buckets(into: dict, buckets: dict) -> dict:
    for metric in ("wait", "handling"):
        target = into.setdefault(metric, {})
        for bucket, count in buckets.get(metric, {}).items():
            target[bucket] = target.get(bucket, 0) + count
    return into


def _distributions(scope: Scope) -> tuple[dict, dict, dict]:
    """(buckets in total, per hour, per counter) — {metric: {bucket: count}} each."""
    per_counter = _buckets(scope.rows(CounterDistribution), ("counter_id",))
    if scope.counter is None:
        per_hour = _buckets(scope.rows(SiteHourDistribution), ("hour",))
    else:
        per_hour = _buckets(scope.rows(HourDistribution), ("hour",))
    total: dict = {"wait": {}, "handling": {}}
    for buckets in per_counter.values():
        _merge_buckets(total, buckets)
    return total, per_hour, per_counter


def totals(scope: Scope) -> tuple[VisitFigures, CounterFigures]:
    visits = scope.rows(VisitRollup).aggregate(**{f: Sum(f) for f in VISIT_SUMS})
    counters = {k: v or 0 for k, v in scope.rows(CounterHourRollup).aggregate(
        **{f: Sum(f) for f in COUNTER_SUMS}).items()}
    total: dict = {"wait": {}, "handling": {}}
    for buckets in _buckets(scope.rows(CounterDistribution), ("counter_id",)).values():
        _merge_buckets(total, buckets)
    return VisitFigures.of(visits), CounterFigures.of(counters, total)


def dashboard(scope: Scope) -> Dashboard:
    visit_rows = scope.rows(VisitRollup)
    counter_rows = scope.rows(CounterHourRollup)
    previous_visits = VisitFigures.of(scope.previous().rows(VisitRollup).aggregate(**{f: Sum(f) for f in VISIT_SUMS}))

    # Visits: one read by (hour, channel, origin) gives the total, the hours, the channels and the origins.
    visit_cells = _sums(visit_rows, ("hour", "channel", "origin"), VISIT_SUMS)
    visit_total: dict = {}
    per_hour_visits: dict = defaultdict(int)
    per_channel: dict = defaultdict(dict)
    per_origin: dict = defaultdict(int)
    for (hour, channel, origin), sums in visit_cells.items():
        _add_sums(visit_total, sums)
        per_hour_visits[hour] += sums["visits"]
        _add_sums(per_channel[channel], sums)
        per_origin[origin] += sums["visits"]
    visits = VisitFigures.of(visit_total)

    # Counters: one read by (counter, hour) gives the total, the hours and the counters.
    counter_cells = _sums(counter_rows, ("counter_id", "hour"), COUNTER_SUMS)
    total_sums: dict = {}
    per_hour: dict = defaultdict(dict)
    per_counter: dict = defaultdict(dict)
    for (counter_id, hour), sums in counter_cells.items():
        _add_sums(total_sums, sums)
        _add_sums(per_hour[hour], sums)
        _add_sums(per_counter[counter_id], sums)
    total_buckets, hour_buckets, counter_buckets = _distributions(scope)
    total = CounterFigures.of(total_sums, total_buckets)

    per_day_visits = _sums(visit_rows, ("day",), ("visits", "multi_procedure", "multi_counter"))
    per_day_counter = _sums(counter_rows, ("day",), ("joins", "no_shows", "wait_count", "wait_sum",
                                                     "handling_count", "handling_sum"))
    days = sorted(set(per_day_visits) | set(per_day_counter))
    open_days = len(days)
    by_day = [{"day": day, "visits": VisitFigures.of(per_day_visits.get((day,), {})),
               "counters": CounterFigures.of(per_day_counter.get((day,), {}))} for (day,) in days]

    by_hour = []
    for hour in sorted(set(per_hour) | set(per_hour_visits)):
        by_hour.append({"hour": hour,
                        "visits_per_day": per_hour_visits.get(hour, 0) / open_days if open_days else None,
                        "counters": CounterFigures.of(per_hour.get(hour, {}), hour_buckets.get((hour,)))})

    by_channel = [{"channel": channel, "visits": VisitFigures.of(sums)} for channel, sums in
                  sorted(per_channel.items(), key=lambda kv: -kv[1].get("visits", 0))]
    by_origin = [{"origin": origin, "visits": int(n)} for origin, n in sorted(per_origin.items())]

    names = _counter_names(per_counter)
    by_counter = [{"counter": names[counter_id], "figures": CounterFigures.of(sums, counter_buckets.get((counter_id,)))}
                  for counter_id, sums in per_counter.items() if counter_id in names]
    by_counter.sort(key=lambda r: (r["counter"].site.sort_order, r["counter"].floor, r["counter"].number))

    procedure_sums = _sums(scope.rows(ProcedureRollup), ("procedure_id",),
                           ("steps", "prefilled", "wait_count", "wait_sum", "handling_count", "handling_sum"))
    procedure_buckets = _buckets(scope.rows(ProcedureDistribution), ("procedure_id",))
    procedures = {p.pk: p for p in Procedure.objects.filter(pk__in=[k[0] for k in procedure_sums])}
    by_procedure = []
    for key, s in procedure_sums.items():
        buckets = procedure_buckets.get(key, {"wait": {}, "handling": {}})
        by_procedure.append({
            "procedure": procedures[key[0]], "steps": int(s["steps"]), "prefilled": int(s["prefilled"]),
            "wait": Spread.of(s["wait_count"], s["wait_sum"], None, buckets["wait"]),
            "handling": Spread.of(s["handling_count"], s["handling_sum"], None, buckets["handling"])})
    by_procedure.sort(key=lambda r: (r["procedure"].sort_order, r["procedure"].code))

    accuracy_rows = (counter_rows.filter(estimates__gt=0).annotate(week=TruncWeek("day"))
                     .values("counter_id", "week").annotate(n=Sum("estimates"), abs_error=Sum("estimate_abs_error"),
                                                            error=Sum("estimate_error"), waits=Sum("wait_sum"),
                                                            joins=Sum("wait_count")).order_by("week", "counter_id"))
    accuracy = [{"counter": names.get(r["counter_id"]) or _counter_names([r["counter_id"]])[r["counter_id"]],
                 "week": r["week"], "estimates": r["n"], "mae": r["abs_error"] / r["n"], "bias": r["error"] / r["n"],
                 "mean_wait": r["waits"] / r["joins"] if r["joins"] else None} for r in accuracy_rows]
    return Dashboard(scope, visits, total, previous_visits, open_days, by_day, by_hour, by_channel, by_origin,
                     by_counter, by_procedure, accuracy)


def daily_summary(scope: Scope) -> list[dict]:
    """One row per day and site (per day only, with a counter): the summary API's and CSV's rows."""
    keys = ("day", "site_id")
    visits = _sums(scope.rows(VisitRollup), keys, VISIT_SUMS) if scope.counter is None else {}
    counters = _sums(scope.rows(CounterHourRollup), keys, COUNTER_SUMS)
    buckets = _buckets(scope.rows(CounterDistribution), keys)
    sites = {s.pk: s for s in Site.objects.all()}
    rows = []
    for key in sorted(set(visits) | set(counters)):
        rows.append({"day": key[0], "site": sites[key[1]], "visits": VisitFigures.of(visits.get(key, {})),
                     "counters": CounterFigures.of(counters.get(key, {}), buckets.get(key))})
    return rows


def days_with_figures(scope: Scope) -> int:
    return scope.rows(VisitRollup).aggregate(n=Count("day", distinct=True))["n"] or 0


def weekly_usage(scope: Scope) -> list[dict]:
    """Per ISO week (Monday): visits, and the visits of each channel and pre-filled (usage over time)."""
    sums = {"visits": Sum("visits"), "prefilled": Sum("prefilled"),
            "navigator": Sum("visits", filter=Q(channel="navigator")),
            "preapplication": Sum("visits", filter=Q(channel="preapplication")),
            "appointment": Sum("visits", filter=Q(channel="appointment"))}
    rows = (scope.rows(VisitRollup).annotate(week=TruncWeek("day")).values("week")
            .annotate(**{f"n_{name}": value for name, value in sums.items()}).order_by("week"))
    return [{"week": row["week"], **{name: row[f"n_{name}"] or 0 for name in sums}} for row in rows]

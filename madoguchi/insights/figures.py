"""Reads of the daily roll-ups: the dashboard's figures for a date range, site and counter.

Every figure is a sum over roll-up rows in SQL (``GROUP BY``), then means, shares and percentiles in
Python from those sums: a year of history is a few thousand grouped rows, never the raw step events.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek

from madoguchi.catalog.models import Counter, Procedure, Site

from .distribution import quantile
from .models import CounterHourRollup, HourDistribution, ProcedureDistribution, ProcedureRollup, VisitRollup


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
    previous_visits: VisitFigures
    previous_total: CounterFigures
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


def totals(scope: Scope) -> tuple[VisitFigures, CounterFigures]:
    visits = scope.rows(VisitRollup).aggregate(**{f: Sum(f) for f in VISIT_SUMS})
    counters = {k: v or 0 for k, v in scope.rows(CounterHourRollup).aggregate(
        **{f: Sum(f) for f in COUNTER_SUMS}).items()}
    buckets = _buckets(scope.rows(HourDistribution), ())
    return VisitFigures.of(visits), CounterFigures.of(counters, buckets.get((), None))


def dashboard(scope: Scope) -> Dashboard:
    visits, total = totals(scope)
    previous_visits, previous_total = totals(scope.previous())
    visit_rows = scope.rows(VisitRollup)
    counter_rows = scope.rows(CounterHourRollup)

    per_day_visits = _sums(visit_rows, ("day",), VISIT_SUMS)
    per_day_counter = _sums(counter_rows, ("day",), COUNTER_SUMS)
    open_days = len(set(per_day_visits) | set(per_day_counter))
    by_day = []
    for (day,) in sorted(set(per_day_visits) | set(per_day_counter)):
        v = VisitFigures.of(per_day_visits.get((day,), {}))
        c = CounterFigures.of(per_day_counter.get((day,), {}))
        by_day.append({"day": day, "visits": v, "counters": c})

    per_hour_visits = _sums(visit_rows, ("hour",), ("visits",))
    per_hour = _sums(counter_rows, ("hour",), COUNTER_SUMS)
    hour_buckets = _buckets(scope.rows(HourDistribution), ("hour",))
    by_hour = []
    for hour in sorted({k[0] for k in per_hour} | {k[0] for k in per_hour_visits}):
        figures = CounterFigures.of(per_hour.get((hour,), {}), hour_buckets.get((hour,)))
        arrivals = per_hour_visits.get((hour,), {}).get("visits", 0)
        by_hour.append({"hour": hour, "visits_per_day": arrivals / open_days if open_days else None,
                        "counters": figures})

    channel_sums = _sums(visit_rows, ("channel",), VISIT_SUMS)
    by_channel = [{"channel": k[0], "visits": VisitFigures.of(s)} for k, s in
                  sorted(channel_sums.items(), key=lambda kv: -kv[1]["visits"])]
    by_origin = [{"origin": k[0], "visits": int(s["visits"])} for k, s in
                 sorted(_sums(visit_rows, ("origin",), ("visits",)).items())]

    per_counter = _sums(counter_rows, ("counter_id",), COUNTER_SUMS)
    counter_buckets = _buckets(scope.rows(HourDistribution), ("counter_id",))
    names = _counter_names(k[0] for k in per_counter)
    by_counter = [{"counter": names[k[0]], "figures": CounterFigures.of(s, counter_buckets.get(k))}
                  for k, s in per_counter.items() if k[0] in names]
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
    accuracy_names = _counter_names({r["counter_id"] for r in accuracy_rows})
    accuracy = [{"counter": accuracy_names[r["counter_id"]], "week": r["week"], "estimates": r["n"],
                 "mae": r["abs_error"] / r["n"], "bias": r["error"] / r["n"],
                 "mean_wait": r["waits"] / r["joins"] if r["joins"] else None} for r in accuracy_rows]
    return Dashboard(scope, visits, total, previous_visits, previous_total, open_days, by_day, by_hour, by_channel,
                     by_origin, by_counter, by_procedure, accuracy)


def daily_summary(scope: Scope) -> list[dict]:
    """One row per day and site (per day only, with a counter): the summary API's and CSV's rows."""
    keys = ("day", "site_id")
    visits = _sums(scope.rows(VisitRollup), keys, VISIT_SUMS) if scope.counter is None else {}
    counters = _sums(scope.rows(CounterHourRollup), keys, COUNTER_SUMS)
    buckets = _buckets(scope.rows(HourDistribution), keys)
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

"""Reads for the congestion forecast: the history as series (from the roll-ups), the site's forecast for
the coming weeks (cached), the desk need per hour, and the backtest.

The site's series is its visits by arrival hour; each counter's, its queue joins by hour with the waits
that followed. Recorded, imported and demo days all count (they are ordinary step events).
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone

from madoguchi.catalog.models import Counter, Site

from . import forecast as model
from .calendar import learn_open_weekdays
from .models import CounterHourRollup, RollupDay, VisitRollup
from .selectors import office_calendar

HORIZON_WEEKS = 8
HISTORY_DAYS = 3 * 365
CACHE_SECONDS = 600
TARGET_UTILISATION = 0.85  # desks needed: the expected desk time ÷ this (a desk is never busy all hour)


def level_minutes() -> tuple[float, float]:
    return tuple(getattr(settings, "INSIGHTS_FORECAST_LEVEL_MINUTES", model.LEVEL_MINUTES))


def history(site: Site, *, until: date) -> tuple[model.Series, dict[str, model.Series]]:
    """(the site's series, {counter code: series}) of the days before ``until``."""
    since = until - timedelta(days=HISTORY_DAYS)
    site_series = model.Series(None, {})
    for day, hour, visits in (VisitRollup.objects.filter(site=site, day__range=(since, until - timedelta(days=1)))
                              .values("day", "hour").annotate(n=Sum("visits")).values_list("day", "hour", "n")):
        site_series.arrivals.setdefault(day, [0.0] * model.HOURS)[hour] += visits
    codes = dict(Counter.objects.filter(site=site).values_list("id", "code"))
    counters: dict[str, model.Series] = {}
    for counter_id, day, hour, joins, wait_count, wait_sum in (
            CounterHourRollup.objects.filter(site=site, day__range=(since, until - timedelta(days=1)))
            .values_list("counter_id", "day", "hour", "joins", "wait_count", "wait_sum")):
        series = counters.setdefault(codes[counter_id], model.Series(codes[counter_id], {}, {}))
        series.arrivals.setdefault(day, [0.0] * model.HOURS)[hour] += joins
        waits = series.waits.setdefault(day, [(0, 0.0)] * model.HOURS)
        waits[hour] = (waits[hour][0] + wait_count, waits[hour][1] + wait_sum)
    for series in counters.values():  # a day the site was open but nobody came to this counter: zero
        for day in site_series.arrivals:
            series.arrivals.setdefault(day, [0.0] * model.HOURS)
    return site_series, counters


@dataclass
class SiteForecast:
    site: Site
    start: date
    end: date
    generated_at: object
    site_days: list[model.DayForecast]
    counters: dict[str, model.SeriesForecast]
    counter_objects: dict[str, Counter]
    site_model: model.DayModel | None
    handling_minutes: dict[str, float]  # mean handling per counter over the last eight weeks
    history_days: int

    def days_for(self, counter: str | None) -> list[model.DayForecast]:
        if counter is None:
            return self.site_days
        forecast = self.counters.get(counter)
        return forecast.days if forecast else []

    def desks_needed(self, counter: str, expected_visits: float) -> int:
        minutes = self.handling_minutes.get(counter)
        if not minutes or expected_visits <= 0:
            return 0
        return math.ceil(expected_visits * minutes / (60 * TARGET_UTILISATION))


def _stamp() -> str:
    latest = RollupDay.objects.aggregate(day=Max("day"), at=Max("computed_at"))
    return f"{latest['day']}:{latest['at'].timestamp() if latest['at'] else 0}"


def site_forecast(site: Site, *, start: date | None = None, end: date | None = None) -> SiteForecast:
    """The forecast of ``start``..``end`` (default: today and the next eight weeks) from the history before
    today. Cached for ten minutes, and until a roll-up changes."""
    today = timezone.localdate()
    start = start or today
    end = end or today + timedelta(weeks=HORIZON_WEEKS)
    key = f"insights:forecast:{site.pk}:{start}:{end}:{today}:{_stamp()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    site_series, counter_series = history(site, until=today)
    calendar = office_calendar(open_weekdays=learn_open_weekdays(site_series.arrivals))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    site_model = model.fit_series(site_series, calendar, until=today)
    counters = {}
    for code, series in sorted(counter_series.items()):
        forecast = model.forecast_series(series, calendar, days, until=today, site=site_model,
                                         level_minutes=level_minutes())
        if forecast.model is not None:
            counters[code] = forecast
    site_days = model.forecast_series(site_series, calendar, days, until=today, counters=counters,
                                      level_minutes=level_minutes()).days
    handling = {}
    for counter_id, count, total in (CounterHourRollup.objects.filter(
            site=site, day__range=(today - timedelta(weeks=8), today - timedelta(days=1)))
            .values("counter_id").annotate(n=Sum("handling_count"), s=Sum("handling_sum"))
            .values_list("counter_id", "n", "s")):
        if count:
            handling[counter_id] = total / count
    objects = {c.code: c for c in Counter.objects.filter(site=site)}
    result = SiteForecast(site, start, end, timezone.now(), site_days, counters, objects, site_model,
                          {code: handling[c.pk] for code, c in objects.items() if c.pk in handling},
                          len(site_series.arrivals))
    cache.set(key, result, CACHE_SECONDS)
    return result


@dataclass
class BacktestReport:
    site: Site
    end: date
    weeks: int
    site_test: model.Backtest
    counter_tests: list[model.Backtest]

    @property
    def counters(self) -> model.Backtest:
        return model.combined(self.counter_tests)


def backtest(site: Site, *, weeks: int, end: date | None = None) -> BacktestReport:
    """Re-forecast each of the last ``weeks`` weeks before ``end`` (default: today) from the days before it."""
    end = end or timezone.localdate()
    site_series, counter_series = history(site, until=end)
    calendar = office_calendar(open_weekdays=learn_open_weekdays(site_series.arrivals))
    site_test = model.backtest(site_series, calendar, weeks=weeks, end=end)
    counter_tests = [model.backtest(series, calendar, weeks=weeks, end=end, site=site_series)
                     for _code, series in sorted(counter_series.items())]
    return BacktestReport(site, end, weeks, site_test, [t for t in counter_tests if t.cells])

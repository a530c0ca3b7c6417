"""The insights over JSON, for the ward's own BI tools: the effect of each digital service, the daily
summary, and the public congestion forecast. Bad dates or parameters answer 422 naming the field."""

from datetime import date, timedelta

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from madoguchi.catalog.models import Counter, Site
from madoguchi.core.api import IsoDay
from madoguchi.core.api_auth import staff
from madoguchi.core.errors import DomainError
from madoguchi.core.roles import Capability

from . import effects, figures, forecasts, rollups
from .forms import MAX_RANGE_DAYS

router = Router(tags=["insights"])


class InsightsRangeQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: IsoDay | None = Field(None, alias="from", description="First day (YYYY-MM-DD); default four weeks ago")
    to: IsoDay | None = Field(None, description="Last day (YYYY-MM-DD); default today")
    site: str | None = Field(None, description="Site code; all sites when omitted")
    counter: str | None = Field(None, description="Counter code (summary only)")


def _scope(query: InsightsRangeQuery, *, default_days: int = 28, counter_allowed: bool = True) -> figures.Scope:
    today = timezone.localdate()
    end = query.to or today
    start = query.from_ or end - timedelta(days=default_days - 1)
    problems = []
    if end < start:
        problems.append(DomainError(_("'to' is before 'from'."), field="to"))
    elif (end - start).days >= MAX_RANGE_DAYS:
        problems.append(DomainError(_("Ask for at most three years."), field="to"))
    site = None
    if query.site:
        site = Site.objects.filter(code=query.site).first()
        if site is None:
            problems.append(DomainError(_("No site %(site)s."), field="site", site=query.site))
    counter = None
    if query.counter:
        if not counter_allowed:
            problems.append(DomainError(_("This endpoint takes no counter."), field="counter"))
        else:
            counter = Counter.objects.filter(code=query.counter).select_related("site").first()
            if counter is None:
                problems.append(DomainError(_("No counter %(counter)s."), field="counter", counter=query.counter))
            elif site is not None and counter.site_id != site.pk:
                problems.append(DomainError(_("Counter %(counter)s is not at that site."), field="counter",
                                            counter=query.counter))
    if problems:
        raise DomainError.collect(problems)
    rollups.ensure_rollups(start, end)
    return figures.Scope(start, end, site or (counter.site if counter else None), counter)


class InsightsStratum(Schema):
    label: str
    counter: str | None
    procedures: list[str]
    usage_rate: float | None
    n_with: int
    n_without: int
    difference_minutes: float | None
    relative_difference: float | None
    ci95_relative: list[float] | None
    enough_data: bool


class InsightsServiceEffect(Schema):
    service: str
    measure: str = Field(description="handling_minutes, wait_minutes, visits_with_added_procedures or payment_minutes")
    usage_rate: float | None
    n_with: int
    n_without: int
    difference_minutes: float | None = Field(description="with − without, minutes (null for shares or too few)")
    difference: float | None = Field(description="with − without in the measure's unit (a share for the navigator)")
    relative_difference: float | None
    ci95_relative: list[float] | None = Field(description="95% interval of the relative difference [low, high]")
    ci95_difference: list[float] | None
    enough_data: bool = Field(description="false: too few visits on a side to say (every figure is then null)")
    per_procedure: list[InsightsStratum]


class InsightsEffects(Schema):
    from_: date = Field(alias="from")
    to: date
    site: str | None
    min_count: int
    services: list[InsightsServiceEffect]


def _pair(value) -> list[float] | None:
    return [float(value[0]), float(value[1])] if value else None


def _effect_row(item: effects.ServiceEffect) -> dict:
    effect = item.effect
    enough = bool(effect and effect.enough)
    minutes = item.measure != "visits_with_added_procedures"
    return {
        "service": item.service, "measure": item.measure, "usage_rate": item.usage_rate,
        "n_with": effect.n_with if effect else 0, "n_without": effect.n_without if effect else 0,
        "difference_minutes": effect.difference if enough and minutes else None,
        "difference": effect.difference if enough else None,
        "relative_difference": effect.relative if enough else None,
        "ci95_relative": _pair(effect.ci95_relative) if enough else None,
        "ci95_difference": _pair(effect.ci95) if enough else None,
        "enough_data": enough,
        "per_procedure": [{
            "label": s.label, "counter": s.counter.code if s.counter else None, "procedures": s.procedures,
            "usage_rate": s.usage_rate, "n_with": s.effect.n_with, "n_without": s.effect.n_without,
            "difference_minutes": s.effect.difference if s.enough and minutes else None,
            "relative_difference": s.effect.relative if s.enough else None,
            "ci95_relative": _pair(s.effect.ci95_relative) if s.enough else None, "enough_data": s.enough,
        } for s in item.strata],
    }


@router.get("/insights/effects", response=InsightsEffects, by_alias=True, auth=staff(Capability.INSIGHTS_VIEW),
            summary="Usage and effect of each digital service, with 95% intervals (stratified comparison)")
def insights_effects(request, query: Query[InsightsRangeQuery]):
    scope = _scope(query, default_days=91, counter_allowed=False)
    return {"from": scope.start, "to": scope.end, "site": scope.site.code if scope.site else None,
            "min_count": effects.min_count(), "services": [_effect_row(i) for i in effects.service_effects(scope)]}


class InsightsDay(Schema):
    date: date
    site: str
    visits: int | None = Field(description="visits arriving (null when a counter is asked for)")
    multi_procedure_visits: int | None
    handoff_visits: int | None = Field(description="visits handed on to at least one more counter")
    queue_joins: int
    served: int
    no_shows: int
    mean_wait_minutes: float | None
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    mean_handling_minutes: float | None
    median_handling_minutes: float | None
    desk_hours: float
    utilisation: float | None
    estimate_mae_minutes: float | None
    estimate_bias_minutes: float | None


class InsightsSummary(Schema):
    from_: date = Field(alias="from")
    to: date
    site: str | None
    counter: str | None
    rows: list[InsightsDay]


@router.get("/insights/summary", response=InsightsSummary, by_alias=True, auth=staff(Capability.INSIGHTS_VIEW),
            summary="Daily figures per site (or for one counter)")
def insights_summary(request, query: Query[InsightsRangeQuery]):
    scope = _scope(query)
    rows = []
    for row in figures.daily_summary(scope):
        v, c = row["visits"], row["counters"]
        per_visit = scope.counter is None
        rows.append({
            "date": row["day"], "site": row["site"].code, "visits": v.visits if per_visit else None,
            "multi_procedure_visits": v.multi_procedure if per_visit else None,
            "handoff_visits": v.multi_counter if per_visit else None, "queue_joins": c.joins, "served": c.served,
            "no_shows": c.no_shows, "mean_wait_minutes": c.wait.mean, "median_wait_minutes": c.wait.median,
            "p90_wait_minutes": c.wait.p90, "mean_handling_minutes": c.handling.mean,
            "median_handling_minutes": c.handling.median, "desk_hours": c.desk_hours, "utilisation": c.utilisation,
            "estimate_mae_minutes": c.estimate_mae, "estimate_bias_minutes": c.estimate_bias})
    return {"from": scope.start, "to": scope.end, "site": scope.site.code if scope.site else None,
            "counter": scope.counter.code if scope.counter else None, "rows": rows}


# --- the public forecast -------------------------------------------------------------------------------


class ForecastQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    site: str | None = Field(None, description="Site code; the main office when omitted")
    counter: str | None = Field(None, description="Counter code; the whole site when omitted")
    from_: IsoDay | None = Field(None, alias="from", description="First day; default today")
    to: IsoDay | None = Field(None, description="Last day; default and at most eight weeks ahead")


class ForecastHour(Schema):
    hour: int
    expected_visits: float
    expected_wait_minutes: float | None
    level: str


class ForecastDay(Schema):
    date: date
    open: bool
    level: str | None = Field(description="low (空いている), medium (やや混雑), high (混雑); null when closed")
    expected_visits: float
    expected_wait_minutes: float | None
    hours: list[ForecastHour]


class ForecastSite(Schema):
    site: str
    counter: str | None
    generated_at: str
    level_wait_minutes: list[float] = Field(description="expected wait below the first: low; from the second: high")
    enough_history: bool
    days: list[ForecastDay]


@router.get("/congestion/forecast", response=ForecastSite, auth=None, tags=["congestion"],
            summary="Congestion forecast per day and hour, eight weeks ahead (public, no personal data)")
def congestion_forecast(request, query: Query[ForecastQuery]):
    today = timezone.localdate()
    horizon = today + timedelta(weeks=forecasts.HORIZON_WEEKS)
    start, end = query.from_ or today, query.to or horizon
    problems = []
    if start < today:
        problems.append(DomainError(_("'from' is in the past: the forecast is of the coming days."), field="from"))
    if end > horizon:
        problems.append(DomainError(_("'to' is beyond the forecast's eight weeks (%(last)s)."), field="to",
                                    last=horizon.isoformat()))
    if end < start:
        problems.append(DomainError(_("'to' is before 'from'."), field="to"))
    site = Site.objects.filter(code=query.site).first() if query.site else Site.objects.filter(active=True).first()
    if site is None:
        problems.append(DomainError(_("No site %(site)s."), field="site", site=query.site or ""))
    counter = None
    if query.counter and site is not None:
        counter = Counter.objects.filter(code=query.counter, site=site).first()
        if counter is None:
            problems.append(DomainError(_("No counter %(counter)s at that site."), field="counter",
                                        counter=query.counter))
    if problems:
        raise DomainError.collect(problems)
    forecast = forecasts.site_forecast(site)
    days = [d for d in forecast.days_for(counter.code if counter else None) if start <= d.day <= end]
    body = {
        "site": site.code, "counter": counter.code if counter else None,
        "generated_at": forecast.generated_at.isoformat(), "level_wait_minutes": list(forecasts.level_minutes()),
        "enough_history": forecast.site_model is not None,
        "days": [{"date": d.day.isoformat(), "open": d.open, "level": d.level if d.open else None,
                  "expected_visits": round(d.expected_visits, 1),
                  "expected_wait_minutes": _round(d.expected_wait_minutes),
                  "hours": [{"hour": h.hour, "expected_visits": round(h.expected_visits, 1),
                             "expected_wait_minutes": _round(h.expected_wait_minutes), "level": h.level}
                            for h in d.hours]}
                 for d in days],
    }
    return JsonResponse(body, headers={"Cache-Control": "public, max-age=300"},
                        json_dumps_params={"ensure_ascii": False})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

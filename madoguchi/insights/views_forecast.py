"""The congestion forecast (混雑予想): the residents' calendar (public, no JavaScript needed, ja / en /
やさしい日本語, levels in words and symbols as well as colours) and the staff view with the desk need per
hour. Both read ``forecasts.site_forecast``; nothing personal is in it."""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from madoguchi.core.access import public, requires
from madoguchi.core.i18n import resident_page
from madoguchi.core.roles import Capability

from . import charts, forecasts, reports
from .forms import ForecastForm
from .monthly import level_labels, reason_labels
from .tables import Column, Table
from .views_figures import export_response


def _calendar_weeks(days, weekdays: list[int]) -> list[list]:
    """The days as calendar rows (one per week), each with a cell per shown weekday (None: outside)."""
    if not days:
        return []
    by_day = {d.day: d for d in days}
    first = days[0].day - timedelta(days=days[0].day.weekday())
    weeks = []
    start = first
    while start <= days[-1].day:
        weeks.append([by_day.get(start + timedelta(days=w)) for w in weekdays])
        start += timedelta(weeks=1)
    return weeks


def _context(request, *, staff: bool) -> dict:
    form = ForecastForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return {"form": form}
    data = form.cleaned_data if form.is_bound else {"site": form.fields["site"].queryset.first(), "counter": None,
                                                     "day": None}
    site = data["site"]
    if site is None:
        raise Http404("no site")
    forecast = forecasts.site_forecast(site)
    counter = data.get("counter")
    days = forecast.days_for(counter.code if counter else None)
    open_days = [d for d in days if d.open]
    chosen = next((d for d in open_days if d.day == data.get("day")), None) or (open_days[0] if open_days else None)
    shown = sorted({d.day.weekday() for d in open_days} | set(range(5)))
    labels = reason_labels()
    context = {
        "form": form, "forecast": forecast, "site": site, "counter": counter, "days": days,
        "weeks": _calendar_weeks(days, shown), "weekdays": [reports.weekday_label_of(w) for w in shown],
        "chosen": chosen, "levels": level_labels(), "reason_labels": labels,
        "enough": forecast.site_model is not None and bool(open_days),
        "level_minutes": forecasts.level_minutes(),
        "days_table": reports.forecast_days_table(days, labels),
    }
    if chosen is not None:
        desks = None
        if staff and counter is not None:
            def desks(hour):
                return forecast.desks_needed(counter.code, hour.expected_visits)
        context["hours_table"] = reports.forecast_hours_table(chosen, desks=desks)
        if staff and counter is None:
            context["desk_table"] = desk_table(forecast, chosen.day)
    return context


def desk_table(forecast: forecasts.SiteForecast, day) -> Table:
    """Desks needed per counter and hour on ``day``: expected arrivals × mean handling ÷ (60 min × 85%)."""
    counters = [(code, forecast.counter_objects[code]) for code in forecast.counters
                if code in forecast.counter_objects]
    table = Table("desks", _("Desks needed per counter and hour"), [Column("hour", _("Hour"))] + [
        Column(code, f"{counter.number} {counter.name}", "int") for code, counter in counters],
        note=_("Expected queue joins × the counter's mean handling time over the last eight weeks ÷ (60 minutes × "
               "85%: a desk is never busy the whole hour), rounded up."))
    hours: dict[int, dict] = {}
    for code, _counter in counters:
        row = next((d for d in forecast.counters[code].days if d.day == day and d.open), None)
        for hour in row.hours if row else []:
            hours.setdefault(hour.hour, {"hour": f"{hour.hour}:00"})[code] = forecast.desks_needed(
                code, hour.expected_visits)
    table.rows = [hours[h] for h in sorted(hours)]
    return table


@public
@resident_page
def public_forecast(request):
    """混雑予想 for residents: the next eight weeks at a glance, and the hours of a chosen day."""
    context = _context(request, staff=False)
    response = render(request, "insights/forecast_public.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def staff_forecast(request):
    context = _context(request, staff=True)
    if "forecast" in context and request.GET.get("chart") == "png":
        days = context["days"]
        image = charts.forecast_chart([d.day for d in days], [d.expected_visits for d in days],
                                      [d.level if d.open else None for d in days],
                                      title=_("Expected visits per day"), axis_label=_("Visits"),
                                      level_labels=context["levels"])
        return HttpResponse(image, content_type="image/png")
    context["section"] = "forecast"
    tables = [t for t in (context.get("days_table"), context.get("hours_table"), context.get("desk_table")) if t]
    download = export_response(request, tables, filename="forecast")
    if download:
        return download
    context["tables"] = tables
    context["query"] = request.GET.urlencode()
    return render(request, "insights/forecast_staff.html", context)

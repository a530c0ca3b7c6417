"""The insights pages for supervisors and analysts: the dashboard, the effect of each digital service,
interventions before and after, the charts, exports (CSV, XLSX) and the monthly report (PDF).

Every page takes the same GET filter (``from``, ``to``, ``site``, ``counter``); ``?export=csv&table=KEY``
downloads one of its tables, ``?export=xlsx`` all of them. No page shows a person: counts and minutes.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.core.access import requires
from madoguchi.core.errors import DomainError, add_to_form
from madoguchi.core.forms import form_guarded
from madoguchi.core.roles import Capability

from . import charts, effects, figures, interventions, reports, rollups, services
from .forms import InterventionForm, MonthForm, ScopeForm
from .models import Intervention
from .monthly import month_bounds, render_monthly_pdf
from .tables import Table, to_csv, to_xlsx


def export_response(request, tables: list[Table], *, filename: str) -> HttpResponse | None:
    """The download asked for by ``?export=``, or None for the page itself."""
    kind = request.GET.get("export")
    if not kind:
        return None
    if kind not in ("csv", "xlsx"):
        raise Http404("unknown export")
    key = request.GET.get("table")
    chosen = [t for t in tables if t.key == key] if key else tables
    if not chosen:
        raise Http404("unknown table")
    if kind == "csv":
        table = chosen[0]
        response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}-{table.key}.csv"'
        return response
    response = HttpResponse(to_xlsx(chosen), content_type="application/vnd.openxmlformats-officedocument."
                                                             "spreadsheetml.sheet")
    suffix = f"-{chosen[0].key}" if key else ""
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.xlsx"'
    return response


def _scoped(request, *, default_days: int = 28):
    form = ScopeForm(request.GET or None, default_days=default_days)
    valid = not form.is_bound or form.is_valid()
    scope = form.scope() if valid else None
    freshness = rollups.ensure_rollups(scope.start, scope.end) if scope else None
    if freshness and freshness.missing:
        messages.warning(request, _("%(days)s days of this period are not rolled up yet: run manage.py "
                                    "insights_rollup (the figures leave them out).") % {"days": len(freshness.missing)})
    return form, scope


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key in ("export", "table"):
        params.pop(key, None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _kpis(board: figures.Dashboard) -> list[dict]:
    v, c, pv = board.visits, board.counters_total, board.previous_visits
    change = (v.visits / pv.visits - 1) if pv.visits else None

    def minutes(value):
        return None if value is None else f"{value:.1f}"

    return [
        {"label": _("Visits"), "value": f"{v.visits:,}", "note": (_("%(change)s on the previous period") % {
            "change": f"{100 * change:+.0f}%"}) if change is not None else ""},
        {"label": _("With several procedures"), "value": _share(v.share("multi_procedure")),
         "note": _("handed on to another counter: %(share)s") % {"share": _share(v.share("multi_counter"))}},
        {"label": _("Wait: mean / median / 90%"), "value": " / ".join(
            minutes(x) or "—" for x in (c.wait.mean, c.wait.median, c.wait.p90)), "note": _("minutes, per queue join")},
        {"label": _("Handling: mean / median"), "value": " / ".join(
            minutes(x) or "—" for x in (c.handling.mean, c.handling.median)), "note": _("minutes at the desk")},
        {"label": _("No-shows"), "value": f"{c.no_shows:,}", "note": _("%(share)s of calls") % {
            "share": _share(c.no_show_rate)}},
        {"label": _("Desk-hours and utilisation"), "value": f"{c.desk_hours:,.0f} h",
         "note": _("busy %(share)s of the desk time") % {"share": _share(c.utilisation)}},
        {"label": _("Wait estimate: mean absolute error"), "value": (minutes(c.estimate_mae) or "—") + " " + _("min"),
         "note": _("mean error %(bias)s min over %(count)s queue joins") % {
             "bias": minutes(c.estimate_bias) or "—", "count": f"{c.estimates:,}"}},
    ]


def _share(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def dashboard(request):
    form, scope = _scoped(request)
    context = {"form": form, "scope": scope, "section": "dashboard"}
    if scope is not None:
        board = figures.dashboard(scope)
        tables = reports.dashboard_tables(board)
        download = export_response(request, tables, filename="insights")
        if download:
            return download
        context.update(board=board, kpis=_kpis(board), tables=tables, query=_query(request),
                       has_figures=board.visits.visits > 0 or board.counters_total.joins > 0)
    return render(request, "insights/dashboard.html", context)


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def effects_page(request):
    form, scope = _scoped(request, default_days=91)
    context = {"form": form, "scope": scope, "section": "effects"}
    if scope is not None:
        items = effects.service_effects(scope)
        summary = reports.effect_summary_table(items)
        by_counter_week = effects.weekly_usage_by_counter(scope)
        tables = [summary, *[reports.strata_table(item) for item in items if item.strata],
                  reports.weekly_usage_table(figures.weekly_usage(scope)),
                  reports.counter_usage_table(by_counter_week), reports.counter_week_usage_table(by_counter_week),
                  reports.procedure_week_usage_table(effects.weekly_usage_by_procedure(scope))]
        download = export_response(request, tables, filename="effects")
        if download:
            return download
        context.update(items=items, summary=summary, tables=tables[1:], query=_query(request),
                       min_count=effects.min_count(), interventions=Intervention.objects.filter(
                           day__range=(scope.start, scope.end))[:20])
    return render(request, "insights/effects.html", context)


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def chart(request, name: str):
    _form, scope = _scoped(request, default_days=91 if name in ("usage", "effects") else 28)
    if scope is None:
        raise Http404("bad filter")
    if name == "visits":
        board = figures.dashboard(scope)
        image = charts.visits_chart(
            [r["day"] for r in board.by_day], [r["visits"].visits for r in board.by_day],
            [r["counters"].wait.mean for r in board.by_day], title=_("Visits per day and mean wait"),
            visits_label=_("Visits"), wait_label=_("Mean wait (min)"))
    elif name == "usage":
        weeks = figures.weekly_usage(scope)
        series = {label: [w[key] / w["visits"] if w["visits"] else None for w in weeks]
                  for key, label in (("prefilled", _("No-writing counter")), ("preapplication", _("Pre-application")),
                                     ("appointment", _("Appointment")), ("navigator", _("Navigator QR")))}
        image = charts.usage_chart([w["week"] for w in weeks], series, title=_("Usage per week (share of visits)"),
                                   axis_label=_("Share of visits (%)"))
    elif name == "effects":
        rows = [(item.label, item.effect.relative, *item.effect.ci95_relative)
                for item in effects.service_effects(scope)
                if item.effect is not None and item.effect.enough and item.effect.ci95_relative]
        image = charts.effects_chart(
            rows, title=_("Effect of each service: relative difference and its interval (95%)"),
            axis_label=_("Difference with the service (%)"))
    else:
        raise Http404("unknown chart")
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- interventions (効果検証) ---------------------------------------------------------------------------


@requires(Capability.INSIGHTS_VIEW)
@form_guarded
@never_cache
def intervention_list(request):
    form = InterventionForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention = services.intervention_record(
                day=data["day"], title=data["title"], description=data["description"], service=data["service"],
                site=data["site"], counter=data["counter"], actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Recorded: %(title)s") % {"title": intervention.title})
            return redirect("insights:intervention", pk=intervention.pk)
    items = Intervention.objects.select_related("site", "counter", "recorded_by")[:200]
    return render(request, "insights/interventions.html", {"form": form, "items": items, "section": "interventions"})


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def intervention_detail(request, pk: int):
    intervention = get_object_or_404(Intervention.objects.select_related("site", "counter"), pk=pk)
    try:
        weeks = max(1, min(26, int(request.GET.get("weeks", 4))))
    except ValueError:
        weeks = 4
    start = intervention.day - timedelta(weeks=weeks)
    end = min(timezone.localdate(), intervention.day + timedelta(weeks=weeks) - timedelta(days=1))
    rollups.ensure_rollups(start, end)
    comparison = interventions.before_after(intervention, weeks=weeks)
    tables = interventions.tables(comparison)
    download = export_response(request, tables, filename=f"intervention-{intervention.pk}")
    if download:
        return download
    return render(request, "insights/intervention.html", {
        "intervention": intervention, "comparison": comparison, "tables": tables, "weeks": weeks,
        "query": _query(request), "section": "interventions"})


@requires(Capability.INSIGHTS_VIEW)
@require_POST
def intervention_delete(request, pk: int):
    intervention = get_object_or_404(Intervention, pk=pk)
    services.intervention_delete(intervention=intervention, actor=request.user)
    messages.success(request, _("Deleted: %(title)s") % {"title": intervention.title})
    return redirect("insights:interventions")


# --- the monthly report (総合窓口運営連絡会) ------------------------------------------------------------


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def monthly_report(request):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    form = MonthForm(request.GET or None, initial={"month": last_month})
    if form.is_bound and form.is_valid():
        start, end = month_bounds(form.cleaned_data["month"])
        site = form.cleaned_data["site"] or form.fields["site"].queryset.first()
        rollups.ensure_rollups(start, min(end, today))
        pdf = render_monthly_pdf(site=site, start=start, end=end, today=today)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="monthly-{site.code}-{start:%Y-%m}.pdf"'
        return response
    return render(request, "insights/monthly.html", {"form": form, "section": "monthly"})

"""The supervisor's office simulator: run a profiled day under the four policies, with a what-if; the
cashless share of the fees and the time at the desk with and without cashless."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from madoguchi.core.access import requires
from madoguchi.core.forms import form_guarded
from madoguchi.core.roles import Capability
from madoguchi.payments.models import Method

from . import selectors
from .cashless import METHODS
from .chart import stay_chart_svg
from .forms import POLICY_LABELS, POLICY_SHORT, CashlessPeriodForm, SimulationForm, counter_name
from .simulation import COMPARED, GROUPS, Comparison, ProfileInvalid, simulate
from .simulation.inputs import UNSTAFFED, what_if
from .simulation.report import clock

CHART_CAPTION_ID = "simulation-chart-caption"


def _group_labels() -> dict[str, str]:
    return {"single": _("One procedure"), "multi": _("Several procedures"),
            "multi_counter": _("Several counters"), "all": _("All visitors")}


def _result_context(comparison: Comparison, office) -> dict:
    groups = _group_labels()
    policies = list(comparison.summaries)
    rows = []
    for group in GROUPS:
        rows.append({"label": groups[group], "visits": comparison.summaries[policies[0]].groups[group].visits,
                     "cells": [comparison.summaries[p].groups[group] for p in policies]})
    utilisation = [
        {"name": counter_name(office, code), "code": code, "desks": comparison.staffing.desk_range(code),
         "cells": [comparison.summaries[p].utilisation.get(code) for p in policies]}
        for code in office.counters if any(code in comparison.summaries[p].utilisation for p in policies)
    ]
    chart = stay_chart_svg(
        comparison, groups={g: groups[g] for g in ("single", "multi", "multi_counter")},
        policies={p: str(POLICY_SHORT[p]) for p in policies}, title=_("Mean stay in the office by visitor"),
        axis_label=_("minutes"), p90_label=_("90th percentile"), labelled_by=CHART_CAPTION_ID)
    return {
        "comparison": comparison, "policies": [(p, POLICY_LABELS[p]) for p in policies], "rows": rows,
        "estimators": [comparison.summaries[p].estimator for p in policies], "utilisation": utilisation,
        "last_departures": [clock(comparison.summaries[p].last_departure) for p in policies],
        "desk_moves": [comparison.summaries[p].desk_moves if p == "d" else None for p in policies],
        "multi_percent": round(100 * comparison.multi_share),
        "wall_seconds": sum(s.wall_seconds for s in comparison.summaries.values()),
        "chart": chart, "chart_caption_id": CHART_CAPTION_ID,
    }


def _problem_text(problem, office) -> str:
    code = problem.field.removeprefix("desks.")
    if problem.message == UNSTAFFED and code in office.counters:
        return _("%(counter)s: visitors need this counter, staff at least one desk.") % {
            "counter": counter_name(office, code)}
    return problem.message


@requires(Capability.SUPERVISE)
@form_guarded
@never_cache
def simulator(request):
    """GET: the form. POST: simulate and show the figures (htmx: the result part only)."""
    profiles = {path.stem: path for path in selectors.profile_choices()}
    chosen = request.POST.get("profile") if request.method == "POST" else None
    path = profiles.get(chosen) or next(iter(profiles.values()))
    office, profile = selectors.simulation_inputs(path)
    form = SimulationForm(request.POST if request.method == "POST" else None, profiles=list(profiles),
                          office=office, profile=profile)
    context: dict = {"form": form, "office": office, "profile": profile}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = what_if(profile, office, desks=form.desks(), prefill_share=data["prefill_share"])
        except ProfileInvalid as error:
            for problem in error.problems:
                form.add_error(None, _problem_text(problem, office))
        else:
            policies = COMPARED if data["policy"] == "all" else [data["policy"]]
            context.update(_result_context(simulate(office, day, seed=data["seed"], policies=policies), office))
    context["field_errors"] = [(form[name].label, error) for name, errors in form.errors.items()
                               if name in form.fields for error in errors]
    template = "insights/_simulation_result.html" if request.htmx and request.method == "POST" else \
        "insights/simulator.html"
    return render(request, template, context)


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def cashless(request):
    """キャッシュレス: the share of fees paid cashless per day, counter and method, and the time at the
    desk of Steps paid cashless vs in cash."""
    today = timezone.localdate()
    form = CashlessPeriodForm(request.GET or None, today=today)
    figures = None
    if not form.is_bound:
        figures = selectors.cashless_figures(start=today - timedelta(days=29), end=today)
    elif form.is_valid():
        figures = selectors.cashless_figures(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    labels = dict(Method.choices)
    return render(request, "insights/cashless.html", {
        "form": form, "figures": figures, "methods": [labels[m] for m in METHODS],
        "counter_rows": [(figures.counter_names.get(s.key, s.key), s) for s in figures.by_counter] if figures else [],
        "desk_rows": [(figures.counter_names.get(r.counter, r.counter), r) for r in figures.desk_time]
        if figures else [],
    })

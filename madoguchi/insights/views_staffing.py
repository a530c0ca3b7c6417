"""The supervisor's staffing suggestion: one desk to move now, with its expected effect, and accept."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.catalog.models import Counter
from madoguchi.core.access import requires
from madoguchi.core.errors import DomainError, error_text
from madoguchi.core.forms import Form, form_guarded
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability
from madoguchi.reception.selectors import minutes_display

from . import staffing


class AcceptForm(Form):
    from_counter = forms.SlugField(label=gettext_lazy("From counter"), max_length=64)
    to_counter = forms.SlugField(label=gettext_lazy("To counter"), max_length=64)


def _clock(minute: float) -> str:
    return f"{int(minute) // 60}:{int(minute) % 60:02d}"


def _minutes(value: float | None) -> int | None:
    return None if value is None else minutes_display(value)


@requires(Capability.SUPERVISE)
@never_cache
def staffing_page(request):
    target = int_or_none(request.GET.get("target"), low=1, high=600) or staffing.DEFAULT_TARGET_MINUTES
    view = staffing.live_plan(target=target)
    plan, counters = view.plan, view.counters
    first_hour = plan.hours[0] if plan.hours else None
    moves = []
    for move in plan.moves:
        starts = max(move.hour * 60.0, view.first_minute)
        moves.append({
            "at": None if view.now and move.hour == first_hour else _clock(starts),
            "giver": counters[move.from_counter], "taker": counters[move.to_counter], "desks": move.desks,
            "before": [_minutes(m) for m in move.before], "after": [_minutes(m) for m in move.after],
            "form": AcceptForm(initial={"from_counter": move.from_counter, "to_counter": move.to_counter})
            if move.hour == first_hour else None,
        })
    outlook = [{
        "counter": counters[row.code], "visitors": round(row.visitors),
        "mean_keep": _minutes(row.mean_keep), "mean_plan": _minutes(row.mean_plan),
        "p90_keep": _minutes(row.worst_p90_keep), "p90_plan": _minutes(row.worst_p90_plan),
        "desks": [(row.desks[hour], row.desks[hour] - row.desks_kept[hour]) for hour in plan.hours],
    } for row in plan.outlook if row.visitors >= 0.5 or any(row.desks.values())]
    # No move, yet waits over the target: say why (every desk of the counter open, or none to spare in its
    # section), so that "no move" never reads as "no problem".
    stuck = [] if moves else [
        {"counter": counters[row.code], "p90": _minutes(row.worst_p90_keep), "open": row.desks_now,
         "desks": counters[row.code].desks}
        for row in plan.outlook if (row.worst_p90_keep is None and row.visitors >= 0.5)
        or (row.worst_p90_keep is not None and row.worst_p90_keep > target)]
    recent = [{"at": _clock(staffing.minute_of_day(move.at)), "giver": counters.get(move.from_counter),
               "taker": counters.get(move.to_counter)} for move in view.recent]
    at_lunch = view.lunch.away_by_hour() if view.lunch else {}
    lunch = [hour for hour in plan.hours if at_lunch.get(hour)]
    return render(request, "insights/staffing.html", {
        "target": target, "view": view, "moves": moves, "outlook": outlook, "stuck": stuck,
        "recent": [move for move in recent if move["giver"] and move["taker"]],
        "hours": [(hour, hour in lunch) for hour in plan.hours],
        "lunch": {"hours": settings.LUNCH_HOURS, "percent": round(100 * view.lunch.share)} if lunch else None})


@requires(Capability.SUPERVISE)
@form_guarded
@require_POST
def staffing_accept(request):
    form = AcceptForm(request.POST)
    if form.is_valid():
        giver = Counter.objects.filter(code=form.cleaned_data["from_counter"], active=True).first()
        taker = Counter.objects.filter(code=form.cleaned_data["to_counter"], active=True).first()
        if giver is None or taker is None:
            messages.error(request, _("Unknown counter."))
        else:
            try:
                closed, opened = staffing.staffing_accept(from_counter=giver, to_counter=taker, actor=request.user)
            except DomainError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("Desk %(closed)d at %(giver)s closed, desk %(opened)d at %(taker)s "
                                            "opened.") % {"closed": closed, "giver": giver.name, "opened": opened,
                                                          "taker": taker.name})
    else:
        messages.error(request, _("Unknown counter."))
    return redirect("insights:staffing")

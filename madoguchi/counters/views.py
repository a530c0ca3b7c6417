"""The screens of the queues: the counter console, the supervisor, the call display, and the public
congestion page. (Reception, the kiosk, the route sheet and a visit's status page are reception's.)"""

import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.catalog import selectors as catalog
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.access import public, requires
from madoguchi.core.dates import office_state
from madoguchi.core.errors import error_text
from madoguchi.core.forms import form_guarded
from madoguchi.core.i18n import resident_page
from madoguchi.core.params import date_or_none, int_or_none
from madoguchi.core.roles import Capability
from madoguchi.reception import selectors as queues
from madoguchi.reception import services
from madoguchi.reception.models import Step
from madoguchi.reception.permissions import may_serve

from . import selectors
from .context_processors import SERVING_VISIT_KEY
from .forms import AddProcedureForm, MemoForm, MoveForm

# How often the screens ask for news (htmx polling; each answer is a 304 while nothing changed).
CONSOLE_REFRESH_SECONDS = 5
DISPLAY_POLL_SECONDS = 1
CONGESTION_REFRESH_SECONDS = 30
SUPERVISOR_REFRESH_SECONDS = 30  # the wallboard's figures (the page says so)
# A board shows one floor or a group of counters; a longer list in the URL is cut here.
DISPLAY_COUNTER_GROUP_MAX = 20
_FLOOR = re.compile(r"^-?[0-9]{1,3}$")

# --- counter console ---------------------------------------------------------------------------


def _served_counter(request, code: str) -> Counter:
    counter = selectors.served_counter(code)
    if counter is None:
        raise Http404
    if not may_serve(request.user, counter):
        raise PermissionDenied
    return counter


def _desk(request, counter: Counter) -> int:
    key = f"desk:{counter.code}"
    chosen = int_or_none(request.POST.get("desk") or request.GET.get("desk"), low=1, high=counter.desks)
    if chosen is not None:
        request.session[key] = chosen
    return request.session.get(key, 1)


@requires(Capability.COUNTER_SERVE)
@never_cache
def counter_list(request):
    counters = selectors.counters_of(request.user)
    if len(counters) == 1:
        return redirect("counters:console", code=counters[0].code)
    return render(request, "counters/counter_list.html", {"counters": counters})


@requires(Capability.COUNTER_SERVE)
@never_cache
def console(request, code: str):
    counter = _served_counter(request, code)
    desk = _desk(request, counter)
    queue, active = selectors.counter_console(counter)
    mine = next((s for s in active if s.desk == desk), None)
    if mine is not None:
        request.session[SERVING_VISIT_KEY] = mine.visit_id
    route = queues.planned_route(mine.visit) if mine else []
    later = [s for s in route if s.status == Step.Status.PENDING]
    context = {
        "counter": counter, "desk": desk, "desks": queues.desk_states(counter), "queue": queue, "active": active,
        "mine": mine, "memos": selectors.handoff_memos(mine, viewer=request.user) if mine else [],
        "memo_form": MemoForm(),
        "route": route, "next_step": later[0] if later else None,
        "add_form": AddProcedureForm(), "now": timezone.now(), "refresh_seconds": CONSOLE_REFRESH_SECONDS,
    }
    return render(request, "counters/console.html", context)


@requires(Capability.COUNTER_SERVE)
def console_queue(request, code: str):
    """The console's queue alone, polled every few seconds: 304 while nothing happened at the counter
    (its last event and desks) within the same minute, so an idle poll costs two small queries."""
    counter = _served_counter(request, code)
    now = timezone.now()
    etag = f'"{selectors.counter_version(counter)}-{now:%H%M}-{request.LANGUAGE_CODE}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    queue, active = selectors.counter_console(counter, now=now)
    response = render(request, "counters/_console_queue.html", {"queue": queue, "active": active, "now": now})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _console_action(request, code: str, action) -> HttpResponse:
    counter = _served_counter(request, code)
    try:
        result = action(counter)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if result:
            messages.success(request, result)
    return redirect("counters:console", code=counter.code)


def _my_step(request, counter: Counter) -> Step:
    step = selectors.counter_step(counter, request.POST.get("step"))
    if step is None:
        raise Http404
    return step


@requires(Capability.COUNTER_SERVE)
@require_POST
def console_call_next(request, code: str):
    def act(counter):
        step = services.step_call_next(counter=counter, clerk=request.user, desk=_desk(request, counter))
        if step is None:
            return _("Nobody is waiting.")
        return _("Called %(ticket)s.") % {"ticket": step.visit.ticket_number}
    return _console_action(request, code, act)


@requires(Capability.COUNTER_SERVE)
@form_guarded
@require_POST
def console_step_action(request, code: str, action: str):
    def act(counter):
        step = _my_step(request, counter)
        ticket = step.visit.ticket_number
        if action == "recall":
            services.step_recall(step=step, clerk=request.user)
            return _("Called %(ticket)s again.") % {"ticket": ticket}
        if action == "start":
            services.step_start(step=step, clerk=request.user)
            return _("Serving %(ticket)s.") % {"ticket": ticket}
        if action == "complete":
            form = MemoForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["memo"])
            following = services.step_complete(step=step, clerk=request.user, memo=form.cleaned_data["memo"]).following
            if following is None:
                return _("%(ticket)s is done here; the visit has no other counter.") % {"ticket": ticket}
            return _("%(ticket)s handed to counter %(number)s, %(counter)s (floor %(floor)s).") % {
                "ticket": ticket, "number": following.counter.number, "counter": following.counter.name,
                "floor": following.counter.floor}
        if action == "no-show":
            result = services.step_no_show(step=step, clerk=request.user)
            if result.status == Step.Status.QUEUED:
                return _("%(ticket)s did not come: back in line once.") % {"ticket": ticket}
            return _("%(ticket)s did not come again: closed here.") % {"ticket": ticket}
        if action == "add":
            form = AddProcedureForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["procedure"])
            services.visit_add_procedures(visit=step.visit, procedure_codes=[form.cleaned_data["procedure"].code],
                                          actor=request.user)
            return _("Added %(name)s to %(ticket)s.") % {"name": form.cleaned_data["procedure"].name, "ticket": ticket}
        raise ValidationError(_("Unknown action."))
    return _console_action(request, code, act)


@requires(Capability.COUNTER_SERVE)
@require_POST
def add_to_serving_visit(request):
    """From the staff navigator: add the procedures the household's facts imply (those the visit
    does not have yet) to the visit at this clerk's desk."""
    visit = queues.visit_by_id(request.session.get(SERVING_VISIT_KEY), active_only=True)
    if visit is None:
        raise Http404
    codes = [c for c in request.POST.get("codes", "").split(",") if c]
    present = {p.code for p in queues.visit_procedures(visit)}
    missing = [c for c in codes if c not in present]
    if not missing:
        messages.info(request, _("Ticket %(ticket)s already has every one of these procedures.") % {
            "ticket": visit.ticket_number})
    else:
        try:
            services.visit_add_procedures(visit=visit, procedure_codes=missing, actor=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            added = [p.name for p in queues.visit_procedures(visit) if p.code in missing]
            messages.success(request, _("Added to ticket %(ticket)s: %(procedures)s") % {
                "ticket": visit.ticket_number, "procedures": "、".join(map(str, added))})
    step = queues.visit_active_step(visit)
    if step is not None and may_serve(request.user, step.counter):
        return redirect("counters:console", code=step.counter.code)
    return redirect("counters:counter_list")


# --- supervisor ------------------------------------------------------------------------------


@requires(Capability.SUPERVISE)
@never_cache
def supervisor(request):
    """The wallboard: every counter on one screen, alerts first."""
    rows = selectors.wallboard(alert_minutes=settings.SUPERVISOR_WAIT_ALERT_MINUTES)
    template = "counters/_wallboard.html" if request.htmx else "counters/supervisor.html"
    return render(request, template, {
        "rows": rows, "alerts": [r for r in rows if r.alert], "alert_minutes": settings.SUPERVISOR_WAIT_ALERT_MINUTES,
        "refresh_seconds": SUPERVISOR_REFRESH_SECONDS,
    })


@requires(Capability.SUPERVISE)
@require_POST
def supervisor_desk(request, code: str, number: int):
    counter = selectors.served_counter(code)
    if counter is None:
        raise Http404
    try:
        services.desk_set_open(counter=counter, number=number, is_open=request.POST.get("open") == "1",
                               actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("counters:supervisor")


@requires(Capability.SUPERVISE)
@form_guarded
@require_POST
def supervisor_move(request, step_id: int):
    step = selectors.step_by_id(step_id)
    if step is None:
        raise Http404
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["counter"])
        services.step_move(step=step, counter=form.cleaned_data["counter"], actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(ticket)s moved to %(counter)s.") % {
            "ticket": step.visit.ticket_number, "counter": form.cleaned_data["counter"].name})
    return redirect("counters:supervisor")


@requires(Capability.SUPERVISE)
@never_cache
def summary(request):
    day = date_or_none(request.GET.get("date")) or timezone.localdate()
    return render(request, "counters/summary.html", {"day": day, "rows": selectors.daily_summary(day=day)})


# --- call display -------------------------------------------------------------------------------


def _display_scope(request) -> tuple[Site, int | None, list[str]]:
    """Which calls a board shows: a site, and a floor (``?floor=2``) or a counter group
    (``?counters=kokuho,kouki``); the whole site when neither is given."""
    site = catalog.site_or_main(request.GET.get("site"))
    floor = request.GET.get("floor") or ""
    group = [code for code in (request.GET.get("counters") or "").split(",") if code][:DISPLAY_COUNTER_GROUP_MAX]
    return site, int(floor) if _FLOOR.match(floor) else None, group


@requires(Capability.DISPLAY_VIEW)
@never_cache
def display(request):
    site, floor, group = _display_scope(request)
    floors = selectors.counter_floors(site)
    return render(request, "counters/display.html", {
        "site": site, "floor": floor, "group": ",".join(group), "floors": floors,
        "calls": selectors.recent_calls(site=site, floor=floor, counters=group),
        "next_numbers": selectors.next_numbers(site=site, floor=floor, counters=group),
        "sites": catalog.site_list(), "poll_seconds": DISPLAY_POLL_SECONDS,
    })


@requires(Capability.DISPLAY_VIEW)
def display_calls(request):
    """The board's latest calls and next numbers, polled every second; 304 when nothing changed (ETag)."""
    site, floor, group = _display_scope(request)
    calls = selectors.recent_calls(site=site, floor=floor, counters=group)
    upcoming = selectors.next_numbers(site=site, floor=floor, counters=group)
    waiting = hashlib.sha256(repr(upcoming).encode()).hexdigest()[:12]
    etag = (f'"{site.code}-{floor}-{",".join(group)}-{calls[0].event_id if calls else 0}-{waiting}'
            f'-{request.LANGUAGE_CODE}"')
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = render(request, "counters/_display_calls.html", {"calls": calls, "next_numbers": upcoming})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _url_or_none(name: str) -> str | None:
    """The address of a page another app may provide (the forecast), or None."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# --- congestion (public) -----------------------------------------------------------------------


# A wait this long (minutes) is marked on the congestion page: in words and with a sign, not by colour alone.
LONG_WAIT_MINUTES = 30


@public
@resident_page
def congestion(request):
    data = selectors.congestion()
    state = office_state()
    anyone_waiting = any(c["waiting"] for site in data["sites"] for c in site["counters"])
    template = "counters/_congestion_body.html" if request.htmx else "counters/congestion.html"
    response = render(request, template, {
        "data": data, "refresh_seconds": CONGESTION_REFRESH_SECONDS, "long_wait": LONG_WAIT_MINUTES,
        # Closed (and nobody left in line): say so and when it opens, rather than a table of "closed".
        "closed": not state.open and not anyone_waiting, "opens_at": state.opens_at,
        "forecast_url": _url_or_none("insights:forecast"),
    })
    response["Cache-Control"] = "public, max-age=10"
    return response

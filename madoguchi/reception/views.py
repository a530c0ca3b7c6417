"""Reception's screens: the reception desk, the kiosk, the route sheet (窓口案内票) and the visitor's own
status page. Thin: validate, call a service or a selector, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.catalog import selectors as catalog
from madoguchi.core import qr
from madoguchi.core.access import requires
from madoguchi.core.errors import add_to_form, error_text
from madoguchi.core.forms import form_guarded
from madoguchi.core.i18n import html_lang, resident_language
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability

from . import selectors, services, visits
from .forms import ReceptionForm, ScanForm, VisitSearchForm
from .models import Channel, Need, Visit


@requires(Capability.RECEPTION_REGISTER)
@form_guarded
@never_cache
def reception(request):
    """Register a visit: procedures (by life event or from the catalogue) and needs → one ticket.

    A life event ticks only what its rules make certain; what depends on the household is listed
    first, unticked, with the reason to ask about it (``suggest``)."""
    initial = {"site": catalog.site_or_main()}
    event = catalog.life_event_by_code(request.GET.get("life_event"))
    if event is not None:
        initial.update(life_event=event, procedures=list(selectors.suggestion_for(event.code).ticked))
    scanning = request.method == "POST" and "navigator_qr" in request.POST
    scan = ScanForm(request.POST if scanning else None)
    if scan.is_valid():
        selection = scan.cleaned_data["navigator_qr"]
        event = catalog.life_event_by_code(selection.life_event)
        initial.update(channel=Channel.NAVIGATOR, procedures=list(selection.procedure_codes),
                       life_event=event, event_date=selection.event_date)
        count = len(selection.procedure_codes)
        messages.info(request, ngettext(
            "The navigator's %(count)d procedure is ticked: check it and register.",
            "The navigator's %(count)d procedures are ticked: check them and register.", count) % {"count": count})
    form = ReceptionForm(request.POST if request.method == "POST" and not scanning else None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_register(
                site=data["site"], procedure_codes=[p.code for p in data["procedures"]],
                channel=data["channel"] or Channel.RECEPTION,
                needs=data["needs"], interpreter_language=data["interpreter_language"],
                life_event=data["life_event"].code if data["life_event"] else "", registered_by=request.user,
                event_date=data["event_date"],
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Ticket %(ticket)s registered.") % {"ticket": visit.ticket_number})
            return redirect("reception:route_sheet", visit_id=visit.pk)
    if form.is_bound and event is None:
        event = form.cleaned_data.get("life_event") if hasattr(form, "cleaned_data") else None
    selected = {p.code if hasattr(p, "code") else p for p in (form["procedures"].value() or [])}
    groups = _procedure_groups(event, request.LANGUAGE_CODE)
    others = {p.code for _department, procedures in groups["groups"] for p in procedures}
    return render(request, "reception/reception.html", {
        "form": form, "scan": scan if scan.is_bound else ScanForm(),
        "life_events": catalog.life_event_list(), "selected": selected, "others_open": bool(selected & others),
        **groups,
    })


def _procedure_groups(event, language: str) -> dict:
    """The procedures as reception shows them: the life event's first (each with why to ask about it),
    then every other procedure by department."""
    groups = catalog.departments_with_procedures()
    if event is None:
        return {"event_procedures": [], "groups": groups}
    suggestion = selectors.suggestion_for(event.code)
    listed = [*suggestion.ticked, *suggestion.ask]
    listed += [p.code for p in event.procedures.all() if p.code not in listed]
    by_code = {p.code: p for _department, procedures in groups for p in procedures}
    event_procedures = [
        (by_code[code], suggestion.ask[code].in_language(language) if code in suggestion.ask else "")
        for code in listed if code in by_code
    ]
    shown = {p.code for p, _reason in event_procedures}
    others = [(d, [p for p in procedures if p.code not in shown]) for d, procedures in groups]
    return {"event_procedures": event_procedures, "groups": [(d, ps) for d, ps in others if ps]}


# The visitor's interpreter language (a need at reception) as the resident language a sheet is printed in.
SHEET_LANGUAGE_OF_INTERPRETER = {"en": "en", "zh": "zh-hans", "ko": "ko", "vi": "vi", "ne": "ne"}


def _route_context(request, visit: Visit, *, language: str | None = None) -> dict:
    language = language or request.LANGUAGE_CODE
    route = selectors.planned_route(visit)
    status_path = selectors.status_path(visit)
    if language != request.LANGUAGE_CODE:
        status_path += "?" + urlencode({"lang": language})  # the QR opens the status page in the sheet's language
    status_url = request.build_absolute_uri(status_path)
    documents = []
    for step in route:
        for procedure in step.procedures.all():
            documents.extend(procedure.documents_in(language))
    return {"visit": visit, "route": route, "status_url": status_url, "qr_svg": qr.svg(status_url),
            "sheet_language": language, "sheet_html_lang": html_lang(language),
            "documents": list(dict.fromkeys(documents)), "check_code": selectors.visit_check_code(visit),
            "lookup_url": request.build_absolute_uri(reverse("reception:ticket_lookup"))}


@requires(Capability.RECEPTION_REGISTER, Capability.COUNTER_SERVE)
@never_cache
def route_sheet(request, visit_id: int):
    """窓口案内票: the ticket and the counters in order, printable ticket-sized or A4 (again, when the
    visitor lost it: from today's visits)."""
    pk = int_or_none(visit_id, low=1)
    visit = visits.visible_visits(request.user).select_related("site").filter(pk=pk).first() if pk else None
    if visit is None:
        raise Http404
    size = "a4" if request.GET.get("size") == "a4" else "ticket"
    # Printed in the visitor's language: the one asked for, else their interpreter language, else the clerk's.
    language = (resident_language(request.GET.get("lang"))
                or SHEET_LANGUAGE_OF_INTERPRETER.get(visit.interpreter_language) or request.LANGUAGE_CODE)
    return render(request, "reception/route_sheet.html", {
        **_route_context(request, visit, language=language), "size": size,
        "sheet_languages": [(code, name) for code, name in settings.LANGUAGES if code in settings.RESIDENT_LANGUAGES],
    })


@requires(Capability.KIOSK_USE)
@never_cache
def kiosk(request):
    """Walk-in touch screen: pick what you came for → a ticket. Large targets, three languages."""
    event = catalog.life_event_by_code(request.GET.get("event"))
    alone = request.GET.get("event") == "alone"  # what the catalogue offers without a life event
    if request.method == "POST":
        needs = [n for n in request.POST.getlist("needs") if n in Need.values]
        event_code = request.POST.get("life_event", "")
        try:
            visit = services.visit_register(
                site=catalog.site_or_main(request.POST.get("site")), procedure_codes=request.POST.getlist("procedures"),
                channel=Channel.KIOSK, needs=needs,
                life_event=event_code if catalog.life_event_by_code(event_code) else "", registered_by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            return redirect("reception:kiosk_ticket", token=visit.status_token)
    procedures = []
    if event is not None:
        procedures = list(event.procedures.all())
    elif alone:
        procedures = list(catalog.kiosk_procedures())
    return render(request, "reception/kiosk.html", {
        "life_events": [(e, *_plain_and_official(e, request.LANGUAGE_CODE)) for e in catalog.life_event_list()],
        "event": event, "alone": alone,
        "procedures": [(p, *_plain_and_official(p, request.LANGUAGE_CODE)) for p in procedures],
        "needs": Need.choices, **_kiosk_context(request, home=event is None and not alone),
    })


def _plain_and_official(item, language: str) -> tuple[str, str]:
    """A kiosk shows plain words first and the official term beneath (転入届 under ひっこして きた ときの
    とどけ; under "Moving-in notification" too, as the counter will say it). No second line when they agree."""
    plain = (item.name_easy or item.name_ja) if language.startswith("ja") else item.name
    official = item.name_ja
    return plain, "" if official == plain else official


def _kiosk_context(request, *, home: bool) -> dict:
    """``kiosk_home``: the start screen in Japanese, where idling changes nothing."""
    return {"idle_seconds": settings.KIOSK_IDLE_SECONDS,
            "kiosk_home": home and request.LANGUAGE_CODE == settings.LANGUAGE_CODE}


@requires(Capability.KIOSK_USE)
@require_POST
def kiosk_reset(request):
    """Back to the start screen in Japanese: "done", or nobody touched the kiosk for a while."""
    response = redirect("reception:kiosk")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


@requires(Capability.KIOSK_USE)
@never_cache
def kiosk_ticket(request, token: str):
    visit = selectors.visit_by_token(token)
    if visit is None:
        return render(request, "reception/status_unknown.html", status=404)
    return render(request, "reception/kiosk_ticket.html", {**_route_context(request, visit),
                                                          **_kiosk_context(request, home=False)})


@requires(Capability.RECEPTION_REGISTER, Capability.COUNTER_SERVE)
@never_cache
def visit_list(request):
    """Today's visits: search by ticket number, status and counter; each opens its whole route."""
    form = VisitSearchForm(request.GET or None, counters=visits.counters_for_search(request.user))
    query = visits.VisitQuery(day=timezone.localdate())
    if form.is_valid():
        data = form.cleaned_data
        query = visits.VisitQuery(day=query.day, ticket=data["ticket"], status=data["status"],
                                  counter=data["counter"])
    found = visits.visit_search(request.user, query)
    rows = [(visit, visits.current_step(list(visit.steps.all()))) for visit in found]
    return render(request, "reception/visit_list.html", {
        "form": form, "rows": rows, "limit": visits.LIST_MAX, "searched": form.is_bound,
    })


@requires(Capability.RECEPTION_REGISTER, Capability.COUNTER_SERVE)
@never_cache
def visit_detail(request, visit_id: int):
    """One visit's whole route: every counter in order with its status, times, desk and handoff memo,
    and what happened when. Logged: needs and memos are about the person."""
    pk = int_or_none(visit_id, low=1)
    visit = visits.visit_for(request.user, pk) if pk else None
    if visit is None:
        raise Http404
    return render(request, "reception/visit_detail.html", {
        "visit": visit, "route": selectors.planned_route(visit), "events": visits.visit_events(visit),
        "can_register": request.user.can(Capability.RECEPTION_REGISTER),
    })

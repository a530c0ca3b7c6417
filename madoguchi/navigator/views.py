"""The navigator's pages: for residents (public, phone and kiosk) and for staff at the desk.

Both run the same questionnaire. Nothing about the household is stored: the answers travel in
the form (POST, never the URL) from page to page; only an anonymous usage count is written.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from madoguchi.core import qr
from madoguchi.core.access import public, requires
from madoguchi.core.i18n import language_switched, resident_page
from madoguchi.core.roles import Capability, Role

from . import pages, selectors, services, wording
from .models import NavigatorUsage
from .qr import encode_selection
from .questionnaire import Draft, check_draft, draft_fields, draft_questions, mark_asked, read_draft
from .rules import evaluate
from .urls_converters import EVENT_SEPARATOR


@dataclass(frozen=True)
class Mode:
    """Residents' or staff pages: the layout they extend and the names of their URLs."""

    name: str
    layout: str
    url_prefix: str

    @property
    def keeps_answers_on_language_change(self) -> bool:
        """Residents' pages: the language buttons post the page's form back to it (nothing is stored)."""
        return self.name == "resident"

    def urls(self) -> dict[str, str]:
        return {page: f"navigator:{self.url_prefix}{page}" for page in ("start", "household", "result")}


RESIDENT = Mode("resident", "resident_base.html", "")
STAFF = Mode("staff", "base.html", "staff_")


def _channel(request, mode: Mode) -> str:
    if mode is STAFF:
        return NavigatorUsage.Channel.STAFF
    user = request.user
    if user.is_authenticated and user.role == Role.KIOSK:
        return NavigatorUsage.Channel.KIOSK
    return NavigatorUsage.Channel.WEB


def _base_context(mode: Mode, **extra) -> dict:
    return {"layout": mode.layout, "mode": mode.name, "urls": mode.urls(), **extra}


def _events_or_404(life_events: list[str], book) -> tuple[list, str]:
    """The chosen life events (in the catalogue's order) and their code for the URL."""
    events = selectors.navigator_life_event_list(life_events, book)
    if events is None:
        raise Http404("no such life event")
    return events, EVENT_SEPARATOR.join(event.code for event in events)


def _events_context(events: list, code: str) -> dict:
    return {"life_events": events, "events_code": code, "events_name": pages.event_names(events),
            "life_event": events[0]}


def _start(request, mode: Mode):
    """The life events; one is a link, several at once (a marriage and a move) a form (GET)."""
    book = selectors.navigator_rulebook()
    life_events = selectors.navigator_life_events(book)
    error = ""
    if "events" in request.GET:
        chosen = [code for code in request.GET.getlist("events") if code in book.life_events]
        if chosen:
            _, code = _events_or_404(chosen, book)
            return redirect(mode.urls()["household"], code)
        error = str(wording.ERRORS["events"])
    return render(request, "navigator/start.html", _base_context(mode, life_events=life_events, events_error=error))


def _household(request, mode: Mode, life_event: str):
    """The questionnaire. A POST re-asks it: a person added or removed, or a changed answer that
    changes which questions apply. An htmx request gets the household part alone."""
    book = selectors.navigator_rulebook()
    events, code = _events_or_404(life_event, book)
    codes = tuple(event.code for event in events)
    draft = Draft(codes) if request.method == "GET" else read_draft(codes, request.POST)
    action = request.POST.get("action", "")
    draft, focus, status = pages.household_action(draft, action)
    questions = draft_questions(draft, book, today=timezone.localdate())
    effects = pages.answer_effects(draft, questions, trigger=(request.htmx.trigger or "") if request.htmx else "")
    if not action:
        focus, status = effects.focus, effects.status
    draft = mark_asked(draft, questions)
    context = _base_context(mode, status=status, **_events_context(events, code), **pages.household_context(
        draft=draft, questions=questions, book=book, language=get_language(), focus=focus, changed=effects.changed,
    ))
    if request.htmx:
        # A changed answer swaps only the questions that changed; adding or removing a person, the household.
        template = "navigator/_household_members.html" if action else "navigator/_household_refresh.html"
    else:
        template = "navigator/household.html"
    if mode.keeps_answers_on_language_change:
        context["language_form"] = "nav-form"
    return render(request, template, context)


def _result(request, mode: Mode, life_event: str):
    """Every procedure the answers call for; or the questionnaire again with what is missing."""
    if request.method == "GET":
        # e.g. after switching the language: the answers were never kept, so ask again.
        return redirect(mode.urls()["household"], EVENT_SEPARATOR.join(life_event))
    book = selectors.navigator_rulebook()
    events, code = _events_or_404(life_event, book)
    draft = read_draft(tuple(event.code for event in events), request.POST)
    questions = draft_questions(draft, book, today=timezone.localdate())
    check = check_draft(draft, questions)
    language = get_language()
    if check.answers is None:
        draft = mark_asked(draft, questions)
        context = _base_context(mode, **_events_context(events, code), **pages.household_context(
            draft=draft, questions=questions, book=book, language=language, errors=check.errors, focus="errors",
        ))
        if mode.keeps_answers_on_language_change:
            context["language_form"] = "nav-form"
        return render(request, "navigator/household.html", context)
    findings = evaluate(check.answers, book)
    offered = [f.code for f in findings]
    if request.POST.get("action") == "select" or language_switched(request):
        # The ticks as they were (a language change shows the same list again: it is not a new use).
        chosen = set(request.POST.getlist("selected"))
        selected = [code for code in offered if code in chosen]
    else:
        selected = [f.code for f in findings if f.required]
        services.navigator_usage_record(life_event=services.usage_key(check.answers.life_events),
                                        channel=_channel(request, mode))
    qr_text = encode_selection(check.answers.life_events, check.answers.event_date, selected) if selected else ""
    cards = selectors.procedure_cards(findings=findings, language=language)
    context = _base_context(
        mode, **_events_context(events, code), event_date_text=pages.date_text(check.answers.event_date),
        hidden_fields=draft_fields(mark_asked(draft, questions)),
        cards=pages.result_cards(cards, set(selected)),
        required_count=sum(1 for f in findings if f.required),
        optional_count=sum(1 for f in findings if not f.required),
        selected_codes=selected, qr_text=qr_text,
        qr_svg=qr.svg(qr_text, css_class="nav-qr__code", scale=5) if qr_text else "",
    )
    if mode.keeps_answers_on_language_change:
        context["language_form"] = "nav-result-form"
    return render(request, "navigator/result.html", context)


# --- residents (public side: phone, computer, kiosk) ---------------------------------------


@public
@resident_page
def start(request):
    return _start(request, RESIDENT)


@public
@resident_page
@never_cache
@require_http_methods(["GET", "POST"])
def household(request, life_event: str):
    return _household(request, RESIDENT, life_event)


@public
@resident_page
@never_cache
@require_http_methods(["GET", "POST"])
def result(request, life_event: str):
    return _result(request, RESIDENT, life_event)


# --- staff at the desk (reception and counter clerks) --------------------------------------


@requires(Capability.NAVIGATOR_ASSIST)
def staff_start(request):
    return _start(request, STAFF)


@requires(Capability.NAVIGATOR_ASSIST)
@never_cache
@require_http_methods(["GET", "POST"])
def staff_household(request, life_event: str):
    return _household(request, STAFF, life_event)


@requires(Capability.NAVIGATOR_ASSIST)
@never_cache
@require_http_methods(["GET", "POST"])
def staff_result(request, life_event: str):
    return _result(request, STAFF, life_event)

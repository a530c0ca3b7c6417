"""The visitor survey's pages: a finished visit's survey (the visitor's phone or the exit tablet).

No login and no cookie: the visit's status token in the URL is the only key. Conditional questions
work without JavaScript: a post that makes new follow-up questions apply shows the form again with
them added (the answers so far kept), and only a post with nothing new to ask is stored.
"""

import functools

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from madoguchi.core.access import public, requires
from madoguchi.core.errors import DomainError
from madoguchi.core.forms import form_guarded
from madoguchi.core.i18n import resident_page
from madoguchi.core.roles import Capability
from madoguchi.core.throttle import SharedScopedThrottle

from . import selectors, services
from .forms import SurveyForm, TicketForm, text_in
from .models import Source
from .questions import asked, questions_of

# Per client address: a survey takes a post or two; a token guessed by brute force would take billions.
ANSWER_RATE = "60/h"


def rate_limited(scope: str, rate: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                throttle = SharedScopedThrottle(f"survey_{scope}", rate)
                if not throttle.allow_request(request):
                    response = render(request, "surveys/too_many.html", status=429)
                    wait = throttle.wait()
                    if wait:
                        response["Retry-After"] = str(int(wait) + 1)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def survey_page(request, visit, *, source: str, done_url: str, base: str):
    version = selectors.current_version()
    state = selectors.invitation_state(visit) if visit is not None else None
    if visit is None or version is None or state != selectors.InvitationState.OPEN:
        status = {None: 404, selectors.InvitationState.EXPIRED: 410}.get(state, 200)
        return render(request, "surveys/closed.html", {"state": state, "base": base, "done_url": done_url},
                      status=status)
    definition = version.definition
    context = {"title": text_in(definition["title"]), "intro": text_in(definition.get("intro")),
               "base": base, "more": False}
    if request.method == "POST":
        shown = set(request.POST.getlist("shown"))
        # The questions the page showed (a tampered list only changes what is checked, not what is stored:
        # the service checks the answers against the definition again).
        posted = [q for q in questions_of(definition) if q.code in shown] or asked(definition, {})
        form = SurveyForm(request.POST, questions=posted)
        if form.is_valid():
            answers = form.answers()
            now_asked = asked(definition, answers)
            if {q.code for q in now_asked} - shown:
                # New follow-up questions apply: ask them, keeping what was answered (no error shown).
                form = SurveyForm(initial=answers, questions=now_asked)
                context["more"] = True
            else:
                try:
                    services.response_submit(visit=visit, answers=answers, source=source)
                except DomainError as error:
                    for field, messages in error.message_dict.items():
                        for message in messages:
                            form.add_service_error(field, message)
                else:
                    return redirect(done_url)
    else:
        form = SurveyForm(questions=asked(definition, {}))
    context["form"] = form
    return render(request, "surveys/answer.html", context)


@public
@resident_page
@form_guarded
@never_cache
@rate_limited("answer", ANSWER_RATE)
def answer(request, token: str):
    """The survey of a finished visit, reached from its status page (and the route sheet's QR code)."""
    visit = selectors.visit_for_survey(token)
    url = reverse("surveys:answer", kwargs={"token": token})
    return survey_page(request, visit, source=Source.PHONE, done_url=url, base="resident_base.html")


@requires(Capability.SURVEY_TABLET_USE)
@form_guarded
@never_cache
def tablet(request):
    """The exit tablet: the visitor (or the clerk) types the ticket number, then answers the same survey."""
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = selectors.visit_by_ticket_today(form.cleaned_data["ticket_number"])
        if visit is None:
            form.add_error("ticket_number", _("No visit of today has this ticket number."))
        elif selectors.invitation_state(visit) == selectors.InvitationState.NOT_FINISHED:
            form.add_error("ticket_number", _("This visit is not finished yet: the survey opens at the end."))
        else:
            return redirect("surveys:tablet_answer", token=visit.status_token)
    return render(request, "surveys/tablet.html", {"form": form, "language": get_language()})


@requires(Capability.SURVEY_TABLET_USE)
@form_guarded
@never_cache
def tablet_answer(request, token: str):
    visit = selectors.visit_for_survey(token)
    return survey_page(request, visit, source=Source.TABLET, done_url=reverse("surveys:tablet_done"),
                        base="resident_base.html")


@requires(Capability.SURVEY_TABLET_USE)
@never_cache
def tablet_done(request):
    return render(request, "surveys/closed.html", {"state": selectors.InvitationState.ANSWERED,
                                                   "base": "resident_base.html",
                                                   "next_url": reverse("surveys:tablet")})

"""The visitor's own pages (public side): the status of their ticket, finding it again by its number
and confirmation code, and asking to be told when their turn is near. No personal data is shown.

The status page polls its body every ``STATUS_POLL_SECONDS``; the body answers 304 (ETag) while
nothing it shows has changed, in a few indexed reads, so a crowd of phones polling every two seconds
costs the server almost nothing, and a call reaches the phone within the poll interval.
"""

from django.conf import settings
from django.http import HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.core import senders
from madoguchi.core.access import public
from madoguchi.core.errors import DomainError, add_to_form
from madoguchi.core.forms import form_guarded
from madoguchi.core.i18n import language_switched, resident_page
from madoguchi.core.throttle import SharedScopedThrottle, failures_exceeded, record_failure

from . import notices, selectors
from .forms_public import StatusNoticeForm, TicketLookupForm
from .models import Step, Visit

STATUS_POLL_SECONDS = 2
# Lookups per client address an hour, and wrong codes per ticket number a day before that ticket
# can no longer be looked up (only its QR code opens it): guessing four digits is hopeless.
LOOKUP_RATE = "30/h"
LOOKUP_FAILURES_PER_TICKET = 5


def _status_context(visit: Visit) -> dict:
    steps = selectors.planned_route(visit)
    current = next((s for s in steps if s.status in (Step.Status.QUEUED, *Step.ACTIVE)), None)
    position = selectors.waiting_position(current) if current and current.status == Step.Status.QUEUED else None
    ahead = position.position - 1 if position else None
    if visit.status != Visit.Status.ACTIVE:
        state = visit.status
    elif current is not None and current.status in Step.ACTIVE:
        state = "called"
    elif ahead is not None and ahead <= notices.NOTICE_WHEN_AHEAD:
        state = "soon"
    else:
        state = "waiting"
    return {
        "visit": visit, "steps": steps, "current": current, "position": position, "ahead": ahead, "state": state,
        "soon_when_ahead": notices.NOTICE_WHEN_AHEAD,
        "wait_minutes": selectors.minutes_display(position.estimated_wait_minutes) if position else None,
        "upcoming": [s for s in steps if s.status == Step.Status.PENDING],
        "poll_seconds": STATUS_POLL_SECONDS, "now_time": timezone.localtime().strftime("%H:%M"),
    }


def _notice_context(visit: Visit, form: StatusNoticeForm | None = None) -> dict:
    channels = senders.channels()
    notice = selectors.status_notice_of(visit)
    return {
        "notice": notice, "notice_channels": channels,
        "notice_form": form or (StatusNoticeForm(channels=channels) if channels else None),
        "check_code": selectors.visit_check_code(visit),
        "lookup_url": reverse("reception:ticket_lookup"),
    }


@public
@resident_page
@never_cache
def status(request, token: str):
    """Where the visitor stands: position, estimated wait, where to go next. No personal data."""
    visit = selectors.visit_by_token(token)
    if visit is None:
        return render(request, "reception/status_unknown.html", status=404)
    return render(request, "reception/status.html", {**_status_context(visit), **_notice_context(visit)})


@public
@resident_page
def status_body(request, token: str):
    """The part of the status page that changes, polled every few seconds: 304 while it is unchanged."""
    visit = selectors.visit_by_token(token)
    if visit is None:
        return render(request, "reception/_status_gone.html", status=404)
    etag = f'"{selectors.status_version(visit)}|{translation.get_language()}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = render(request, "reception/_status_body.html", _status_context(visit))
    response["ETag"] = etag
    # Revalidate every time, never store elsewhere: the browser sends If-None-Match by itself.
    response["Cache-Control"] = "no-cache, private"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@public
@resident_page
@form_guarded
@require_POST
def status_notice(request, token: str):
    """Ask to be told (SMS or e-mail) when two visitors are ahead, or stop it."""
    visit = selectors.visit_by_token(token)
    if visit is None:
        return render(request, "reception/status_unknown.html", status=404)
    if request.POST.get("action") == "stop":
        notices.status_notice_discard(visit=visit)
        return redirect(f"{selectors.status_path(visit)}#notice")
    form = StatusNoticeForm(request.POST, channels=senders.channels())
    if not language_switched(request) and form.is_valid():
        try:
            notices.status_notice_subscribe(visit=visit, channel=form.cleaned_data["channel"],
                                            address=form.cleaned_data["address"],
                                            language=translation.get_language() or settings.LANGUAGE_CODE)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect(f"{selectors.status_path(visit)}#notice")
    if language_switched(request):
        form = StatusNoticeForm(initial={"channel": request.POST.get("channel"),
                                         "address": request.POST.get("address", "")}, channels=senders.channels())
    return render(request, "reception/status.html", {**_status_context(visit), **_notice_context(visit, form)},
                  status=200 if language_switched(request) else 422)


@public
@resident_page
@form_guarded
@never_cache
@require_http_methods(["GET", "POST"])
def ticket_lookup(request):
    """"My ticket": open the status page from the ticket number and its confirmation code. Without the
    code nothing is found; tries are limited per client and per ticket number."""
    form = TicketLookupForm(request.POST if request.method == "POST" and not language_switched(request) else None,
                            initial=request.POST if language_switched(request) else None)
    if form.is_bound:
        throttle = SharedScopedThrottle("ticket_lookup", LOOKUP_RATE)
        if not throttle.allow_request(request):
            response = render(request, "reception/ticket_lookup.html", {"form": form, "too_many": True}, status=429)
            response["Retry-After"] = str(int(throttle.wait() or 60) + 1)
            return response
        if form.is_valid():
            day = timezone.localdate()
            ticket_key = f"ticket_lookup:{day}:{form.cleaned_data['ticket'].strip().upper()}"
            if failures_exceeded(ticket_key, limit=LOOKUP_FAILURES_PER_TICKET):
                form.add_error(None, _("Too many wrong codes for this ticket. Please scan the QR code on your "
                                       "ticket or ask at reception."))
            else:
                visit = selectors.visit_by_ticket(form.cleaned_data["ticket"], form.cleaned_data["code"], day=day)
                if visit is not None:
                    return redirect(selectors.status_path(visit))
                record_failure(ticket_key, seconds=24 * 60 * 60)
                form.add_error(None, _("No ticket of today matches this number and code. Check both and try "
                                       "again."))
    return render(request, "reception/ticket_lookup.html", {"form": form}, status=422 if form.errors else 200)

"""Appointment pages: booking, changing and cancelling with a code (public, no account); check-in at
the kiosk and reception; the day's bookings per counter for staff.

The booking code is the resident's only key, so it never appears in a URL: it is typed into a form
and posted, and the pages that show it are ``no-store``.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.audit import services as audit
from madoguchi.catalog import selectors as catalog
from madoguchi.core.access import public, requires
from madoguchi.core.forms import form_guarded
from madoguchi.core.i18n import resident_page
from madoguchi.core.params import date_or_none
from madoguchi.core.roles import Capability

from . import selectors, services
from .entry_forms import BookingForm, ReferenceForm
from .models import Appointment
from .refusals import AppointmentRefused
from .schedule import AppointmentGroup
from .throttle import BOOKING_RATE, LOOKUP_RATE, SLOTS_RATE, rate_limited

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _group(code: str) -> AppointmentGroup:
    group = selectors.appointment_group(code)
    if group is None:
        raise Http404("no such appointment group")
    return group


def _parse_start(value: str) -> datetime | None:
    try:
        return selectors.aware(datetime.strptime(value or "", TIME_FORMAT))
    except ValueError:
        return None


def _procedure_choices(group: AppointmentGroup) -> list[tuple[str, str]]:
    by_code = selectors.procedures_by_code(group.procedures)
    return [(code, by_code[code].name if code in by_code else code) for code in group.procedures]


def _day_choice(group: AppointmentGroup, requested: str | None, now) -> tuple[list[tuple[date, int]], date | None]:
    days = selectors.open_days(group, now=now)
    day = date_or_none(requested)
    if day is None or day not in dict(days):
        day = next((d for d, free in days if free), days[0][0] if days else None)
    return days, day


def _slot_page(request, group: AppointmentGroup, *, day_text: str | None, form=None, mode: str = "book",
               appointment=None, status: int = 200):
    now = timezone.now()
    days, day = _day_choice(group, day_text, now)
    offers = selectors.slot_offers(group, now=now, day=day) if day else []
    if form is None:
        asked = [code for code in _asked_procedures(request) if code in group.procedures]
        form = BookingForm(times=[(o.value, o.value) for o in offers if o.places_left],
                           procedures=_procedure_choices(group),
                           initial={"procedures": appointment.procedure_codes if appointment else
                                    ([group.procedures[0]] if len(group.procedures) == 1 else asked)})
    return render(request, "preapply/slots.html", {
        "group": group, "group_name": group.name_in(get_language() or "ja"), "days": days, "day": day,
        "offers": offers, "form": form, "mode": mode, "appointment": appointment,
    }, status=status)


# --- residents ------------------------------------------------------------------------------------


def _asked_procedures(request) -> list[str]:
    """The procedures a link asked to book (``?procedures=a,b``, from the navigator's result): codes only."""
    text = request.GET.get("procedures", "")
    return list(dict.fromkeys(code for code in text.split(",")[:30] if catalog.is_code(code)))


@public
@resident_page
def appointment_start(request):
    """What to book. From the navigator (``?procedures=``): only the groups that take those procedures,
    each booking covering all of the family's procedures its counter does."""
    language = get_language() or "ja"
    asked = _asked_procedures(request)
    names = selectors.procedures_by_code(asked) if asked else {}
    groups = []
    for group in selectors.appointment_groups():
        covered = [code for code in asked if code in group.procedures]
        if asked and not covered:
            continue
        link = reverse("preapply:book", args=[group.code])
        groups.append({"group": group, "name": group.name_in(language), "url": link + (
            "?procedures=" + ",".join(covered) if covered else ""),
            "procedures": [names[code].name for code in covered if code in names]})
    unbookable = [names[code].name for code in asked
                  if code in names and not any(code in g.procedures for g in selectors.appointment_groups())]
    return render(request, "preapply/appointments.html", {"groups": groups, "asked": bool(asked),
                                                          "unbookable": unbookable})


@public
@resident_page
@form_guarded
@sensitive_post_parameters("contact")
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("slots", SLOTS_RATE, methods=("GET",))
@rate_limited("book", BOOKING_RATE)
def appointment_book(request, group_code: str):
    """Pick a day (``?day=``: a date, nothing personal), a time, the procedures and an optional contact."""
    group = _group(group_code)
    if request.method == "GET":
        return _slot_page(request, group, day_text=request.GET.get("day"))
    day_text = request.POST.get("day")
    now = timezone.now()
    _days, day = _day_choice(group, day_text, now)
    offers = selectors.slot_offers(group, now=now, day=day) if day else []
    form = BookingForm(request.POST, times=[(o.value, o.value) for o in offers if o.places_left],
                       procedures=_procedure_choices(group))
    if not form.is_valid():
        return _slot_page(request, group, day_text=day_text, form=form, status=422)
    try:
        appointment = services.appointment_book(
            group_code=group.code, starts_at=_parse_start(form.cleaned_data["starts_at"]),
            procedure_codes=form.cleaned_data["procedures"], contact=form.cleaned_data["contact"],
        )
    except ValidationError as error:
        field = "contact" if not isinstance(error, AppointmentRefused) else None
        form.add_error(field, error.messages)
        return _slot_page(request, group, day_text=day_text, form=form, status=422)
    return _booked_page(request, appointment, group)


def _booked_page(request, appointment: Appointment, group: AppointmentGroup, *, changed: bool = False):
    opens = appointment.slot.starts_at - timedelta(minutes=settings.APPOINTMENT_CHECKIN_EARLY_MINUTES)
    return render(request, "preapply/booked.html", {
        "appointment": appointment, "group_name": group.name_in(get_language() or "ja"),
        "counter": appointment.slot.counter, "checkin_opens": opens, "changed": changed,
        "procedures": [name for code, name in _procedure_choices(group) if code in appointment.procedure_codes],
        "grace_minutes": settings.APPOINTMENT_GRACE_MINUTES,
    })


def _manage_page(request, *, form=None, appointment=None, error: str = "", message: str = "", status: int = 200,
                 confirm_cancel: bool = False):
    group = selectors.appointment_group(appointment.slot.group_code) if appointment else None
    return render(request, "preapply/manage.html", {
        "form": form or ReferenceForm(), "appointment": appointment, "error": error, "message": message,
        "confirm_cancel": confirm_cancel,
        "group_name": group.name_in(get_language() or "ja") if group else "",
        "procedures": [name for code, name in _procedure_choices(group) if code in appointment.procedure_codes]
        if group else [],
    }, status=status)


@public
@resident_page
@form_guarded
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("lookup", LOOKUP_RATE)
def appointment_manage(request):
    """Look a booking up by its code (posted), then cancel it or move it to another time."""
    if request.method == "GET":
        return _manage_page(request)
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, form=form, status=422)
    reference = form.cleaned_data["reference"]
    appointment = selectors.appointment_by_reference(reference)
    if appointment is None:
        return _manage_page(request, form=form, error=_("No booking has this code. Check the code (8 characters, "
                                                        "e.g. ACDE-3479)."), status=404)
    action = request.POST.get("action", "find")
    group = selectors.appointment_group(appointment.slot.group_code)
    try:
        if action == "cancel":
            # First ask: a tap on the wrong button must not give the place away.
            return _manage_page(request, form=form, appointment=appointment, confirm_cancel=True)
        if action == "cancel_confirmed":
            appointment = services.appointment_cancel(reference=reference)
            return _manage_page(request, form=form, appointment=appointment,
                                message=_("The booking is cancelled. Thank you for letting us know."))
        if action in ("change", "change_day") and group is not None:
            if action == "change_day" or not request.POST.get("starts_at"):
                return _slot_page(request, group, day_text=request.POST.get("day"), mode="change",
                                  appointment=appointment)
            appointment = services.appointment_change(
                reference=reference, starts_at=_parse_start(request.POST.get("starts_at", "")),
                procedure_codes=request.POST.getlist("procedures") or None,
            )
            return _booked_page(request, appointment, group, changed=True)
    except ValidationError as error:
        return _manage_page(request, form=form, appointment=appointment, error=" ".join(error.messages), status=422)
    return _manage_page(request, form=form, appointment=appointment)


# --- check-in: kiosk and reception ----------------------------------------------------------------


@requires(Capability.KIOSK_USE)
@form_guarded
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_check_in(request):
    """The kiosk: type the booking code → the ticket (queued with appointment priority)."""
    form = ReferenceForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.appointment_check_in(reference=form.cleaned_data["reference"], actor=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            return redirect("reception:kiosk_ticket", token=visit.status_token)
    return render(request, "preapply/kiosk_check_in.html", {"form": form, "error": error},
                  status=422 if error else 200)


STAFF = (Capability.RECEPTION_REGISTER, Capability.COUNTER_SERVE)


@requires(*STAFF)
@never_cache
def staff_day(request):
    """The day's bookings per counter, with check-in by code (reception) and no-shows."""
    day = date_or_none(request.GET.get("day")) or timezone.localdate()
    site = catalog.site_or_main(request.GET.get("site")) if request.GET.get("site") else None
    return render(request, "preapply/staff_day.html", {
        "day": day, "site": site, "sites": catalog.site_list(), "counters": selectors.day_bookings(
            day=day, site=site, user=request.user), "form": ReferenceForm(), "now": timezone.now(),
        "can_check_in": request.user.can(Capability.RECEPTION_REGISTER),
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
    })


@requires(Capability.RECEPTION_REGISTER)
@form_guarded
@require_POST
def staff_check_in(request):
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the booking code."))
        return redirect("preapply:staff_day")
    try:
        visit = services.appointment_check_in(reference=form.cleaned_data["reference"], actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("preapply:staff_day")
    messages.success(request, _("Checked in: ticket %(ticket)s, queued with appointment priority.")
                     % {"ticket": visit.ticket_number})
    return redirect("reception:route_sheet", visit_id=visit.pk)


@requires(*STAFF)
@require_POST
def staff_no_show(request, appointment_id: int):
    appointment = selectors.appointment_for_staff(appointment_id, request.user)
    if appointment is None:
        raise PermissionDenied
    try:
        services.appointment_no_show(appointment=appointment, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Marked as a no-show: the place is free again."))
    day = timezone.localdate(appointment.slot.starts_at)
    return redirect(f"{reverse('preapply:staff_day')}?day={day.isoformat()}")


CONTACT_PURPOSE = "窓口予約：予約者への連絡 / contacting the resident about a booking"


@requires(*STAFF)
@never_cache
def staff_contact(request, appointment_id: int):
    """A booking's contact (personal data: the view is logged)."""
    appointment = selectors.appointment_for_staff(appointment_id, request.user)
    if appointment is None:
        raise PermissionDenied
    audit.personal_data_viewed(actor=request.user, subject=appointment, purpose=CONTACT_PURPOSE, fields=["contact"])
    return render(request, "preapply/staff_contact.html", {"appointment": appointment})

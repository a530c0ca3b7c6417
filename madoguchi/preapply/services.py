"""Every write of pre-applications and appointments: keyword-only, atomic, audited.

Pre-application: ``preapplication_seal`` writes nothing at all (the public side keeps nothing: the
QR code is the pre-application); ``preapplication_register`` opens a scanned code at reception and
registers the visit with its identity and answers in one transaction.

Appointments: a booking counts the slot's bookings under the slot row's lock (``SELECT … FOR
UPDATE``), so two residents racing for its last place cannot both get it — on PostgreSQL the second
waits for the first and then sees it; SQLite serialises writers anyway.
"""

import math
import re
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Site
from madoguchi.core.mynumber import contains_individual_number
from madoguchi.prefill import services as prefill
from madoguchi.reception import services as reception
from madoguchi.reception.models import Channel, Visit

from . import keys, sealed, selectors, slots
from .application import Application
from .models import Appointment, AppointmentSlot, RedeemedPreapplication
from .refusals import AppointmentRefused, PreapplicationRefused
from .schedule import AppointmentGroup

# --- pre-application ----------------------------------------------------------------------------


@sensitive_variables("application", "content")
def preapplication_seal(*, application: Application, now: datetime | None = None) -> list[str]:
    """The QR code texts of a checked pre-application, sealed to the office's public key.

    MUST write nothing (no row, no log line with the content): the code is the only copy. Raises
    ``keyring.KeyFileError`` without a public key and ``sealed.ContentTooLarge`` past ``MAX_PARTS``."""
    content = application.to_content()
    return sealed.seal(content, public_key=keys.public_key(), created_at=now or timezone.now())


@sensitive_variables("read")
def preapplication_register(
    *, collection: sealed.Collection, site: Site, actor, needs: Sequence[str] = (), interpreter_language: str = "",
    now: datetime | None = None,
) -> Visit:
    """Register the visit of a scanned pre-application: channel ``preapplication``, its procedures,
    its identity (source ``preapplication``) and answers — nobody types anything again.

    MUST open and check the code again (the confirmation page's copy is not trusted), refuse it as
    ``selectors.preapplication_read`` does and refuse a code already registered (naming its ticket);
    everything is one transaction, so a refusal at any point leaves no visit, identity or record."""
    now = now or timezone.now()
    read = selectors.preapplication_read(collection=collection, now=now)
    if read.registered_visit is not None:
        raise PreapplicationRefused(sealed.Reason.INVALID, _(
            "This pre-application was registered already, as ticket %(ticket)s.") % {
                "ticket": read.registered_visit.ticket_number})
    application = read.application
    try:
        with transaction.atomic():
            visit = reception.visit_register(
                site=site, procedure_codes=list(application.procedure_codes), channel=Channel.PREAPPLICATION,
                needs=needs, interpreter_language=interpreter_language, life_event=application.life_event,
                registered_by=actor, now=now,
            )
            prefill.identity_capture(visit=visit, source="preapplication", data=application.identity_data(),
                                     household=application.household_data(), actor=actor, now=now)
            if application.answers:
                prefill.identity_answers_save(visit=visit, answers=dict(application.answers), actor=actor, now=now)
            RedeemedPreapplication.objects.create(key_id=read.key_id, set_id=read.set_id, visit=visit,
                                                  code_created_at=read.created_at, redeemed_at=now)
            audit.preapplication_registered(actor=actor, visit=visit, key_id=read.key_id, set_id=read.set_id,
                                            age_days=(now - read.created_at).days)
    except IntegrityError:
        # Two clerks confirmed the same code at once: the unique constraint let one through.
        raise PreapplicationRefused(sealed.Reason.INVALID,
                                    _("This pre-application was registered already.")) from None
    return visit


def redeemed_codes_purge(*, now: datetime | None = None) -> int:
    """Forget registered codes once codes that old have expired anyway. Returns how many."""
    cutoff = (now or timezone.now()) - selectors.max_age() - timedelta(days=1)
    deleted, _by_model = RedeemedPreapplication.objects.filter(code_created_at__lt=cutoff).delete()
    return deleted


# --- appointments: booking ------------------------------------------------------------------------

# No 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, U/V: a code read aloud on the phone or from a screen is not misread.
REFERENCE_ALPHABET = "ACDEFGHJKMNPRTWXY34679"
REFERENCE_LENGTH = 8
REFERENCE_RETRIES = 5
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{8,18}[0-9]$")


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _clean_contact(text: str) -> str:
    """An optional e-mail address or phone number, or ``ValidationError``. A 12-digit number is
    refused without being repeated (an individual number typed into the wrong field)."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return ""
    if contains_individual_number(value):
        raise ValidationError(_("A 12-digit number looks like an individual number (My Number) and is not accepted "
                                "here. Write a phone number as in Japan, e.g. 090-1234-5678."))
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("This is not an e-mail address.")) from None
        return value[:200]
    if not _PHONE.match(value) or not 10 <= sum(ch.isdigit() for ch in value) <= 11:
        raise ValidationError(_("Give an e-mail address or a phone number of 10 or 11 digits, e.g. 090-1234-5678."))
    return value


def _group_or_refuse(code: str) -> AppointmentGroup:
    group = selectors.appointment_group(code)
    if group is None:
        raise AppointmentRefused(_("This kind of appointment is not offered."))
    return group


def _check_procedures(group: AppointmentGroup, procedure_codes: Sequence[str]) -> list[str]:
    codes = list(dict.fromkeys(procedure_codes))
    if not codes:
        raise AppointmentRefused(_("Choose at least one procedure."))
    if any(code not in group.procedures for code in codes):
        raise AppointmentRefused(_("These procedures are not booked at this counter."))
    return codes


def _slot_for(group: AppointmentGroup, starts_at: datetime) -> AppointmentSlot:
    from madoguchi.catalog.models import Counter

    counter = Counter.objects.get(code=group.counter)
    slot, _created = AppointmentSlot.objects.get_or_create(
        group_code=group.code, starts_at=starts_at,
        defaults={"counter": counter, "ends_at": starts_at + timedelta(minutes=group.slot_minutes)},
    )
    return slot


def _take_place(group: AppointmentGroup, starts_at: datetime, now: datetime) -> AppointmentSlot:
    """The slot at ``starts_at``, locked, with a place left; ``AppointmentRefused`` otherwise.
    Call inside a transaction: the lock holds until it ends."""
    if not slots.is_bookable(group, selectors.local_naive(starts_at), selectors.local_naive(now)):
        raise AppointmentRefused(_("This time cannot be booked: it is closed, past, too soon or too far ahead."))
    slot = AppointmentSlot.objects.select_for_update().get(pk=_slot_for(group, starts_at).pk)
    taken = Appointment.objects.filter(slot=slot, status__in=Appointment.HOLDING).count()
    if taken >= group.capacity:
        raise AppointmentRefused(_("This time is fully booked. Please choose another."))
    return slot


def appointment_book(*, group_code: str, starts_at: datetime, procedure_codes: Sequence[str], contact: str = "",
                     now: datetime | None = None) -> Appointment:
    """Book a place at ``starts_at`` (the start of one of the group's slots).

    MUST refuse a slot that is closed (holiday, closed day, Saturday, a Sunday without opening), past,
    within the group's notice, beyond its booking window or full — also when another booking takes
    the last place at the same moment; refuse procedures the group does not book. Gives a reference
    code no other booking has."""
    now = now or timezone.now()
    group = _group_or_refuse(group_code)
    codes = _check_procedures(group, procedure_codes)
    contact = _clean_contact(contact)
    for _attempt in range(REFERENCE_RETRIES):
        try:
            with transaction.atomic():
                slot = _take_place(group, starts_at, now)
                appointment = Appointment.objects.create(
                    reference=_new_reference(), slot=slot, procedure_codes=codes, contact=contact, booked_at=now)
                audit.appointment_booked(appointment=appointment, group=group.code)
                return appointment
        except IntegrityError:
            continue  # the reference (or the slot row) was taken a moment ago: try again
    raise AppointmentRefused(_("The booking could not be made. Please try again."))  # pragma: no cover


def _lock_by_reference(reference: str) -> Appointment:
    code = selectors.normalise_reference(reference)
    appointment = Appointment.objects.select_for_update().select_related("slot").filter(reference=code).first()
    if appointment is None:
        raise AppointmentRefused(_("No booking has this code. Check the code (8 characters, e.g. ACDE-3479)."))
    return appointment


@transaction.atomic
def appointment_cancel(*, reference: str, now: datetime | None = None) -> Appointment:
    """Cancel a booking by its code; its place goes back to the slot. Only a booking not yet used."""
    now = now or timezone.now()
    appointment = _lock_by_reference(reference)
    if appointment.status != Appointment.Status.BOOKED:
        raise AppointmentRefused(_("This booking cannot be cancelled any more (%(status)s).")
                                 % {"status": appointment.get_status_display()})
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_at"])
    audit.appointment_cancelled(appointment=appointment)
    return appointment


@transaction.atomic
def appointment_change(*, reference: str, starts_at: datetime, procedure_codes: Sequence[str] | None = None,
                       now: datetime | None = None) -> Appointment:
    """Move a booking to another slot of the same group (same code), under the same rules as booking."""
    now = now or timezone.now()
    appointment = _lock_by_reference(reference)
    if appointment.status != Appointment.Status.BOOKED:
        raise AppointmentRefused(_("This booking cannot be changed any more (%(status)s).")
                                 % {"status": appointment.get_status_display()})
    group = _group_or_refuse(appointment.slot.group_code)
    codes = _check_procedures(group, procedure_codes if procedure_codes is not None else appointment.procedure_codes)
    previous = appointment.slot
    if starts_at != previous.starts_at:
        appointment.slot = _take_place(group, starts_at, now)
    appointment.procedure_codes = codes
    appointment.changed_at = now
    appointment.save(update_fields=["slot", "procedure_codes", "changed_at"])
    audit.appointment_changed(appointment=appointment, previous_slot=previous.starts_at.isoformat())
    return appointment


# --- appointments: at the office ------------------------------------------------------------------


def _grace() -> timedelta:
    return timedelta(minutes=settings.APPOINTMENT_GRACE_MINUTES)


def _mark_no_show(appointment: Appointment, *, actor, now: datetime) -> None:
    appointment.status = Appointment.Status.NO_SHOW
    appointment.no_show_at = now
    appointment.save(update_fields=["status", "no_show_at"])
    audit.appointment_no_show(actor=actor, appointment=appointment)


def appointment_check_in(*, reference: str, actor, now: datetime | None = None) -> Visit:
    """Check in by code at the kiosk or reception: the visit is registered (channel ``appointment``) at
    the slot's site with the booked procedures, queued up to ``APPOINTMENT_PRIORITY_MINUTES`` ahead of
    walk-ins (``slots.priority_advance_minutes``).

    MUST refuse an unknown, cancelled, used or other-day code, and a check-in before the window opens
    (``APPOINTMENT_CHECKIN_EARLY_MINUTES`` before the slot); past the grace the booking becomes a
    no-show (its place is released) and the check-in is refused. Two check-ins of one code at once
    make one visit (the booking row is locked)."""
    now = now or timezone.now()
    late = False
    with transaction.atomic():
        appointment = _lock_by_reference(reference)
        start = appointment.slot.starts_at
        if appointment.status == Appointment.Status.CHECKED_IN:
            ticket = appointment.visit.ticket_number if appointment.visit else "—"
            raise AppointmentRefused(_("This booking has checked in already (ticket %(ticket)s).") % {"ticket": ticket})
        if appointment.status != Appointment.Status.BOOKED:
            raise AppointmentRefused(_("This booking is %(status)s and cannot check in. Please take a ticket at "
                                       "reception.") % {"status": appointment.get_status_display()})
        local_start = timezone.localtime(start)
        if local_start.date() != timezone.localdate(now):
            raise AppointmentRefused(_("This booking is for %(date)s, not today.")
                                     % {"date": local_start.strftime("%Y-%m-%d %H:%M")})
        opens = start - timedelta(minutes=settings.APPOINTMENT_CHECKIN_EARLY_MINUTES)
        if now < opens:
            raise AppointmentRefused(_("Check-in for this booking opens at %(time)s.")
                                     % {"time": timezone.localtime(opens).strftime("%H:%M")})
        if now > start + _grace():
            _mark_no_show(appointment, actor=actor, now=now)
            late = True
        else:
            advance = slots.priority_advance_minutes(
                slot_start=start, arrived_at=now, advance_minutes=settings.APPOINTMENT_PRIORITY_MINUTES)
            visit = reception.visit_register(
                site=appointment.slot.counter.site, procedure_codes=appointment.procedure_codes,
                channel=Channel.APPOINTMENT, priority_advance_minutes=advance, registered_by=actor, now=now,
            )
            appointment.status = Appointment.Status.CHECKED_IN
            appointment.checked_in_at = now
            appointment.checked_in_by = actor if getattr(actor, "pk", None) else None
            appointment.visit = visit
            appointment.save(update_fields=["status", "checked_in_at", "checked_in_by", "visit"])
            audit.appointment_checked_in(actor=actor, appointment=appointment, visit=visit)
    if late:  # raised after the commit, so the released place stays released
        raise AppointmentRefused(_("The booked time was %(time)s: more than %(minutes)d minutes ago, so the booking "
                                   "has lapsed. Please take a ticket at reception.")
                                 % {"time": local_start.strftime("%H:%M"),
                                    "minutes": settings.APPOINTMENT_GRACE_MINUTES})
    return visit


@transaction.atomic
def appointment_no_show(*, appointment: Appointment, actor, now: datetime | None = None) -> Appointment:
    """Staff mark a booking not checked in past its grace as a no-show: its place is released."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise AppointmentRefused(_("Only a booking not checked in can be a no-show."))
    if now <= appointment.slot.starts_at + _grace():
        minutes = math.ceil((appointment.slot.starts_at + _grace() - now).total_seconds() / 60)
        raise AppointmentRefused(_("Wait %(minutes)d more minutes: the resident may still check in.")
                                 % {"minutes": minutes})
    _mark_no_show(appointment, actor=actor, now=now)
    return appointment


def appointment_no_shows_release(*, now: datetime | None = None) -> int:
    """Mark every booking not checked in past its grace as a no-show (the scheduled job). Returns how many."""
    now = now or timezone.now()
    count = 0
    overdue = Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__starts_at__lt=now - _grace())
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().filter(
                pk=pk, status=Appointment.Status.BOOKED).first()
            if appointment is not None:
                _mark_no_show(appointment, actor=None, now=now)
                count += 1
    return count


@transaction.atomic
def appointment_contacts_purge(*, older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Clear the contact of bookings whose slot is more than ``older_than_days`` (default
    ``PERSONAL_DATA_RETENTION_DAYS``) past. Idempotent; the count is audited on every run."""
    days = settings.PERSONAL_DATA_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError(f"the retention must be at least 1 day, not {days}")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    count = Appointment.objects.filter(slot__starts_at__lt=cutoff).exclude(contact="").update(contact="")
    audit.appointment_contacts_purged(retention_days=days, count=count)
    return count

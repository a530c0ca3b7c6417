"""Reads of pre-applications (opening a scanned code) and appointments (schedules, free places, the day's bookings).

Opening a code for a clerk shows personal data, so ``preapplication_for_staff`` writes the access-log
row itself: no caller can show a code's content without it being logged.
"""

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Counter, LifeEvent, Procedure, Site
from madoguchi.core.mynumber import IndividualNumberRefused
from madoguchi.core.roles import Role
from madoguchi.prefill.answers import AnswerSpec, answer_specs
from madoguchi.prefill.layouts import FormSpec, forms_for_procedures
from madoguchi.prefill.selectors import ward_forms
from madoguchi.reception.models import Visit
from madoguchi.reception.permissions import may_serve

from . import keys, sealed, slots
from .application import Application, ApplicationInvalid, ContentInvalid, check_application, read_content
from .models import Appointment, AppointmentSlot, RedeemedPreapplication
from .refusals import CODE_MESSAGES, NAVIGATOR_CODE, PreapplicationRefused
from .schedule import AppointmentGroup, load_schedules

CONTENT_FIELDS = ["procedures", "name", "name_kana", "birth_date", "sex", "postal_code", "address", "household",
                  "answers"]


# --- pre-applications ------------------------------------------------------------------------------


def max_age() -> timedelta:
    return timedelta(days=settings.PREAPPLY_MAX_AGE_DAYS)


def code_refusal(error: sealed.CodeRefused) -> PreapplicationRefused:
    if error.reason == sealed.Reason.NOT_A_CODE and "navigator" in error.detail:
        return PreapplicationRefused(error.reason, NAVIGATOR_CODE)
    message = CODE_MESSAGES[error.reason]
    if error.reason == sealed.Reason.EXPIRED:
        message = message % {"days": settings.PREAPPLY_MAX_AGE_DAYS}
    return PreapplicationRefused(error.reason, message)


def preapplication_scan(texts: list[str]) -> sealed.Collection:
    """The parts of one code read from ``texts`` (each may hold several parts, one per line or run
    together). ``PreapplicationRefused`` for a part that does not read or parts of different codes."""
    parts = [part for text in texts for part in sealed.split_parts(text)]
    try:
        return sealed.collect(parts)
    except sealed.CodeRefused as error:
        raise code_refusal(error) from None


@dataclass(frozen=True)
class ReadPreapplication:
    application: Application
    created_at: datetime
    key_id: str
    set_id: str
    procedures: list[Procedure]
    life_event: LifeEvent | None
    forms: list[FormSpec]
    specs: list[AnswerSpec]
    registered_visit: Visit | None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + max_age()

    @property
    def answer_rows(self) -> list[tuple[AnswerSpec, str]]:
        answers = self.application.answers
        return [(spec, answers[spec.key]) for spec in self.specs if spec.key in answers]


def _invalid(detail) -> PreapplicationRefused:
    message = CODE_MESSAGES[sealed.Reason.INVALID]
    return PreapplicationRefused(sealed.Reason.INVALID, f"{message} ({detail})" if detail else message)


def preapplication_read(*, collection: sealed.Collection, now: datetime | None = None) -> ReadPreapplication:
    """Open a complete code with the office's keys and check its content as the form checks it.

    MUST refuse (``PreapplicationRefused``) an incomplete, changed, foreign-key, expired or future code
    and content the form never makes; nothing is written either way."""
    now = now or timezone.now()
    try:
        opened = sealed.open_collection(collection, private_keys=keys.private_keys(), now=now, max_age=max_age())
        raw = read_content(opened.content)
    except sealed.CodeRefused as error:
        raise code_refusal(error) from None
    except ContentInvalid as error:
        raise _invalid(str(error)) from None
    procedures = {p.code: p for p in Procedure.objects.filter(active=True, code__in=raw.procedure_codes)}
    unknown = [code for code in raw.procedure_codes if code not in procedures]
    if unknown:
        raise _invalid("unknown procedures: " + ", ".join(unknown))
    forms = forms_for_procedures(ward_forms(), list(raw.procedure_codes))
    specs = answer_specs(forms)
    life_event = LifeEvent.objects.filter(active=True, code=raw.life_event).first() if raw.life_event else None
    try:
        application = check_application(
            procedure_codes=raw.procedure_codes, identity=raw.identity, household=raw.household,
            answers=raw.answers, specs=specs, today=timezone.localdate(now),
            life_event=life_event.code if life_event else "",
        )
    except IndividualNumberRefused:
        raise _invalid("a 12-digit number") from None
    except ApplicationInvalid as error:
        raise _invalid(", ".join(error.fields)) from None
    redeemed = RedeemedPreapplication.objects.select_related("visit").filter(
        key_id=opened.key_id, set_id=opened.set_id).first()
    return ReadPreapplication(
        application=application, created_at=opened.created_at, key_id=opened.key_id, set_id=opened.set_id,
        procedures=[procedures[code] for code in application.procedure_codes], life_event=life_event,
        forms=forms, specs=specs, registered_visit=redeemed.visit if redeemed else None,
    )


def preapplication_for_staff(*, collection: sealed.Collection, actor, now: datetime | None = None
                             ) -> ReadPreapplication:
    """``preapplication_read`` for ``actor`` to see, with the access-log row written."""
    read = preapplication_read(collection=collection, now=now)
    audit.preapplication_viewed(actor=actor, key_id=read.key_id, set_id=read.set_id, fields=CONTENT_FIELDS)
    return read


# --- appointment schedules ---------------------------------------------------------------------------

SCHEDULE_INPUTS_SECONDS = 60


@functools.lru_cache(maxsize=4)
def _load(directory: str, stamp: tuple, sites: frozenset, counters: tuple) -> tuple[AppointmentGroup, ...]:
    return load_schedules(Path(directory), sites=set(sites),
                          counters={code: (site, handled) for code, site, handled in counters})


def _catalogue_inputs() -> tuple[frozenset, tuple]:
    inputs = cache.get("preapply:schedule_inputs")
    if inputs is None:
        handled: dict[int, set[str]] = {}
        for counter_id, code in Procedure.counters.through.objects.filter(procedure__active=True).values_list(
                "counter_id", "procedure__code"):
            handled.setdefault(counter_id, set()).add(code)
        counters = tuple(sorted(
            (counter.code, counter.site.code, frozenset(handled.get(counter.pk, ())))
            for counter in Counter.objects.filter(active=True).select_related("site")
        ))
        inputs = (frozenset(Site.objects.filter(active=True).values_list("code", flat=True)), counters)
        cache.set("preapply:schedule_inputs", inputs, SCHEDULE_INPUTS_SECONDS)
    return inputs


def appointment_groups() -> tuple[AppointmentGroup, ...]:
    """The ward's appointment groups (``CATALOG_DIR/appointments/*.yaml``), checked against the
    catalogue. Parsed again only when a file or the catalogue changes. Raises ``ScheduleInvalid``."""
    directory = Path(settings.CATALOG_DIR) / "appointments"
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    sites, counters = _catalogue_inputs()
    return _load(str(directory), stamp, sites, counters)


def appointment_group(code: str) -> AppointmentGroup | None:
    return next((group for group in appointment_groups() if group.code == code), None)


def local_naive(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def aware(local: datetime) -> datetime:
    return timezone.make_aware(local)


@dataclass(frozen=True)
class SlotOffer:
    starts_at: datetime
    ends_at: datetime
    places_left: int

    @property
    def value(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


def _taken(group: AppointmentGroup, starts: list[datetime]) -> dict[datetime, int]:
    if not starts:
        return {}
    rows = (Appointment.objects.filter(slot__group_code=group.code, status__in=Appointment.HOLDING,
                                       slot__starts_at__gte=min(starts), slot__starts_at__lte=max(starts))
            .values("slot__starts_at").annotate(taken=Count("id")))
    return {row["slot__starts_at"]: row["taken"] for row in rows}


def slot_offers(group: AppointmentGroup, *, now: datetime | None = None, day: date | None = None) -> list[SlotOffer]:
    """The slots a booking made now may take (of ``day``, or of the whole booking window), with the
    places left in each; full slots included (``places_left`` 0)."""
    now = now or timezone.now()
    times = slots.bookable_slot_times(group, local_naive(now))
    if day is not None:
        times = [(start, end) for start, end in times if start.date() == day]
    starts = [aware(start) for start, _end in times]
    taken = _taken(group, starts)
    return [SlotOffer(start, aware(end), max(0, group.capacity - taken.get(start, 0)))
            for start, (_s, end) in zip(starts, times, strict=True)]


def open_days(group: AppointmentGroup, *, now: datetime | None = None) -> list[tuple[date, int]]:
    """Each day with bookable slots and the places left that day, in order."""
    days: dict[date, int] = {}
    for offer in slot_offers(group, now=now):
        day = timezone.localtime(offer.starts_at).date()
        days[day] = days.get(day, 0) + offer.places_left
    return list(days.items())


def places_left(slot: AppointmentSlot, group: AppointmentGroup) -> int:
    return max(0, group.capacity - slot.appointments.filter(status__in=Appointment.HOLDING).count())


def normalise_reference(text: str) -> str:
    """What a resident types as their code → the stored form (upper case, no spaces or dashes,
    full-width folded)."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch.isalnum())[:16]


def appointment_by_reference(reference: str) -> Appointment | None:
    code = normalise_reference(reference)
    if len(code) != 8:
        return None
    return Appointment.objects.select_related("slot", "slot__counter", "slot__counter__site", "visit").filter(
        reference=code).first()


@dataclass(frozen=True)
class CounterDay:
    counter: Counter
    slots: list[tuple[AppointmentSlot, list[Appointment]]]
    serves: bool = False  # the user serves this counter: may see contacts and mark no-shows

    @property
    def booked(self) -> int:
        return sum(1 for _slot, items in self.slots for a in items if a.status in Appointment.HOLDING)


def day_bookings(*, day: date, user, site: Site | None = None) -> list[CounterDay]:
    """The day's bookings per counter and slot (cancelled ones left out), for ``user``: a counter clerk
    sees the counters they serve only; reception and supervisors every counter."""
    start = aware(datetime.combine(day, datetime.min.time()))
    slots_of_day = (AppointmentSlot.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
                    .select_related("counter", "counter__site").order_by("counter__floor", "counter__number",
                                                                          "starts_at"))
    if site is not None:
        slots_of_day = slots_of_day.filter(counter__site=site)
    if user.role == Role.COUNTER:
        slots_of_day = slots_of_day.filter(counter__in=user.counters.all())
    appointments: dict[int, list[Appointment]] = {}
    booked = list(Appointment.objects.filter(slot__in=slots_of_day).exclude(status=Appointment.Status.CANCELLED)
                  .select_related("visit").order_by("id"))
    names = {p.code: p.name for p in Procedure.objects.filter(
        code__in={code for appointment in booked for code in appointment.procedure_codes})}
    for appointment in booked:
        appointment.procedure_names = [names.get(code, code) for code in appointment.procedure_codes]
        appointments.setdefault(appointment.slot_id, []).append(appointment)
    out: dict[int, CounterDay] = {}
    for slot in slots_of_day:
        if slot.pk not in appointments:
            continue
        entry = out.setdefault(slot.counter_id, CounterDay(slot.counter, [], may_serve(user, slot.counter)))
        entry.slots.append((slot, appointments[slot.pk]))
    return list(out.values())


def appointment_for_staff(appointment_id, user) -> Appointment | None:
    """A booking ``user`` may act on: at a counter they serve (supervisors: any). Another counter's booking
    and a missing one answer alike (None), so nobody probes which bookings exist."""
    from madoguchi.core.params import int_or_none

    pk = int_or_none(appointment_id, low=1)
    appointment = Appointment.objects.select_related("slot", "slot__counter").filter(pk=pk).first() if pk else None
    if appointment is None or not may_serve(user, appointment.slot.counter):
        return None
    return appointment


def procedures_by_code(codes) -> dict[str, Procedure]:
    return {p.code: p for p in Procedure.objects.filter(code__in=list(codes))}

"""Every write of the help desk: file a consultation, move it through the workflow, deliver the
tool, measure the saving, comment, and remind the desk when a measurement falls due."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Procedure
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.core.mynumber import contains_individual_number
from madoguchi.talent.models import Section

from . import workflow
from .models import Consultation, ConsultationNote, HelpKind, Origin, Status
from .savings import hours_saved_per_year, measure_due

MAX_TIMES_PER_MONTH = 10_000
MAX_MINUTES = 24 * 60


def _check_text(*, field: str, value: str, required: bool = True, limit: int = 2000) -> str:
    value = (value or "").strip()
    if contains_individual_number(value):
        raise DomainError(_("This looks like a 12-digit individual number (My Number); it may not be entered here."),
                          field=field)
    if required and not value:
        raise DomainError(_("Fill in this field."), field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(limit)d characters."), field=field, limit=limit)
    return value


def _check_figures(*, times_field: str, times: int, minutes_field: str, minutes: int, allow_zero: bool = False):
    low = 0 if allow_zero else 1
    problems = []
    if not low <= times <= MAX_TIMES_PER_MONTH:
        problems.append(DomainError(_("Between %(low)d and %(high)d times a month."), field=times_field, low=low,
                                    high=MAX_TIMES_PER_MONTH))
    if not low <= minutes <= MAX_MINUTES:
        problems.append(DomainError(_("Between %(low)d and %(high)d minutes."), field=minutes_field, low=low,
                                    high=MAX_MINUTES))
    if problems:
        raise DomainError.collect(problems)


def _note(consultation: Consultation, *, author, text: str = "", old: str = "", new: str = "") -> ConsultationNote:
    return ConsultationNote.objects.create(consultation=consultation, author=author, at=timezone.now(), text=text,
                                           status_from=old, status_to=new)


@transaction.atomic
def consultation_file(*, filed_by, section: Section, title: str, task: str, times_per_month: int,
                      minutes_per_time: int, pain: str, help_kind: str, origin: str = Origin.STAFF,
                      idea_key: str = "", procedure: Procedure | None = None) -> Consultation:
    """File a consultation (status received). Refuses an individual number in any text, a task that
    takes no time, and a second consultation for the same idea (409)."""
    problems = []
    values = {}
    for field, value, limit in (("title", title, 120), ("task", task, 2000), ("pain", pain, 2000)):
        try:
            values[field] = _check_text(field=field, value=value, limit=limit)
        except DomainError as error:
            problems.append(error)
    try:
        _check_figures(times_field="times_per_month", times=times_per_month, minutes_field="minutes_per_time",
                       minutes=minutes_per_time)
    except DomainError as error:
        problems.append(error)
    if help_kind not in HelpKind.values:
        problems.append(DomainError(_("Choose the kind of help."), field="help_kind"))
    if problems:
        raise DomainError.collect(problems)
    if idea_key and Consultation.objects.filter(idea_key=idea_key).exists():
        raise ConflictError(_("A consultation for this idea is open already."), field="idea_key")
    consultation = Consultation.objects.create(
        section=section, filed_by=filed_by, filed_at=timezone.now(), times_per_month=times_per_month,
        minutes_per_time=minutes_per_time, help_kind=help_kind, origin=origin, idea_key=idea_key,
        procedure=procedure, **values)
    _note(consultation, author=filed_by, new=Status.RECEIVED)
    audit.consultation_filed(actor=filed_by, consultation=consultation)
    return consultation


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _move(consultation: Consultation, *, new: str, actor, note: str) -> None:
    old = consultation.status
    if not workflow.may_move(old, new):
        raise ConflictError(_("A consultation that is %(old)s cannot become %(new)s."), field="status",
                            old=Status(old).label, new=Status(new).label)
    consultation.status = new
    if consultation.assignee_id is None:
        consultation.assignee = actor
    consultation.save()
    _note(consultation, author=actor, text=note, old=old, new=new)
    audit.consultation_moved(actor=actor, consultation=consultation, old=old, new=new)


@transaction.atomic
def consultation_advance(*, consultation: Consultation, new: str, actor, note: str = "") -> Consultation:
    """received → analysing → building, and reopening a declined one. Delivery, measuring and
    declining go through their own services (they need more than a note)."""
    consultation = _locked(consultation)
    note = _check_text(field="note", value=note, required=False)
    if (consultation.status, new) not in workflow.SIMPLE:
        raise ConflictError(_("A consultation that is %(old)s cannot become %(new)s."), field="status",
                            old=Status(consultation.status).label,
                            new=Status(new).label if new in Status.values else new)
    if new == Status.RECEIVED:
        consultation.decline_reason = ""
    _move(consultation, new=new, actor=actor, note=note)
    return consultation


@transaction.atomic
def consultation_decline(*, consultation: Consultation, reason: str, actor) -> Consultation:
    consultation = _locked(consultation)
    reason = _check_text(field="reason", value=reason, limit=1000)
    consultation.decline_reason = reason
    _move(consultation, new=Status.DECLINED, actor=actor, note=reason)
    return consultation


@transaction.atomic
def consultation_deliver(*, consultation: Consultation, actor, tool_kind: str, tool_name: str, tool_location: str,
                         delivered_on: date, expected_hours_per_year: Decimal, today: date | None = None
                         ) -> Consultation:
    """The tool is in use: what it is, where it lives, and the hours a year it should save. The
    measurement falls due three months after ``delivered_on``."""
    consultation = _locked(consultation)
    today = today or timezone.localdate()
    problems = []
    if tool_kind not in HelpKind.values:
        problems.append(DomainError(_("Choose the kind of tool."), field="tool_kind"))
    texts = {}
    for field, value, limit, required in (("tool_name", tool_name, 200, True),
                                          ("tool_location", tool_location, 300, True)):
        try:
            texts[field] = _check_text(field=field, value=value, limit=limit, required=required)
        except DomainError as error:
            problems.append(error)
    if delivered_on > today:
        problems.append(DomainError(_("The date cannot be in the future."), field="delivered_on"))
    if expected_hours_per_year < 0 or expected_hours_per_year > Decimal("100000"):
        problems.append(DomainError(_("Between 0 and 100000 hours."), field="expected_hours_per_year"))
    if problems:
        raise DomainError.collect(problems)
    consultation.tool_kind = tool_kind
    consultation.tool_name, consultation.tool_location = texts["tool_name"], texts["tool_location"]
    consultation.delivered_on = delivered_on
    consultation.expected_hours_per_year = expected_hours_per_year
    consultation.measure_due_on = measure_due(delivered_on)
    _move(consultation, new=Status.DELIVERED, actor=actor, note="")
    return consultation


@transaction.atomic
def consultation_measure(*, consultation: Consultation, actor, times_per_month_after: int,
                         minutes_per_time_after: int, measured_on: date, today: date | None = None) -> Consultation:
    """The task's figures three months on. The saving is the consultation's own "before" minus these,
    per year. Measuring before the due date is refused: the first weeks of a new tool say little."""
    consultation = _locked(consultation)
    today = today or timezone.localdate()
    if consultation.status != Status.DELIVERED:
        raise ConflictError(_("Only a delivered tool can be measured."), field="status")
    _check_figures(times_field="times_per_month_after", times=times_per_month_after,
                   minutes_field="minutes_per_time_after", minutes=minutes_per_time_after, allow_zero=True)
    if measured_on > today:
        raise DomainError(_("The date cannot be in the future."), field="measured_on")
    if measured_on < consultation.measure_due_on:
        raise DomainError(_("Measure from %(due)s on: three months after the delivery."), field="measured_on",
                          due=consultation.measure_due_on.isoformat())
    consultation.times_per_month_after = times_per_month_after
    consultation.minutes_per_time_after = minutes_per_time_after
    consultation.measured_on = measured_on
    consultation.measured_hours_per_year = hours_saved_per_year(
        before=(consultation.times_per_month, consultation.minutes_per_time),
        after=(times_per_month_after, minutes_per_time_after))
    _move(consultation, new=Status.MEASURED, actor=actor, note="")
    return consultation


@transaction.atomic
def consultation_comment(*, consultation: Consultation, author, text: str) -> ConsultationNote:
    return _note(consultation, author=author, text=_check_text(field="text", value=text))


@transaction.atomic
def consultation_assign(*, consultation: Consultation, assignee, actor) -> Consultation:
    consultation = _locked(consultation)
    consultation.assignee = assignee
    consultation.save(update_fields=["assignee", "updated_at"])
    return consultation


@transaction.atomic
def measurement_reminder_sent(*, consultation: Consultation) -> bool:
    """Mark that the desk was asked to measure (after the reminder went out: a failed e-mail is tried
    again the next day). False when another run marked it first."""
    return bool(Consultation.objects.filter(pk=consultation.pk, measure_reminded_at__isnull=True)
                .update(measure_reminded_at=timezone.now()))

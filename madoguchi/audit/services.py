"""One function per audit event. Services call these inside their own transaction, so an event
is written exactly when the change it describes is (and never for a change that rolled back).

The details must never hold a 12-digit individual number, a PIN or a password:
``_safe_details`` refuses them loudly rather than write them (the product's one detector,
``core.mynumber``, in every shape it reads); a typed name or target that holds one is withheld.
"""

from typing import Any

from madoguchi.core.mynumber import contains_individual_number
from madoguchi.core.text import has_control_characters

from .models import Event, PersonalDataAccess

WITHHELD = "(withheld)"
SYSTEM = "system"  # the actor of what no person did (the audit page shows it in the reader's words)
STAFFING_MOVE_ACCEPTED = "staffing.move_accepted"
_FORBIDDEN_KEYS = {"password", "pin", "individual_number", "my_number", "mynumber"}


def _label(actor) -> str:
    if actor is None:
        return SYSTEM
    return getattr(actor, "username", str(actor))


def _looks_like_individual_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        value = str(value)
    return isinstance(value, str) and contains_individual_number(value)


def _typed(value: str) -> str:
    """A name somebody typed, as it may be kept: withheld when it holds an individual number or a
    control character (which no database column should take: PostgreSQL refuses NUL outright)."""
    if _looks_like_individual_number(value) or has_control_characters(value):
        return WITHHELD
    return value


def _check(value: Any, path: str) -> None:
    # Details nest (counts per kind, lists of fields): every level is checked, not only the top.
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in _FORBIDDEN_KEYS:
                raise ValueError(f"audit details may not carry {path}{key!r}")
            _check(item, f"{path}{key}.")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            _check(item, f"{path}{index}.")
    elif _looks_like_individual_number(value):
        raise ValueError(f"audit detail {path.rstrip('.')!r} looks like an individual number")
    elif isinstance(value, str) and has_control_characters(value):
        raise ValueError(f"audit detail {path.rstrip('.')!r} holds a control character")


def _safe_details(details: dict[str, Any]) -> dict[str, Any]:
    _check(details, "")
    return details


def _record(*, actor, action: str, target=None, target_type: str = "", target_id: str = "", **details) -> Event:
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_typed(_label(actor)),
        action=action,
        target_type=target_type,
        target_id=_typed(target_id),
        details=_safe_details(details),
    )


def staff_logged_in(*, user, ip: str) -> Event:
    return _record(actor=user, action="auth.login", target=user, ip=ip)


def staff_login_failed(*, username: str, ip: str, locked: bool) -> Event:
    """The name typed is kept (it shows guessing), unless it looks like an individual number that
    somebody typed into the wrong field: that is never stored."""
    return _record(
        actor=None, action="auth.login_failed", target_type="accounts.user", target_id=_typed(username)[:64],
        ip=ip, locked=locked,
    )


def staff_logged_out(*, user, ip: str) -> Event:
    return _record(actor=user, action="auth.logout", target=user, ip=ip)


def api_token_issued(*, user, issued_by: str) -> Event:
    return _record(actor=None, action="auth.api_token_issued", target=user, issued_by=issued_by)


def staff_account_created(*, user, role: str, created_by: str) -> Event:
    return _record(actor=None, action="accounts.created", target=user, role=role, created_by=created_by)


def catalog_loaded(*, source: str, counts: dict[str, int], changes: int) -> Event:
    return _record(
        actor=None, action="catalog.loaded", target_type="catalog", target_id=source[:64],
        counts=counts, changes=changes,
    )


def dx_framework_loaded(*, source: str, counts: dict[str, int], changes: int) -> Event:
    """The DX skill framework (roles, grades, qualifications) was loaded: an event of its own, not the procedure
    catalogue's (the audit page named it 手続カタログ)."""
    return _record(
        actor=None, action="talent.framework_loaded", target_type="talent.framework", target_id=source[:64],
        counts=counts, changes=changes,
    )


def personal_data_viewed(*, actor, subject, purpose: str, fields: list[str]) -> PersonalDataAccess:
    """Log one staff view of a resident's personal data. Call it from the selector that reads it."""
    return PersonalDataAccess.objects.create(
        actor=actor,
        actor_label=_label(actor),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        purpose=purpose,
        fields=list(fields),
    )


def identity_captured(*, actor, visit, source: str, household_size: int) -> Event:
    """書かない窓口: a visit's identity was captured (by card, typed, or from a pre-application).
    Records how, never what: the values stay in the prefill tables, under their retention."""
    return _record(actor=actor, action="prefill.identity_captured", target=visit, source=source,
                   household_size=household_size)


def forms_printed(*, actor, visit, form_codes: list[str], step_id: int | None) -> Event:
    return _record(actor=actor, action="prefill.forms_printed", target=visit, forms=list(form_codes),
                   step=step_id)


def personal_data_purged(*, retention_days: int, cutoff: str, counts: dict[str, int]) -> Event:
    """The retention job ran (written on every run, so a missed night shows as a gap)."""
    return _record(actor=None, action="prefill.personal_data_purged", target_type="prefill.visitidentity",
                   target_id=cutoff[:64], retention_days=retention_days, counts=counts)


def preapplication_viewed(*, actor, key_id: str, set_id: str, fields: list[str]) -> PersonalDataAccess:
    """事前申請: a clerk saw the content of a pre-application code. No visit exists yet, so the code is
    named by its key id and checksum (no personal data)."""
    return PersonalDataAccess.objects.create(
        actor=actor, actor_label=_label(actor), subject_type="preapply.code", subject_id=f"{key_id}:{set_id}",
        purpose="事前申請：受付での内容確認 / reading a pre-application code at reception", fields=list(fields),
    )


def preapplication_registered(*, actor, visit, key_id: str, set_id: str, age_days: int) -> Event:
    return _record(actor=actor, action="preapply.registered", target=visit, key_id=key_id, code=set_id,
                   age_days=age_days)


def appointment_booked(*, appointment, group: str) -> Event:
    """窓口予約: booked by a resident (no account, so no actor). Never the reference code or contact."""
    return _record(actor=None, action="appointment.booked", target=appointment, group=group,
                   slot=appointment.slot.starts_at.isoformat())


def appointment_changed(*, appointment, previous_slot: str) -> Event:
    return _record(actor=None, action="appointment.changed", target=appointment, previous=previous_slot,
                   slot=appointment.slot.starts_at.isoformat())


def appointment_cancelled(*, appointment) -> Event:
    return _record(actor=None, action="appointment.cancelled", target=appointment)


def appointment_checked_in(*, actor, appointment, visit) -> Event:
    return _record(actor=actor, action="appointment.checked_in", target=appointment, visit=visit.pk,
                   ticket=visit.ticket_number)


def appointment_no_show(*, actor, appointment) -> Event:
    return _record(actor=actor, action="appointment.no_show", target=appointment)


def appointment_contacts_purged(*, retention_days: int, count: int) -> Event:
    return _record(actor=None, action="appointment.contacts_purged", target_type="preapply.appointment",
                   retention_days=retention_days, count=count)


# --- the back office (issue 17): DX talent and the DX help desk -----------------------------------


def staff_list_imported(*, actor, source: str, **counts: int) -> Event:
    """DX人材: the HR staff list was imported (counts only; never the names)."""
    return _record(actor=actor, action="talent.staff_imported", target_type="talent.staffmember",
                   target_id=source[:64], **counts)


def skill_assessment_confirmed(*, actor, assessment, role: str, level: int) -> Event:
    return _record(actor=actor, action="talent.assessment_confirmed", target=assessment,
                   fiscal_year=assessment.fiscal_year, role=role, level=level)


def talent_target_set(*, actor, target, role: str, level: int, headcount: int) -> Event:
    return _record(actor=actor, action="talent.target_set", target=target, fiscal_year=target.fiscal_year,
                   role=role, level=level, headcount=headcount)


def talent_target_deleted(*, actor, target) -> Event:
    return _record(actor=actor, action="talent.target_deleted", target=target, fiscal_year=target.fiscal_year)


def talent_year_closed(*, actor, snapshot) -> Event:
    return _record(actor=actor, action="talent.year_closed", target=snapshot, fiscal_year=snapshot.fiscal_year)


def consultation_filed(*, actor, consultation) -> Event:
    """よろず相談DX: a consultation was filed (by a member of staff, or opened from the counter's data)."""
    return _record(actor=actor, action="dxdesk.filed", target=consultation, kind=consultation.help_kind,
                   section=consultation.section_id)


def consultation_moved(*, actor, consultation, old: str, new: str) -> Event:
    return _record(actor=actor, action="dxdesk.status_changed", target=consultation, old=old, new=new)


# --- insights: history and interventions (issue 15) ---


def demo_history_written(*, days: int, visits: int, seed: int) -> Event:
    return _record(actor=None, action="insights.demo_history_written", target_type="reception.visit",
                   days=days, visits=visits, seed=seed)


def demo_history_deleted(*, days: int, visits: int) -> Event:
    return _record(actor=None, action="insights.demo_history_deleted", target_type="reception.visit",
                   days=days, visits=visits)


def events_imported(*, file_name: str, sha256: str, visits: int, steps: int, already: int) -> Event:
    """The old reception system's ticket log loaded (manage.py import_events): which file, what it added."""
    return _record(actor=None, action="insights.events_imported", target_type="reception.visit",
                   target_id=sha256[:16], file=file_name[:200], visits=visits, steps=steps, already=already)


def intervention_recorded(*, actor, intervention) -> Event:
    return _record(actor=actor, action="insights.intervention_recorded", target=intervention,
                   day=intervention.day.isoformat(), service=intervention.service)


def intervention_deleted(*, actor, intervention) -> Event:
    return _record(actor=actor, action="insights.intervention_deleted", target=intervention,
                   day=intervention.day.isoformat(), service=intervention.service)
# --- fees (madoguchi.payments). Never the addressee: amounts, methods, receipt numbers and reasons only.
# Terminal transaction ids and messages stay on the payment row: a vendor's 12-digit id would read as
# an individual number here.


def staffing_move_accepted(*, actor, from_counter, to_counter, closed_desk: int, opened_desk: int) -> Event:
    """A supervisor accepted the staffing page's move: a desk of ``from_counter`` closed, one of ``to_counter``
    opened (the staffing page reads today's to keep from undoing a move within the hour)."""
    return _record(actor=actor, action=STAFFING_MOVE_ACCEPTED, target=to_counter, from_counter=from_counter.code,
                   to_counter=to_counter.code, closed_desk=closed_desk, opened_desk=opened_desk)


def payment_received(*, actor, payment) -> Event:
    """A fee was paid (cash at once; cashless once the terminal approved)."""
    return _record(actor=actor, action="payment.received", target=payment, visit=payment.visit_id,
                   register=payment.register.code, method=payment.method, total_yen=payment.total_yen,
                   receipt=payment.receipt_number)


def payment_not_completed(*, actor, payment) -> Event:
    """The terminal declined, the resident cancelled, or the request never reached the terminal."""
    return _record(actor=actor, action="payment.not_completed", target=payment, visit=payment.visit_id,
                   register=payment.register.code, method=payment.method, total_yen=payment.total_yen,
                   status=payment.status)


def payment_resolved(*, actor, payment, outcome: str) -> Event:
    """A pending payment was settled from the terminal's status of its key (after a timeout or a crash)."""
    return _record(actor=actor, action="payment.resolved", target=payment, outcome=outcome, status=payment.status)


def payment_voided(*, actor, payment, reason: str) -> Event:
    """取消: a same-day void; the money went back (cash from the drawer, or reversed on the terminal)."""
    return _record(actor=actor, action="payment.voided", target=payment, receipt=payment.receipt_number,
                   method=payment.method, total_yen=payment.total_yen, charged_by=payment.clerk_id, reason=reason)


def payment_refunded(*, actor, payment, refund, reason: str) -> Event:
    """還付: a paid fee given back on a later day, by a supervisor."""
    return _record(actor=actor, action="payment.refunded", target=payment, receipt=payment.receipt_number,
                   method=payment.method, amount_yen=refund.amount_yen, register=refund.register.code,
                   paid_on=payment.service_date.isoformat(), reason=reason)


def receipt_printed(*, actor, payment, reprint: bool) -> Event:
    return _record(actor=actor, action="payment.receipt_printed", target=payment, receipt=payment.receipt_number,
                   reprint=reprint)


def settlement_imported(*, actor, day: str, rows: int, source: str) -> Event:
    return _record(actor=actor, action="payment.settlement_imported", target_type="payments.settlementimport",
                   target_id=day, rows=rows, source=source[:200])


def register_day_closed(*, actor, close) -> Event:
    """日計・精算 of a register (again if it is closed again: every count is kept here)."""
    return _record(actor=actor, action="payment.day_closed", target=close, register=close.register.code,
                   day=close.service_date.isoformat(), expected_yen=close.expected_cash_yen,
                   counted_yen=close.counted_cash_yen, variance_yen=close.variance_yen, reason=close.variance_reason,
                   cashless_unmatched=close.cashless.get("unmatched", 0))


def payment_addressees_purged(*, retention_days: int, cutoff: str, count: int) -> Event:
    return _record(actor=None, action="payment.addressees_purged", target_type="payments.payment",
                   target_id=cutoff[:64], retention_days=retention_days, count=count)


def survey_action_recorded(*, actor, item) -> Event:
    return _record(actor=actor, action="surveys.action_recorded", target=item, due=item.due.isoformat(),
                   department=item.department.code)


def survey_action_changed(*, actor, item, old: str, new: str) -> Event:
    return _record(actor=actor, action="surveys.action_changed", target=item, old=old, new=new)

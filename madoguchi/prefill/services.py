"""Every write of the no-writing counter (書かない窓口): keyword-only, atomic, audited.

Errors are ``ValidationError`` keyed by the field at fault — ``name``, ``household[1].birth_date``,
``answers.moved_on`` — so a page puts each message next to its field and the API names it.

The individual number (個人番号): each service looks for a 12-digit number in everything it is
given *before anything else* and refuses it naming the fields, never the digits, so no error
message, log line, audit row or PDF can carry it (番号法 §19–20).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import IndividualNumberRefused, find_individual_numbers
from madoguchi.reception.models import Step, Visit

from .answers import answers_cleaned
from .identity import HouseholdMember, IdentityInvalid, validate_household, validate_identity
from .models import CaptureSource, StepPrefill, VisitIdentity
from .pdf import render_bundle
from .selectors import (
    IDENTITY_FIELDS,
    active_step_of,
    applicant_is_listed,
    counter_forms,
    visit_answer_specs,
    visit_answers,
    visit_forms,
    visit_info,
)

PRINT_PURPOSE = "書かない窓口：申請書の印刷 / printing the pre-filled application forms"




def _member_json(member: HouseholdMember) -> dict:
    return {"name": member.name, "name_kana": member.name_kana, "birth_date": member.birth_date.isoformat(),
            "sex": int(member.sex), "relationship": member.relationship}


@transaction.atomic
def identity_capture(
    *, visit: Visit, source: str, data: Mapping[str, object], household: Sequence[Mapping] = (), actor,
    applicant_listed: bool | None = None, now: datetime | None = None,
) -> VisitIdentity:
    """Capture (or correct) the visit's identity; every later counter of the visit reuses it.

    MUST refuse a 12-digit individual number anywhere in ``data``, ``household`` or ``source``
    first, naming the fields; refuse an unknown source, a cancelled visit, and anything
    ``validate_identity`` / ``validate_household`` refuse, with every problem at once. Keeps the
    answers already given. Records the capture on the Step ``actor`` is serving (``StepPrefill``)
    and an audit event without the values.
    """
    household = list(household) if isinstance(household, (list, tuple)) else household
    found = [*find_individual_numbers(source, ("source",)), *find_individual_numbers(dict(data)),
             *find_individual_numbers(household, ("household",))]
    if found:
        raise IndividualNumberRefused(found)
    if source not in CaptureSource.values:
        raise DomainError(_("Unknown way of capturing the identity: one of %(sources)s."), field="source",
                          sources=", ".join(CaptureSource.values))
    now = now or timezone.now()
    today = timezone.localdate(now)
    problems: list[DomainError] = []
    identity = members = None
    try:
        identity = validate_identity(data, today=today)
    except IdentityInvalid as error:
        problems.append(error)
    try:
        members = validate_household(household, today=today)
    except IdentityInvalid as error:
        problems.append(error)
    if problems or identity is None or members is None:
        raise DomainError.collect(problems)

    # The visit row is the lock: two clerks saving at once write one after the other.
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == Visit.Status.CANCELLED:
        raise DomainError(_("The visit was cancelled."), field="visit")
    step = active_step_of(visit, actor) if actor is not None else None
    record, _created = VisitIdentity.objects.update_or_create(visit=visit, defaults={
        "source": source, "name": identity.name, "name_kana": identity.name_kana,
        "birth_date": identity.birth_date, "sex": int(identity.sex), "postal_code": identity.postal_code,
        "address": identity.address, "household": [_member_json(m) for m in members],
        "applicant_listed": applicant_listed,
        "captured_step": step, "captured_by": actor, "captured_at": now,
    })
    if step is not None:
        StepPrefill.objects.update_or_create(step=step, defaults={"capture_source": source, "captured_here": True})
    audit.identity_captured(actor=actor, visit=visit, source=source, household_size=len(members))
    return record


@transaction.atomic
def identity_answers_save(
    *, visit: Visit, answers: Mapping[str, object], actor, now: datetime | None = None,
) -> VisitIdentity:
    """Save what the resident adds for the visit's forms (``answer_specs``), merging with earlier answers.

    A blank value removes the answer; an absent key leaves it. MUST refuse a 12-digit number first;
    refuse keys no form of the visit asks, a date that does not read (Western or 和暦), a choice not
    among its choices, and an answer before the identity. Dates are kept as ISO dates. Required
    answers may still be missing here: ``forms_render`` refuses to print without them.
    """
    found = find_individual_numbers(dict(answers), ("answers",))
    if found:
        raise IndividualNumberRefused(found)
    identity = VisitIdentity.objects.select_for_update().filter(visit=visit).first()
    if identity is None:
        raise DomainError(_("Capture the identity first."), field="identity")
    cleaned, problems = answers_cleaned(visit_answer_specs(visit), answers)
    if problems:
        raise DomainError.collect(problems)
    merged = dict(identity.answers)
    for key, text in cleaned.items():
        if text is None:
            merged.pop(key, None)  # a blank removes the answer
        else:
            merged[key] = text
    identity.answers = merged
    identity.answers_updated_at = now or timezone.now()
    identity.save(update_fields=["answers", "answers_updated_at"])
    return identity


def forms_render(*, visit: Visit, actor, only_mine: bool = False, now: datetime | None = None) -> bytes:
    """The visit's forms, pre-filled from its identity and answers (and what the visit already knows),
    as one PDF: every form, or with ``only_mine`` those of the counter ``actor`` serves the visit at —
    so a counter is never held up by another department's missing answers.

    MUST refuse (``ValidationError``) without an identity, without forms, with a required answer
    missing (``answers.<key>``), with a character no embedded font prints, or text that does not
    fit. On success writes, in one transaction: the access-log row (printing shows the personal
    data), the ``StepPrefill`` of the Step ``actor`` is serving, and the audit event.

    The PDF is drawn outside the transaction: drawing takes a few hundred milliseconds and must
    not hold the database's write lock (SQLite takes it when a transaction begins).
    """
    now = now or timezone.now()
    identity = VisitIdentity.objects.filter(visit=visit).first()
    if identity is None:
        raise DomainError(_("No identity has been captured for this visit yet."), field="identity")
    forms = counter_forms(visit, actor) if only_mine else visit_forms(visit)
    if not forms:
        raise DomainError(_("No procedure of this visit has an application form."), field="forms")
    # Refusals (an individual number, missing answers, unprintable or overlong text) are DomainErrors
    # naming their fields: they pass up as they are.
    pdf = render_bundle(forms, identity.as_identity(), identity.household_members(), visit_answers(visit, identity),
                        visit_info(visit), applicant_listed=applicant_is_listed(visit, identity))

    form_codes = [form.code for form in forms]
    with transaction.atomic():
        audit.personal_data_viewed(actor=actor, subject=visit, purpose=PRINT_PURPOSE, fields=IDENTITY_FIELDS)
        step = active_step_of(visit, actor)
        if step is not None:
            record, _created = StepPrefill.objects.select_for_update().get_or_create(step=step, defaults={
                "capture_source": identity.source, "captured_here": identity.captured_step_id == step.pk,
            })
            StepPrefill.objects.filter(pk=record.pk).update(
                capture_source=identity.source, form_codes=form_codes, forms_printed_at=now,
                print_count=F("print_count") + 1,
            )
        audit.forms_printed(actor=actor, visit=visit, form_codes=form_codes, step_id=step.pk if step else None)
    return pdf


@transaction.atomic
def personal_data_purge(*, older_than_days: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Delete every visit identity (with its household and answers) captured more than
    ``older_than_days`` (default ``PERSONAL_DATA_RETENTION_DAYS``) ago. Idempotent: a second run
    deletes nothing. Handoff memos of visits that old are blanked too. ``StepPrefill`` records stay:
    they hold no personal data. Returns the counts
    and writes them to the audit log on every run."""
    days = settings.PERSONAL_DATA_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        # 0 would delete the identities of visitors still at the counters today.
        raise ValueError(f"the retention must be at least 1 day, not {days}")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = VisitIdentity.objects.filter(captured_at__lt=cutoff)
    counts = {"identities": 0, "household_members": 0, "answer_sets": 0}
    for household, answers in expired.values_list("household", "answers").iterator():
        counts["identities"] += 1
        counts["household_members"] += len(household or [])
        counts["answer_sets"] += 1 if answers else 0
    expired.delete()
    # Handoff memos are free text between clerks and may name a resident: they go with the identities.
    counts["handoff_memos"] = Step.objects.filter(visit__arrived_at__lt=cutoff).exclude(handoff_memo="").update(
        handoff_memo="")
    audit.personal_data_purged(retention_days=days, cutoff=cutoff.isoformat(timespec="seconds"), counts=counts)
    return counts

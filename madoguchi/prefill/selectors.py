"""Reads of the no-writing counter: the ward's forms, a visit's forms, and its identity for a staff view.

Reading a visit's identity for a person is a view of personal data, so ``identity_for_staff`` writes
the access-log row itself: no caller can show the identity without it being logged.
"""

import functools
from pathlib import Path

from django.conf import settings

from madoguchi.audit.services import personal_data_viewed
from madoguchi.catalog.models import LifeEvent, Procedure
from madoguchi.reception.models import Step, Visit
from madoguchi.reception.permissions import may_serve
from madoguchi.reception.selectors import route_in_catalogue_order

from .answers import AnswerSpec, answer_specs, known_answers
from .fill import VisitInfo
from .layouts import FormSpec, forms_for_procedures, load_forms
from .models import VisitIdentity

IDENTITY_FIELDS = ["name", "name_kana", "birth_date", "sex", "postal_code", "address", "household", "answers"]


@functools.lru_cache(maxsize=4)
def _load(directory: str, stamp: tuple, procedure_codes: frozenset[str]) -> tuple[FormSpec, ...]:
    return tuple(load_forms(Path(directory), procedure_codes=procedure_codes))


def ward_forms() -> list[FormSpec]:
    """The ward's form definitions (``CATALOG_DIR/forms/*.yaml``), checked against the procedures in
    the database. Parsed again only when a file or the procedure list changes. Raises ``FormsInvalid``."""
    directory = Path(settings.CATALOG_DIR) / "forms"
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.yaml")))
    codes = frozenset(Procedure.objects.values_list("code", flat=True))
    return list(_load(str(directory), stamp, codes))


def visit_procedure_codes(visit: Visit) -> list[str]:
    """The visit's procedures, once each, in the order the visitor goes round the counters (done
    Steps first, then the current one, then the order of prerequisites and counters — not of the
    live queues, so a reprint comes out in the same order); cancelled Steps left out."""
    codes: list[str] = []
    for step in route_in_catalogue_order(visit):
        if step.status == Step.Status.CANCELLED:
            continue
        for procedure in step.procedures.all():
            if procedure.code not in codes:
                codes.append(procedure.code)
    return codes


def visit_forms(visit: Visit) -> list[FormSpec]:
    """Every form the visit's procedures need, once each."""
    return forms_for_procedures(ward_forms(), visit_procedure_codes(visit))


def visit_answer_specs(visit: Visit) -> list[AnswerSpec]:
    return answer_specs(visit_forms(visit))


def visit_move(visit: Visit) -> str | None:
    """The move of residence the visit records ("in", "within", "out"; the catalogue's ``moves``)."""
    moves = set(Procedure.objects.filter(steps__visit=visit).exclude(moves="").values_list("moves", flat=True))
    return next((move for move in ("in", "within", "out") if move in moves), None)


def visit_info(visit: Visit) -> VisitInfo:
    return VisitInfo(date=visit.service_date, ticket_number=visit.ticket_number, move=visit_move(visit))


def visit_known_answers(visit: Visit, specs: list[AnswerSpec] | None = None) -> dict[str, str]:
    """What the visit already knows of the forms' answers: the kind of move from its procedures, the
    reason from its life event, the dates from the event's date (the navigator's or the pre-application's)."""
    return known_answers(specs if specs is not None else visit_answer_specs(visit),
                         procedure_codes=visit_procedure_codes(visit),
                         life_events=[visit.life_event] if visit.life_event else [], event_date=visit.event_date)


def visit_answers(visit: Visit, identity: VisitIdentity | None) -> dict[str, object]:
    """The answers the forms print: what the visit knows, overridden by what was saved."""
    return {**visit_known_answers(visit), **(identity.answers if identity else {})}


def applicant_is_listed(visit: Visit, identity: VisitIdentity | None) -> bool:
    """Whether the person at the counter is listed in the forms' member tables: as saved, else as the
    life event says (a move: yes; a birth or a death: no)."""
    if identity is not None and identity.applicant_listed is not None:
        return identity.applicant_listed
    event = LifeEvent.objects.filter(code=visit.life_event).first() if visit.life_event else None
    return event.applicant_is_subject if event is not None else True


def counter_forms(visit: Visit, actor) -> list[FormSpec]:
    """The forms of the procedures at the counter ``actor`` is serving the visit at (their own forms);
    every form of the visit when they serve it at no counter (reception, a supervisor's review)."""
    step = active_step_of(visit, actor)
    forms = visit_forms(visit)
    if step is None:
        return forms
    mine = set(step.procedures.values_list("code", flat=True))
    return [form for form in forms if mine & set(form.procedures)]


def identity_for_staff(*, visit: Visit, actor, purpose: str) -> VisitIdentity | None:
    """The visit's identity for ``actor`` to see, with the access-log row written; None (and no row)
    when nothing was captured yet."""
    identity = VisitIdentity.objects.select_related("captured_by").filter(visit=visit).first()
    if identity is not None:
        personal_data_viewed(actor=actor, subject=visit, purpose=purpose, fields=IDENTITY_FIELDS)
    return identity


def active_step_of(visit: Visit, actor) -> Step | None:
    """The Step of ``visit`` that ``actor`` is serving now: theirs first, else an active Step at a
    counter they may serve. None for reception, or when the visit is at no counter."""
    steps = list(visit.steps.filter(status__in=Step.ACTIVE).select_related("counter").order_by("id"))
    mine = [s for s in steps if s.clerk_id == actor.pk]
    if mine:
        return mine[0]
    return next((s for s in steps if may_serve(actor, s.counter)), None)

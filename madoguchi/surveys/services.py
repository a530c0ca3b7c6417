"""Every write of the visitor survey: a response, given once per finished visit, atomic."""

from dataclasses import asdict
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.catalog.models import SurveyVersion
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.reception.models import Visit

from . import selectors
from .models import ActionItem, Receipt, Response, Source
from .questions import clean_answers


class InvitationExpired(DomainError):
    """The visit's survey link is past its 14 days (HTTP 410)."""


class InvitationUnknown(DomainError):
    """No finished visit has this token (HTTP 404)."""


class AlreadyAnswered(ConflictError):
    """The visit has answered already (HTTP 409)."""


def _comment_of(version: SurveyVersion, answers: dict) -> str:
    codes = [q["code"] for q in version.definition["questions"] if q.get("role") == "comment"]
    return "\n".join(str(answers[c]) for c in codes if c in answers)


@transaction.atomic
def response_submit(*, visit: Visit | None, answers: object, source: str = Source.PHONE,
                    survey_code: str = selectors.VISIT_SURVEY, now: datetime | None = None,
                    demo: bool = False) -> Response:
    """Store one visit's answers with the visit's non-personal facts.

    MUST: the visit be finished, unanswered and within 14 days of finishing; the answers fit the
    current version (``questions.clean_answers``). Raises ``InvitationUnknown`` (no such finished visit),
    ``AlreadyAnswered`` (409), ``InvitationExpired`` (410), ``DomainError`` naming ``answers.<code>``
    (422). Nothing is stored unless everything is: the receipt's unique visit is the backstop for two
    answers racing."""
    now = now or timezone.now()
    version = selectors.current_version(survey_code)
    if version is None:
        raise InvitationUnknown(_("There is no survey %(code)s."), field="code", code=survey_code[:40])
    if visit is None:
        raise InvitationUnknown(_("This survey link is not known."), field="token")
    visit = Visit.objects.select_for_update().select_related("site").get(pk=visit.pk)
    state = selectors.invitation_state(visit, now=now)
    if state == selectors.InvitationState.NOT_FINISHED:
        raise InvitationUnknown(_("The survey opens when your visit is finished."), field="token")
    if state == selectors.InvitationState.ANSWERED:
        raise AlreadyAnswered(_("This visit has answered the survey already. Thank you."), field="token")
    if state == selectors.InvitationState.EXPIRED:
        raise InvitationExpired(_("This survey link has expired (it is open for %(days)d days after the visit)."),
                                field="token", days=selectors.INVITATION_DAYS)
    cleaned = clean_answers(version.definition, answers)
    facts = selectors.visit_facts(visit)
    try:
        with transaction.atomic():
            Receipt.objects.create(visit=visit, answered_at=now)
    except IntegrityError as error:
        raise AlreadyAnswered(_("This visit has answered the survey already. Thank you."), field="token") from error
    return Response.objects.create(
        version=version, source=source, submitted_at=now, answers=cleaned,
        comment=_comment_of(version, cleaned), demo=demo, **asdict(facts),
    )


# Of the finished demo visits of a day, this share answers the survey.
DEMO_RESPONSE_RATE = 0.18


@transaction.atomic
def demo_responses_write(*, day, seed: int, rate: float = DEMO_RESPONSE_RATE) -> int:
    """Plausible responses from a share of the day's finished demo visits (``demo.demo_answers``),
    replacing the day's demo responses. Each passes the same checks as a visitor's; returns how many."""
    import random

    from madoguchi.reception.models import Origin

    from .demo import demo_answers

    demo_responses_delete(day=day)
    version = selectors.current_version()
    if version is None:
        return 0
    rng = random.Random(f"madoguchi-demo-survey:{seed}:{day.isoformat()}")
    visits = list(Visit.objects.filter(service_date=day, origin=Origin.DEMO, status=Visit.Status.DONE,
                                       completed_at__isnull=False).order_by("pk").values_list("pk", "completed_at"))
    chosen = [(pk, completed) for pk, completed in visits if rng.random() < rate]
    facts = selectors.facts_for_visits([pk for pk, _ in chosen])
    receipts, responses = [], []
    for pk, completed in chosen:
        answers = clean_answers(version.definition, demo_answers(facts[pk], rng))
        at = completed + timedelta(minutes=rng.randint(1, 180))
        receipts.append(Receipt(visit_id=pk, answered_at=at))
        responses.append(Response(version=version, source=rng.choice((Source.PHONE,) * 4 + (Source.TABLET,)),
                                  submitted_at=at, answers=answers, comment=_comment_of(version, answers), demo=True,
                                  **asdict(facts[pk])))
    Receipt.objects.bulk_create(receipts)
    Response.objects.bulk_create(responses)
    return len(responses)


@transaction.atomic
def demo_responses_delete(*, day) -> int:
    """Remove the day's demo responses (their visits' receipts go with the demo visits)."""
    from madoguchi.reception.models import Origin

    # visit_id IN (the day's demo visits), not a join: Django deletes a joined filter as id IN (a self-join),
    # which PostgreSQL, planning from a table's stale statistics, ran as a nested loop over every receipt
    # for each one (seconds per day of demo history).
    demo_visits = Visit.objects.filter(service_date=day, origin=Origin.DEMO).values("pk")
    Receipt.objects.filter(visit_id__in=demo_visits).delete()
    deleted, _ = Response.objects.filter(service_date=day, demo=True).delete()
    return deleted


@transaction.atomic
def action_item_create(*, finding: str, action: str, department, due, actor, now: datetime | None = None) -> ActionItem:
    """A finding of the survey becomes an action item. MUST name what is done, its department and a due date."""
    finding, action = finding.strip(), action.strip()
    errors = []
    if not finding:
        errors.append(DomainError(_("Say what the survey found."), field="finding"))
    if not action:
        errors.append(DomainError(_("Say what will be done."), field="action"))
    if errors:
        raise DomainError.collect(errors)
    item = ActionItem.objects.create(finding=finding[:1000], action=action[:200], department=department, due=due,
                                     created_by=actor if getattr(actor, "pk", None) else None,
                                     created_at=now or timezone.now())
    audit.survey_action_recorded(actor=actor, item=item)
    return item


@transaction.atomic
def action_item_set_status(*, item: ActionItem, status: str, actor) -> ActionItem:
    if status not in ActionItem.Status.values:
        raise DomainError(_("Choose one of the statuses."), field="status")
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.status != status:
        old, item.status = item.status, status
        item.save(update_fields=["status"])
        audit.survey_action_changed(actor=actor, item=item, old=old, new=status)
    return item


@transaction.atomic
def action_item_link_intervention(*, item_id: int, intervention_id: int) -> ActionItem | None:
    """Called by insights when the action is recorded as an intervention (its effect is then measured)."""
    item = ActionItem.objects.select_for_update().filter(pk=item_id).first()
    if item is not None:
        item.intervention_id = intervention_id
        item.save(update_fields=["intervention_id"])
    return item

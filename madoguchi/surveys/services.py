"""Every write of the visitor survey: a response, given once per finished visit, atomic."""

from dataclasses import asdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import SurveyVersion
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.reception.models import Visit

from . import selectors
from .models import Receipt, Response, Source
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

"""Reads for the visitor survey: the current definition, a visit's invitation state and its facts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from madoguchi.catalog.models import Survey, SurveyVersion
from madoguchi.prefill.models import StepPrefill
from madoguchi.reception import selectors as reception
from madoguchi.reception.models import Channel, Step, StepEvent, Visit

from .models import INVITATION_DAYS, Receipt

# The survey a finished visit is invited to (catalog/surveys/visit.yaml).
VISIT_SURVEY = "visit"


def current_version(code: str = VISIT_SURVEY) -> SurveyVersion | None:
    """The latest version of an active survey, or None."""
    survey = Survey.objects.filter(code=code, active=True).first()
    return survey.current_version() if survey else None


def invitation_expires_at(visit: Visit) -> datetime | None:
    return visit.completed_at + timedelta(days=INVITATION_DAYS) if visit.completed_at else None


class InvitationState:
    OPEN = "open"
    NOT_FINISHED = "not_finished"
    ANSWERED = "answered"
    EXPIRED = "expired"


def invitation_state(visit: Visit, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if visit.status != Visit.Status.DONE or visit.completed_at is None:
        return InvitationState.NOT_FINISHED
    if Receipt.objects.filter(visit=visit).exists():
        return InvitationState.ANSWERED
    if now > invitation_expires_at(visit):
        return InvitationState.EXPIRED
    return InvitationState.OPEN


def visit_for_survey(token: str) -> Visit | None:
    return reception.visit_by_token(token) if token and len(token) <= 64 else None


def visit_by_ticket(ticket_number: str, day) -> Visit | None:
    """The visit of ``day`` with this ticket number (tickets restart every day)."""
    number = (ticket_number or "").strip().upper()
    return Visit.objects.filter(service_date=day, ticket_number=number).order_by("-arrived_at").first()


def visit_by_ticket_today(ticket_number: str, *, now: datetime | None = None) -> Visit | None:
    """The exit tablet's lookup: today's visit with this ticket number."""
    return visit_by_ticket(ticket_number, timezone.localdate(now or timezone.now()))


@dataclass(frozen=True)
class VisitFacts:
    """What a response keeps of its visit: nothing that names the person."""

    service_date: object
    site_code: str
    channel: str
    procedures: list[str]
    counters: list[str]
    wait_minutes: float | None
    handling_minutes: float | None
    prefilled: bool
    appointment: bool
    preapplication: bool


def _minutes(start, end) -> float:
    return max((end - start).total_seconds() / 60, 0.0)


def visit_facts(visit: Visit) -> VisitFacts:
    """The visit's facts from its events: the wait is queued → first call at each counter, the handling
    service start → done, each summed over the visit's Steps."""
    steps = [s for s in reception.visit_steps(visit) if s.status == Step.Status.DONE]
    events = list(StepEvent.objects.filter(visit=visit).order_by("at", "id").values("step_id", "kind", "at"))
    wait = handling = 0.0
    measured_wait = measured_handling = False
    for step in steps:
        own = [e for e in events if e["step_id"] == step.pk]
        queued = next((e["at"] for e in own if e["kind"] == StepEvent.Kind.QUEUED), None)
        called = next((e["at"] for e in own if e["kind"] == StepEvent.Kind.CALLED), None)
        serving = next((e["at"] for e in own if e["kind"] == StepEvent.Kind.SERVING), None)
        done = next((e["at"] for e in reversed(own) if e["kind"] == StepEvent.Kind.DONE), None)
        if queued and called:
            wait += _minutes(queued, called)
            measured_wait = True
        if serving and done:
            handling += _minutes(serving, done)
            measured_handling = True
    return VisitFacts(
        service_date=visit.service_date, site_code=visit.site.code, channel=visit.channel,
        procedures=[p.code for p in reception.visit_procedures(visit)],
        counters=list(dict.fromkeys(s.counter.code for s in steps)),
        wait_minutes=round(wait, 1) if measured_wait else None,
        handling_minutes=round(handling, 1) if measured_handling else None,
        prefilled=StepPrefill.objects.filter(step__visit=visit, forms_printed_at__isnull=False).exists(),
        appointment=visit.channel == Channel.APPOINTMENT,
        preapplication=visit.channel == Channel.PREAPPLICATION,
    )

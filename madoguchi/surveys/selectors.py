"""Reads for the visitor survey: the current definition, a visit's invitation state and its facts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from madoguchi.catalog.models import Survey, SurveyVersion
from madoguchi.prefill.models import StepPrefill
from madoguchi.reception import selectors as reception
from madoguchi.reception.models import Channel, Step, StepEvent, Visit

from .models import INVITATION_DAYS, ActionItem, Receipt

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


def facts_for_visits(visit_ids: list[int]) -> dict[int, VisitFacts]:
    """The facts of many visits in a few queries. The wait is queued → first call at each counter, the
    handling service start → done, each summed over the visit's completed Steps (from the events)."""
    visits = {v["id"]: v for v in Visit.objects.filter(pk__in=visit_ids).values(
        "id", "service_date", "site__code", "channel")}
    steps = list(Step.objects.filter(visit_id__in=visit_ids, status=Step.Status.DONE)
                 .order_by("id").values("id", "visit_id", "counter__code"))
    done_steps = {s["id"] for s in steps}
    procedures: dict[int, list[str]] = {}
    for visit_id, code in (Step.procedures.through.objects.filter(step__visit_id__in=visit_ids)
                           .order_by("procedure__sort_order", "procedure__code")
                           .values_list("step__visit_id", "procedure__code")):
        procedures.setdefault(visit_id, [])
        if code not in procedures[visit_id]:
            procedures[visit_id].append(code)
    firsts: dict[tuple[int, str], object] = {}
    for event in (StepEvent.objects.filter(visit_id__in=visit_ids, step_id__in=done_steps)
                  .order_by("at", "id").values("step_id", "kind", "at")):
        key = (event["step_id"], event["kind"])
        if event["kind"] == StepEvent.Kind.DONE or key not in firsts:
            firsts[key] = event["at"]
    prefilled = set(StepPrefill.objects.filter(step__visit_id__in=visit_ids, forms_printed_at__isnull=False)
                    .values_list("step__visit_id", flat=True))
    waits: dict[int, list[float]] = {}
    handlings: dict[int, list[float]] = {}
    counters: dict[int, list[str]] = {}
    for step in steps:
        visit_id, step_id = step["visit_id"], step["id"]
        counters.setdefault(visit_id, [])
        if step["counter__code"] not in counters[visit_id]:
            counters[visit_id].append(step["counter__code"])
        queued, called = firsts.get((step_id, StepEvent.Kind.QUEUED)), firsts.get((step_id, StepEvent.Kind.CALLED))
        serving, done = firsts.get((step_id, StepEvent.Kind.SERVING)), firsts.get((step_id, StepEvent.Kind.DONE))
        if queued and called:
            waits.setdefault(visit_id, []).append(_minutes(queued, called))
        if serving and done:
            handlings.setdefault(visit_id, []).append(_minutes(serving, done))
    out = {}
    for visit_id, visit in visits.items():
        wait, handling = waits.get(visit_id), handlings.get(visit_id)
        out[visit_id] = VisitFacts(
            service_date=visit["service_date"], site_code=visit["site__code"], channel=visit["channel"],
            procedures=procedures.get(visit_id, []), counters=counters.get(visit_id, []),
            wait_minutes=round(sum(wait), 1) if wait else None,
            handling_minutes=round(sum(handling), 1) if handling else None,
            prefilled=visit_id in prefilled, appointment=visit["channel"] == Channel.APPOINTMENT,
            preapplication=visit["channel"] == Channel.PREAPPLICATION,
        )
    return out


def visit_facts(visit: Visit) -> VisitFacts:
    """What a response keeps of ``visit`` (see ``facts_for_visits``)."""
    return facts_for_visits([visit.pk])[visit.pk]


def action_item(item_id: int | None) -> ActionItem | None:
    return ActionItem.objects.filter(pk=item_id).first() if item_id else None

"""Visits and the queues over JSON: register, look up, call, start, complete, no-show, recall."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from madoguchi.catalog import selectors as catalog
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.api import IsoDay, ObjectId
from madoguchi.core.api_auth import staff
from madoguchi.core.errors import DomainError
from madoguchi.core.prepared import PreparedQuery
from madoguchi.core.roles import Capability

from . import selectors, services
from .models import HANDOFF_MEMO_MAX, Channel, Need, Step, Visit
from .permissions import assigned, may_serve, serves_assigned_counters

router = Router(tags=["visits"])

ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
NeedName = Literal[tuple(Need.values)]  # type: ignore[valid-type]


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    procedures: list[str] = Field(min_length=1, max_length=40, description="Procedure codes, e.g. juki.move_in")
    channel: ChannelName = "api"  # type: ignore[valid-type]
    needs: list[NeedName] = []  # type: ignore[valid-type]
    interpreter_language: str = Field("", max_length=20)
    site: str | None = Field(None, description="Site code; the main office when omitted")
    life_event: str = Field("", max_length=64)
    event_date: IsoDay | None = Field(None, description="The life event's date (the move, the birth), YYYY-MM-DD: "
                                                        "the forms are dated with it; needs life_event")


class StepOut(Schema):
    id: int
    counter: str
    counter_name: str
    floor: int
    counter_number: str
    procedures: list[str]
    status: str
    desk: int | None = None


class VisitOut(Schema):
    id: int
    ticket_number: str
    status: str
    status_url: str
    site: str
    life_event: str = ""
    event_date: date | None = None
    steps: list[StepOut]
    survey_url: str | None = Field(None, description="The visitor survey's link, once the visit is finished")


class CallOut(Schema):
    ticket_number: str
    step: StepOut


class CompleteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    memo: str = Field("", max_length=HANDOFF_MEMO_MAX)


class CallNextIn(Schema):
    model_config = ConfigDict(extra="forbid")

    desk: int = Field(1, ge=1, le=99)
    start: bool = Field(False, description="Start serving at once (call and start in one request)")


def step_out(step: Step) -> StepOut:
    return StepOut(
        id=step.pk, counter=step.counter.code, counter_name=step.counter.name_ja, floor=step.counter.floor,
        counter_number=step.counter.number, procedures=selectors.step_procedure_codes(step),
        status=step.status, desk=step.desk,
    )


def summary_out(request, visit: selectors.VisitSummary) -> VisitOut:
    return VisitOut(
        id=visit.id, ticket_number=visit.ticket_number, status=visit.status, site=visit.site,
        life_event=visit.life_event, event_date=visit.event_date,
        status_url=request.build_absolute_uri(reverse("reception:status", args=[visit.status_token])),
        steps=[StepOut(id=s.id, counter=s.counter, counter_name=s.counter_name, floor=s.floor,
                       counter_number=s.counter_number, procedures=s.procedures, status=s.status, desk=s.desk)
               for s in visit.steps],
        survey_url=request.build_absolute_uri(reverse("surveys:answer", kwargs={"token": visit.status_token}))
        if visit.status == Visit.Status.DONE else None,
    )


def visit_out(request, visit: Visit) -> VisitOut:
    steps = selectors.with_procedure_codes(visit.steps.select_related("counter")).order_by("id")
    return VisitOut(
        id=visit.pk, ticket_number=visit.ticket_number, status=visit.status, site=visit.site.code,
        life_event=visit.life_event, event_date=visit.event_date,
        status_url=request.build_absolute_uri(selectors.status_path(visit)),
        steps=[step_out(s) for s in steps],
        # The survey is its own app's page (named, not imported: reception stands below it).
        survey_url=request.build_absolute_uri(reverse("surveys:answer", kwargs={"token": visit.status_token}))
        if visit.status == Visit.Status.DONE else None,
    )


def _site(code: str | None) -> Site:
    site = catalog.site_or_main(code)
    if code is not None and (site is None or site.code != code):
        raise DomainError(_("Unknown site."), field="site")
    return site


@router.post("/visits", response={201: VisitOut}, auth=staff(Capability.RECEPTION_REGISTER, Capability.KIOSK_USE),
             summary="Register a visit: one ticket, one Step per counter")
def register_visit(request, payload: VisitIn):
    channel = payload.channel
    if not request.auth.can(Capability.RECEPTION_REGISTER):
        # A kiosk registers kiosk visits, whatever it says: the channel is how the visit came.
        if "channel" in payload.model_fields_set and channel != Channel.KIOSK:
            raise PermissionDenied
        channel = Channel.KIOSK
    visit = services.visit_register(
        site=_site(payload.site), procedure_codes=payload.procedures, channel=channel, needs=payload.needs,
        interpreter_language=payload.interpreter_language, life_event=payload.life_event,
        event_date=payload.event_date, registered_by=request.auth,
    )
    return Status(201, summary_out(request, visit.summary))


@router.get("/visits/{visit_id}", response=VisitOut,
            auth=staff(Capability.RECEPTION_REGISTER, Capability.COUNTER_SERVE), summary="A visit and its Steps")
def get_visit(request, visit_id: ObjectId):
    return visit_out(request, get_object_or_404(Visit.objects.select_related("site"), pk=visit_id))


# Every call-next reads its counter by code — a counter clerk's with whether it is one of theirs (the same round
# trip): compiled once (core.prepared).
def _active_counter(code):
    return Counter.objects.filter(code=code, active=True).order_by()


_ACTIVE_COUNTER = PreparedQuery(_active_counter, code=str)
_ACTIVE_COUNTER_OF_CLERK = PreparedQuery(
    lambda code, user_id: _active_counter(code).annotate(assigned=assigned(user_id, OuterRef("pk"))),
    code=str, user_id=int)


def _counter_for(request, counter_code: str) -> Counter:
    if serves_assigned_counters(request.auth):
        counter = _ACTIVE_COUNTER_OF_CLERK.first(code=counter_code, user_id=request.auth.pk)
    else:
        counter = _ACTIVE_COUNTER.first(code=counter_code)
    if counter is None:
        raise Http404
    if not may_serve(request.auth, counter, assigned=getattr(counter, "assigned", None)):
        raise PermissionDenied
    return counter


def _visible(request):
    """Whether the account may serve the locked Step's counter. A missing Step and another counter's answer
    alike (404), so nobody learns which Steps exist elsewhere: the services check it on the row they lock (which
    comes with whether its counter is the clerk's)."""
    user = request.auth
    # The assignment read with the lock counts only if it was read for this user (else may_serve reads it).
    return lambda step: may_serve(user, step.counter, assigned=step.clerk_assigned
                                  if getattr(step, "clerk_assigned_for", None) == user.pk else None)


@router.post("/counters/{counter_code}/call-next", response={200: CallOut, 204: None},
             auth=staff(Capability.COUNTER_SERVE), summary="Call the next waiting visitor (204 when nobody waits)")
def call_next(request, counter_code: str, payload: CallNextIn | None = None):
    counter = _counter_for(request, counter_code)
    step = services.step_call_next(counter=counter, clerk=request.auth, desk=payload.desk if payload else 1,
                                   start=payload.start if payload else False)
    if step is None:
        return HttpResponse(status=204)
    return Status(200, CallOut(ticket_number=step.visit.ticket_number, step=step_out(step)))


@router.post("/steps/{step_id}/start", response=StepOut, auth=staff(Capability.COUNTER_SERVE))
def start(request, step_id: ObjectId):
    return step_out(services.step_start(step=Step(pk=step_id), clerk=request.auth, visible=_visible(request)))


@router.post("/steps/{step_id}/complete", response={200: VisitOut}, auth=staff(Capability.COUNTER_SERVE),
             summary="Complete the Step and hand the visit to its next counter")
def complete(request, step_id: ObjectId, payload: CompleteIn | None = None):
    completed = services.step_complete(step=Step(pk=step_id), clerk=request.auth,
                                       memo=payload.memo if payload else "", visible=_visible(request))
    return Status(200, summary_out(request, completed.visit))


@router.post("/steps/{step_id}/no-show", response=StepOut, auth=staff(Capability.COUNTER_SERVE))
def no_show(request, step_id: ObjectId):
    return step_out(services.step_no_show(step=Step(pk=step_id), clerk=request.auth, visible=_visible(request)))


@router.post("/steps/{step_id}/recall", response=StepOut, auth=staff(Capability.COUNTER_SERVE))
def recall(request, step_id: ObjectId):
    return step_out(services.step_recall(step=Step(pk=step_id), clerk=request.auth, visible=_visible(request)))

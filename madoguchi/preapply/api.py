"""Appointments over JSON: the groups and their free slots (public, rate-limited), and check-in by
code (kiosk or reception). The booking code travels in the request body, never in the URL."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from madoguchi.core.api_auth import staff
from madoguchi.core.roles import Capability
from madoguchi.core.throttle import SharedAnonRateThrottle
from madoguchi.reception import selectors as reception_selectors

from . import selectors, services

router = Router(tags=["appointments"])

SLOTS_RATE = "120/m"  # per client address, as the navigator's API


class GroupOut(Schema):
    code: str
    name: str
    site: str
    counter: str
    procedures: list[str]
    slot_minutes: int
    capacity: int


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    places_left: int


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=8, max_length=20, description="The booking code, e.g. ACDE-3479")


class CheckInOut(Schema):
    ticket_number: str
    status_url: str


@router.get("/appointments/groups", response=list[GroupOut], auth=None, throttle=[SharedAnonRateThrottle(SLOTS_RATE)],
            summary="What can be booked, and where")
def groups(request):
    language = get_language() or "ja"
    return [GroupOut(code=g.code, name=g.name_in(language), site=g.site, counter=g.counter,
                     procedures=list(g.procedures), slot_minutes=g.slot_minutes, capacity=g.capacity)
            for g in selectors.appointment_groups()]


@router.get("/appointments/groups/{group_code}/slots", response=list[SlotOut], auth=None,
            throttle=[SharedAnonRateThrottle(SLOTS_RATE)],
            summary="Bookable slots with the places left (full ones too)")
def slots(request, group_code: str, day: date | None = None):
    group = selectors.appointment_group(group_code)
    if group is None:
        raise HttpError(404, "No such appointment group.")
    return [SlotOut(starts_at=o.starts_at, ends_at=o.ends_at, places_left=o.places_left)
            for o in selectors.slot_offers(group, now=timezone.now(), day=day)]


@router.post("/appointments/check-in", response={201: CheckInOut},
             auth=staff(Capability.RECEPTION_REGISTER, Capability.KIOSK_USE),
             summary="Check in by booking code: a visit queued with appointment priority")
def check_in(request, payload: CheckInIn):
    visit = services.appointment_check_in(reference=payload.reference, actor=request.auth)
    return Status(201, CheckInOut(ticket_number=visit.ticket_number, status_url=request.build_absolute_uri(
        reception_selectors.status_path(visit))))

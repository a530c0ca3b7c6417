"""The DX help desk over JSON: list consultations (the desk: all; staff: their own) and file one."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from madoguchi.core.api_auth import staff
from madoguchi.core.errors import DomainError
from madoguchi.core.roles import Capability
from madoguchi.talent.models import Section

from . import selectors, services
from .models import Consultation, HelpKind
from .models import Status as ConsultationStatus

router = Router(tags=["dx help desk"])

HelpKindName = Literal[tuple(HelpKind.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(ConsultationStatus.values)]  # type: ignore[valid-type]


class DxConsultationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    section: str = Field(min_length=1, max_length=100, description="The section's name as in the staff list (所属)")
    title: str = Field(min_length=1, max_length=120)
    task: str = Field(min_length=1, max_length=2000, description="The task today")
    times_per_month: int = Field(ge=1, le=10_000)
    minutes_per_time: int = Field(ge=1, le=24 * 60)
    pain: str = Field(min_length=1, max_length=2000, description="What hurts")
    help_kind: HelpKindName  # type: ignore[valid-type]


class DxConsultationOut(Schema):
    id: int
    number: str
    section: str
    counter_section: bool
    filed_at: datetime
    title: str
    task: str
    times_per_month: int
    minutes_per_time: int
    pain: str
    help_kind: str
    status: str
    origin: str
    tool_kind: str
    tool_name: str
    delivered_on: str | None
    expected_hours_per_year: Decimal | None
    measure_due_on: str | None
    measured_hours_per_year: Decimal | None


class DxConsultationQuery(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    help_kind: HelpKindName | None = None  # type: ignore[valid-type]


def consultation_out(c: Consultation) -> DxConsultationOut:
    return DxConsultationOut(
        id=c.pk, number=c.number, section=c.section.name, counter_section=c.section.is_counter, filed_at=c.filed_at,
        title=c.title, task=c.task, times_per_month=c.times_per_month, minutes_per_time=c.minutes_per_time,
        pain=c.pain, help_kind=c.help_kind, status=c.status, origin=c.origin, tool_kind=c.tool_kind,
        tool_name=c.tool_name, delivered_on=c.delivered_on.isoformat() if c.delivered_on else None,
        expected_hours_per_year=c.expected_hours_per_year,
        measure_due_on=c.measure_due_on.isoformat() if c.measure_due_on else None,
        measured_hours_per_year=c.measured_hours_per_year)


@router.get("/dx/consultations", response=list[DxConsultationOut],
            auth=staff(Capability.DX_DESK_WORK, Capability.DX_CONSULT),
            summary="Consultations: every one for the DX help desk, one's own for other staff")
def list_consultations(request, query: Query[DxConsultationQuery]):
    rows = selectors.consultations_for(request.auth, status=query.status or "", kind=query.help_kind or "")
    return [consultation_out(c) for c in rows[:1000]]


@router.post("/dx/consultations", response={201: DxConsultationOut}, auth=staff(Capability.DX_CONSULT),
             summary="File a consultation with the DX help desk")
def file_consultation(request, payload: DxConsultationIn):
    section = Section.objects.filter(name=payload.section, active=True).first()
    if section is None:
        raise DomainError(_("Unknown section %(section)s."), field="section", section=payload.section)
    consultation = services.consultation_file(
        filed_by=request.auth, section=section, title=payload.title, task=payload.task,
        times_per_month=payload.times_per_month, minutes_per_time=payload.minutes_per_time, pain=payload.pain,
        help_kind=payload.help_kind)
    return Status(201, consultation_out(get_object_or_404(Consultation, pk=consultation.pk)))

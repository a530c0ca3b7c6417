"""The no-writing counter over JSON: capture a visit's identity, add the answers, get the PDF bundle.

A 12-digit individual number anywhere in a body — a known field, a household member, an unknown
field, a key — is refused with 422 before any other check, naming the fields and never the digits.
The check raises Django's ``ValidationError`` from inside the schema: pydantic lets it through
(it is not a ``ValueError``), so the body is never parsed further and the API's usual
``ValidationError`` handler answers ``{"message", "field", "errors"}``.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, model_validator

from madoguchi.core.api import ErrorOut, ObjectId
from madoguchi.core.api_auth import staff
from madoguchi.core.mynumber import IndividualNumberRefused, find_individual_numbers
from madoguchi.core.roles import Capability
from madoguchi.reception.models import Visit

from . import services
from .answers import missing_answers
from .fonts import unprintable_characters
from .models import CaptureSource
from .permissions import may_handle_visit
from .responses import pdf_response
from .selectors import visit_forms

router = Router(tags=["no-writing counter"])

HANDLERS = (Capability.COUNTER_SERVE, Capability.RECEPTION_REGISTER)
SourceName = Literal[tuple(CaptureSource.values)]  # type: ignore[valid-type]
DATE_HELP = "Western or 和暦: 1977-04-01, 1977/4/1, S52.4.1, 昭和52年4月1日"
SEX_HELP = "ISO 5218: 1 male, 2 female, 9 not applicable, 0 unknown (or 男 / 女)"


def _refuse_individual_number(data: object, prefix: tuple = ()) -> object:
    found = find_individual_numbers(data, prefix)
    if found:
        raise IndividualNumberRefused(found)
    return data


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    name_kana: str = Field("", max_length=200)
    birth_date: str = Field(max_length=40, description=DATE_HELP)
    sex: int | str = Field(description=SEX_HELP)
    relationship: str = Field("", max_length=40, description="続柄 as written: 世帯主, 妻, 子 …")


class IdentityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: SourceName = Field(description="card: read from the My Number card; manual: typed by staff; "  # type: ignore[valid-type]
                                           "preapplication: from a pre-application QR")
    name: str = Field(max_length=200, description="As written, rare kanji included (髙, 﨑, 𠮷)")
    name_kana: str = Field("", max_length=200)
    birth_date: str = Field(max_length=40, description=DATE_HELP)
    sex: int | str = Field(description=SEX_HELP)
    postal_code: str = Field("", max_length=20, examples=["173-8501"])
    address: str = Field(max_length=400)
    household: list[MemberIn] = Field([], max_length=20, description="Members the forms list (世帯員)")

    @model_validator(mode="before")
    @classmethod
    def _no_individual_number(cls, data: object) -> object:
        return _refuse_individual_number(data)


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str | None] = Field(description="{answer key: text}; a blank or null value removes the answer")

    @model_validator(mode="before")
    @classmethod
    def _no_individual_number(cls, data: object) -> object:
        return _refuse_individual_number(data)


class CaptureOut(Schema):
    visit: int
    source: str
    captured_at: str
    household_size: int
    forms: list[str] = Field(description="Codes of the forms this visit prints")
    answers_missing: list[str] = Field(description="Required answers not given yet (keys)")
    unprintable: list[str] = Field(description="Characters no embedded font prints; the bundle is refused until "
                                               "they are replaced")


class AnswersOut(Schema):
    visit: int
    forms: list[str]
    answers_missing: list[str]


def _visit_for(request, visit_id: int) -> Visit:
    visit = get_object_or_404(Visit, pk=visit_id)
    if not may_handle_visit(request.auth, visit):
        raise PermissionDenied
    return visit


@router.post(
    "/visits/{visit_id}/identity", auth=staff(*HANDLERS),
    response={201: CaptureOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Capture the visit's identity (書かない窓口)",
)
def identity_capture(request, visit_id: ObjectId, payload: IdentityIn):
    """Capture or correct the identity every form of the visit is filled from; later counters reuse it.
    Any 12-digit individual number in any field → 422, naming the field."""
    visit = _visit_for(request, visit_id)
    data = payload.model_dump(exclude={"source", "household"})
    household = [member.model_dump() for member in payload.household]
    record = services.identity_capture(visit=visit, source=payload.source, data=data, household=household,
                                       actor=request.auth)
    forms = visit_forms(visit)
    unprintable = unprintable_characters(" ".join(
        [record.name, record.name_kana, record.address, *(m["name"] for m in record.household)]))
    return Status(201, CaptureOut(
        visit=visit.pk, source=record.source, captured_at=record.captured_at.isoformat(),
        household_size=len(record.household), forms=[f.code for f in forms],
        answers_missing=[spec.key for spec in missing_answers(forms, record.answers)], unprintable=unprintable,
    ))


@router.put(
    "/visits/{visit_id}/answers", auth=staff(*HANDLERS),
    response={200: AnswersOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add what the resident must add to the forms",
)
def answers_save(request, visit_id: ObjectId, payload: AnswersIn):
    """Merge answers (keys from the visit's forms); a blank value removes one. Dates in Western or 和暦."""
    visit = _visit_for(request, visit_id)
    record = services.identity_answers_save(visit=visit, answers=payload.answers, actor=request.auth)
    forms = visit_forms(visit)
    return AnswersOut(visit=visit.pk, forms=[f.code for f in forms],
                      answers_missing=[spec.key for spec in missing_answers(forms, record.answers)])


@router.get(
    "/visits/{visit_id}/forms.pdf", auth=staff(*HANDLERS),
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Every form of the visit, pre-filled, as one PDF",
    openapi_extra={"responses": {200: {
        "description": "The bundle: one A4 page per form, fonts embedded, dates in 和暦. Never cached.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }}},
)
def forms_pdf(request, visit_id: ObjectId):
    """The PDF to print and have signed. Writes an access-log row; sent with ``Cache-Control: no-store``.
    422 when the identity or a required answer is missing."""
    visit = _visit_for(request, visit_id)
    pdf = services.forms_render(visit=visit, actor=request.auth)
    return pdf_response(pdf, visit)


"""The visitor survey over JSON: the current questions (public) and a visit's response (public, by the
visit's token). Both rate-limited per client address."""

from datetime import date, datetime, timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from madoguchi.core.api import ErrorOut
from madoguchi.core.api_auth import staff
from madoguchi.core.errors import DomainError
from madoguchi.core.roles import Capability
from madoguchi.core.throttle import SharedAnonRateThrottle

from . import selectors, services
from .models import Source
from .reports import Period, survey_tables

router = Router(tags=["surveys"])

READ_RATE = "120/m"
ANSWER_RATE = "30/h"


class SurveyOut(Schema):
    code: str
    version: int
    definition: dict = Field(description="Questions with kinds, labels (ja, en, ja_easy), options and conditions")


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=8, max_length=64, description="The token of the visit's survey_url")
    answers: dict = Field(description="Question code → option code, list of option codes, number or text")


class ResponseOut(Schema):
    survey: str
    version: int
    submitted_at: datetime


def _refusal(error, status: int):
    field, message = error.first()
    return Status(status, ErrorOut(message=message, field=field, errors=[{"field": field, "message": message}]))


@router.get("/surveys/{code}", response=SurveyOut, auth=None, throttle=[SharedAnonRateThrottle(READ_RATE)],
            summary="A survey's current version: its questions")
def survey(request, code: str):
    version = selectors.current_version(code)
    if version is None:
        raise Http404
    return SurveyOut(code=code, version=version.number, definition=version.definition)


@router.post("/surveys/{code}/responses", response={201: ResponseOut, 404: ErrorOut, 410: ErrorOut}, auth=None,
             throttle=[SharedAnonRateThrottle(ANSWER_RATE)],
             summary="Answer the survey for a finished visit (once; 409 on a second, 410 once expired)")
def respond(request, code: str, payload: ResponseIn):
    visit = selectors.visit_for_survey(payload.token)
    try:
        response = services.response_submit(visit=visit, answers=payload.answers, source=Source.API, survey_code=code)
    except services.InvitationExpired as error:
        return _refusal(error, 410)
    except services.InvitationUnknown as error:
        return _refusal(error, 404)
    return Status(201, ResponseOut(survey=code, version=response.version.number, submitted_at=response.submitted_at))


class TableOut(Schema):
    key: str
    caption: str
    columns: list[str]
    rows: list[list[str | int | float | None]] = Field(description='Small cells (fewer than 5 responses) are "—"')


ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


class PeriodIn(Schema):
    # Strings of the form YYYY-MM-DD, read below: pydantic's lax date would take "0" as a timestamp.
    start: str | None = Field(None, alias="from", pattern=ISO_DAY, description="First visit day, YYYY-MM-DD "
                              "(default: 90 days before 'to')")
    end: str | None = Field(None, alias="to", pattern=ISO_DAY,
                            description="Last visit day, YYYY-MM-DD (default: today)")


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise DomainError(_("Give a date as YYYY-MM-DD."), field=field) from error


class AnalysisOut(Schema):
    start: date
    end: date
    tables: list[TableOut]


def _cell(value):
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return str(value)


@router.get("/insights/survey", response=AnalysisOut, auth=staff(Capability.INSIGHTS_VIEW),
            summary="The survey analysis of a period: the page's tables, small cells hidden")
def analysis(request, period: Query[PeriodIn]):
    end = _day(period.end, "to") or timezone.localdate()
    start = _day(period.start, "from") or end - timedelta(days=90)
    if start > end:
        raise DomainError(_("The end must not be before the start."), field="to")
    if (end - start).days > 3 * 366:
        raise DomainError(_("At most three years at a time, please."), field="from")
    tables = survey_tables(Period(start, end))
    return AnalysisOut(start=start, end=end, tables=[
        TableOut(key=t.key, caption=str(t.caption), columns=[str(c.label) for c in t.columns],
                 rows=[[_cell(v) for v in row] for row in t.rows]) for t in tables])

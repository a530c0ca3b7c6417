"""DX talent over JSON: the gap report (HR and the DX help desk)."""

from ninja import Query, Router, Schema
from pydantic import Field

from madoguchi.core.api_auth import staff
from madoguchi.core.roles import Capability

from . import selectors
from .models import Grade, Section

router = Router(tags=["dx talent"])


class TalentGapQuery(Schema):
    fiscal_year: int = Field(ge=2000, le=2100,
                             description="The fiscal year (年度), e.g. 2026 for April 2026–March 2027")
    exact: bool = Field(False, description="Figures of groups under five people too (they are null otherwise)")


class TalentGapRowOut(Schema):
    section: str | None = Field(description="Section name; null: the whole ward")
    grade: str | None = Field(description="Grade code; null: every grade")
    role: str
    level: int
    target: int
    population: int | None = Field(description="Staff in the target's scope; null when hidden")
    actual: int | None = Field(description="Staff with a confirmed level at or above the target's; null when hidden")
    shortfall: int | None
    suppressed: bool = Field(description="True when the scope has fewer than five people")


class TalentGapOut(Schema):
    fiscal_year: int
    closed: bool
    staff_in_post: int
    rows: list[TalentGapRowOut]


@router.get("/dx/talent/gap", response=TalentGapOut, auth=staff(Capability.TALENT_ALL),
            summary="DX talent: targets against confirmed levels for a fiscal year")
def talent_gap(request, query: Query[TalentGapQuery]):
    figures = selectors.gap_figures(query.fiscal_year)
    sections = {s.pk: s.name for s in Section.objects.all()}
    grades = {g.pk: g.code for g in Grade.objects.all()}
    rows = []
    for result in figures.results:
        hidden = result.suppressed and not query.exact
        rows.append(TalentGapRowOut(
            section=sections.get(result.target.section) if result.target.section else None,
            grade=grades.get(result.target.grade) if result.target.grade else None,
            role=result.target.role, level=result.target.level, target=result.target.headcount,
            population=None if hidden else result.population, actual=None if hidden else result.actual,
            shortfall=None if hidden else result.shortfall, suppressed=result.suppressed))
    return TalentGapOut(fiscal_year=figures.fiscal_year, closed=figures.closed is not None,
                        staff_in_post=figures.population, rows=rows)

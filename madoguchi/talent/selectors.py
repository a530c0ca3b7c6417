"""Reads of the talent register: who may see whose record, a member's record, the gap report."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from madoguchi.audit import services as audit
from madoguchi.core.roles import Capability

from . import gap
from .fiscal import fiscal_year_end, fiscal_year_of
from .models import (
    GapSnapshot,
    Grade,
    Qualification,
    Section,
    SkillAssessment,
    SkillLevel,
    SkillRole,
    SkillTarget,
    StaffMember,
)


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def roles() -> QuerySet[SkillRole]:
    return SkillRole.objects.filter(active=True).prefetch_related(
        Prefetch("levels", queryset=SkillLevel.objects.order_by("level")))


def grades() -> QuerySet[Grade]:
    return Grade.objects.filter(active=True)


def qualifications() -> QuerySet[Qualification]:
    return Qualification.objects.filter(active=True)


def sections() -> QuerySet[Section]:
    return Section.objects.filter(active=True).select_related("department")


def section_of_department(department_id: int | None) -> Section | None:
    if department_id is None:
        return None
    return Section.objects.filter(department_id=department_id).first()


# --- who may see what -----------------------------------------------------------------------------


def member_get(pk: int) -> StaffMember | None:
    return StaffMember.objects.select_related("section", "grade", "user").filter(pk=pk).first()


def staff_for_user(user) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffMember.objects.select_related("section", "grade").filter(user=user).first()


def supervised_sections(user) -> QuerySet[Section]:
    """The sections whose records ``user`` sees: all for HR and the desk (TALENT_ALL); for a
    supervisor, the section of their department and their own section in the register."""
    if user.can(Capability.TALENT_ALL):
        return Section.objects.all()
    if not user.can(Capability.TALENT_SECTION):
        return Section.objects.none()
    condition = Q(pk__in=StaffMember.objects.filter(user=user).values("section"))
    if user.department_id:
        condition |= Q(department_id=user.department_id)
    return Section.objects.filter(condition)


def may_view(user, member: StaffMember) -> bool:
    if member.user_id and member.user_id == user.pk and user.can(Capability.TALENT_SELF):
        return True
    return supervised_sections(user).filter(pk=member.section_id).exists()


def may_edit(user, member: StaffMember) -> bool:
    """Trainings, qualifications and the self-assessment: the member, and HR / the desk."""
    return (member.user_id == user.pk and user.can(Capability.TALENT_SELF)) or user.can(Capability.TALENT_ALL)


def may_confirm(user, member: StaffMember) -> bool:
    return member.user_id != user.pk and supervised_sections(user).filter(pk=member.section_id).exists()


# --- records --------------------------------------------------------------------------------------


def staff_in_section(*, viewer, section: Section, include_leavers: bool = False) -> list[StaffMember]:
    """The section's staff, for a viewer allowed to see them (logged: staff records are personal data)."""
    members = StaffMember.objects.filter(section=section).select_related("grade", "section", "user")
    if not include_leavers:
        members = members.filter(active=True)
    members = list(members)
    audit.personal_data_viewed(actor=viewer, subject=section, purpose="DX人材：所属職員の一覧 / section's DX records",
                               fields=["employee_number", "name", "grade", "levels"])
    return members


def member_viewed(*, viewer, member: StaffMember) -> None:
    if member.user_id != viewer.pk:
        audit.personal_data_viewed(actor=viewer, subject=member, purpose="DX人材：職員の記録 / a member's DX record",
                                   fields=["name", "email", "levels", "trainings", "qualifications"])


@dataclass
class RoleLine:
    role: SkillRole
    levels: list[SkillLevel]
    assessment: SkillAssessment | None

    @property
    def self_level(self) -> int:
        return self.assessment.self_level if self.assessment else 0

    @property
    def confirmed_level(self) -> int | None:
        return self.assessment.confirmed_level if self.assessment else None

    def level_name(self, level: int | None) -> str:
        if not level:
            return ""
        return next((entry.name for entry in self.levels if entry.level == level), str(level))

    @property
    def pending(self) -> bool:
        return self.assessment is not None and self.assessment.confirmed_level is None


def role_lines(member: StaffMember, fiscal_year: int) -> list[RoleLine]:
    assessments = {a.role_id: a for a in SkillAssessment.objects.filter(staff=member, fiscal_year=fiscal_year)
                   .select_related("confirmed_by")}
    return [RoleLine(role=role, levels=list(role.levels.all()), assessment=assessments.get(role.pk))
            for role in roles()]


def confirmed_levels(members: list[StaffMember], fiscal_year: int) -> dict[int, dict[str, tuple[int, int | None]]]:
    """member id → role code → (self level, confirmed level) for the year."""
    out: dict[int, dict[str, tuple[int, int | None]]] = defaultdict(dict)
    for member_id, code, own, confirmed in SkillAssessment.objects.filter(
            staff__in=members, fiscal_year=fiscal_year).values_list(
            "staff_id", "role__code", "self_level", "confirmed_level"):
        out[member_id][code] = (own, confirmed)
    return out


# --- the gap report -------------------------------------------------------------------------------


def people_for_year(fiscal_year: int) -> list[gap.Person]:
    """The staff in post during the year (not left before its end), with their confirmed levels."""
    end = fiscal_year_end(fiscal_year)
    members = StaffMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=end)).values_list(
        "pk", "section_id", "grade_id")
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for member_id, code, level in SkillAssessment.objects.filter(
            fiscal_year=fiscal_year, confirmed_level__isnull=False).values_list(
            "staff_id", "role__code", "confirmed_level"):
        levels[member_id][code] = level
    return [gap.Person(section=section, grade=grade, levels=levels.get(pk, {})) for pk, section, grade in members]


def targets_for_year(fiscal_year: int) -> list[gap.Target]:
    return [gap.Target(section=t.section_id, grade=t.grade_id, role=t.role.code, level=t.level,
                       headcount=t.headcount, id=t.pk)
            for t in SkillTarget.objects.filter(fiscal_year=fiscal_year).select_related("role")]


@dataclass
class GapFigures:
    fiscal_year: int
    closed: GapSnapshot | None
    results: list[gap.TargetResult]
    population: int  # the staff in post that year
    section_population: dict[int, int]
    grade_population: dict[int, int]

    def by_section(self) -> list[gap.GroupResult]:
        return gap.group_results(self.results, [], key=lambda t: t.section, population_of=lambda key, _: (
            self.population if key is None else self.section_population.get(key, 0)))

    def by_grade(self) -> list[gap.GroupResult]:
        return gap.group_results(self.results, [], key=lambda t: t.grade, population_of=lambda key, _: (
            self.population if key is None else self.grade_population.get(key, 0)))

    def by_role(self) -> list[gap.GroupResult]:
        return gap.group_results(self.results, [], key=lambda t: (t.role, t.level),
                                 population_of=lambda key, _: self.population)


def _counts(values) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for value in values:
        out[value] += 1
    return dict(out)


def gap_figures(fiscal_year: int) -> GapFigures:
    """The year's figures: frozen when the year is closed, computed from the register otherwise."""
    snapshot = GapSnapshot.objects.filter(fiscal_year=fiscal_year).first()
    if snapshot is not None:
        rows = snapshot.rows
        results = [gap.TargetResult(target=gap.Target(section=row["section"], grade=row["grade"], role=row["role"],
                                                      level=row["level"], headcount=row["headcount"]),
                                    population=row["population"], actual=row["actual"])
                   for row in rows["targets"]]
        return GapFigures(fiscal_year, snapshot, results, rows["people"],
                          {int(k): v for k, v in rows["sections"].items()},
                          {int(k): v for k, v in rows["grades"].items()})
    people = people_for_year(fiscal_year)
    return GapFigures(fiscal_year, None, gap.target_results(targets_for_year(fiscal_year), people), len(people),
                      _counts(p.section for p in people), _counts(p.grade for p in people))


def gap_snapshot_rows(fiscal_year: int) -> dict:
    figures = gap_figures(fiscal_year)
    return {
        "people": figures.population,
        "sections": {str(k): v for k, v in figures.section_population.items()},
        "grades": {str(k): v for k, v in figures.grade_population.items()},
        "targets": [
            {"section": r.target.section, "grade": r.target.grade, "role": r.target.role, "level": r.target.level,
             "headcount": r.target.headcount, "population": r.population, "actual": r.actual}
            for r in figures.results],
    }


def targets_of_year(fiscal_year: int) -> QuerySet[SkillTarget]:
    return SkillTarget.objects.filter(fiscal_year=fiscal_year).select_related("role", "section", "grade")


def is_closed(fiscal_year: int) -> bool:
    return GapSnapshot.objects.filter(fiscal_year=fiscal_year).exists()


def target_years() -> list[int]:
    years = set(SkillTarget.objects.values_list("fiscal_year", flat=True).distinct())
    years |= set(GapSnapshot.objects.values_list("fiscal_year", flat=True))
    return sorted(years)


def trend() -> list[GapFigures]:
    return [gap_figures(year) for year in target_years()]


def pending_confirmations(*, viewer) -> int:
    return SkillAssessment.objects.filter(
        fiscal_year=current_fiscal_year(), confirmed_level__isnull=True, staff__active=True,
        staff__section__in=supervised_sections(viewer)).exclude(staff__user=viewer).count()


class Names:
    """Labels for the ids and codes in gap figures, in the reader's language (one query each)."""

    def __init__(self):
        self._sections = {s.pk: s.label for s in Section.objects.all()}
        self._grades = {g.pk: g.name for g in Grade.objects.all()}
        self._roles = {r.code: r for r in SkillRole.objects.prefetch_related("levels")}

    def section(self, pk: int | None) -> str:
        return gettext("The whole ward") if pk is None else self._sections.get(pk, str(pk))

    def grade(self, pk: int | None) -> str:
        return gettext("Every grade") if pk is None else self._grades.get(pk, str(pk))

    def role(self, code: str) -> str:
        role = self._roles.get(code)
        return role.name if role else code

    def role_names(self) -> dict[str, str]:
        return {code: role.name for code, role in self._roles.items()}

    def level(self, code: str, level: int) -> str:
        role = self._roles.get(code)
        entry = next((e for e in role.levels.all() if e.level == level), None) if role else None
        return f"{level} {entry.name}" if entry else str(level)

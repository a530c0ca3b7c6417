"""Every write of the talent register: the framework load, the HR import, assessments and their
confirmation, training, qualifications, targets and the closing of a fiscal year."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Department
from madoguchi.catalog.yamlsource import Problem, YamlSyntaxError, read_yaml
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.core.mynumber import contains_individual_number

from .fiscal import fiscal_year_end
from .framework import Framework, FrameworkInvalid, parse_framework
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
    StaffQualification,
    TrainingRecord,
)
from .staffcsv import StaffRow

# --- the framework (catalog/dx_skills.yaml) ---------------------------------------------------------


def framework_read(*, path: Path) -> Framework:
    """Parse and check the framework file. Raises ``FrameworkInvalid`` (file:line: field: message)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkInvalid([Problem(str(path), None, "", "no such file")]) from None
    except UnicodeDecodeError as error:
        raise FrameworkInvalid([Problem(str(path), None, "", f"not UTF-8 text ({error.reason})")]) from None
    try:
        return parse_framework(read_yaml(text, str(path)))
    except YamlSyntaxError as error:
        raise FrameworkInvalid([error.problem]) from error


def _upsert(model, code: str, values: dict) -> tuple[object, bool]:
    instance = model.objects.filter(code=code).first()
    if instance is None:
        return model.objects.create(code=code, **values), True
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
    return instance, bool(changed)


@transaction.atomic
def framework_apply(*, framework: Framework, source: str) -> int:
    """Create or update the framework's rows by code; entries gone from the file are deactivated
    (assessments and targets refer to them). Returns the number of changes (0 on a second load)."""
    changes = 0
    for order, entry in enumerate(framework.roles):
        role, changed = _upsert(SkillRole, entry.code, {
            "name_ja": entry.name_ja, "name_en": entry.name_en, "description_ja": entry.description_ja,
            "description_en": entry.description_en, "everyone": entry.everyone, "sort_order": order, "active": True,
        })
        changes += changed
        wanted = {level.level: level for level in entry.levels}
        for level in wanted.values():
            values = {"name_ja": level.name_ja, "name_en": level.name_en,
                      "description_ja": level.description_ja, "description_en": level.description_en}
            row, created = SkillLevel.objects.get_or_create(role=role, level=level.level, defaults=values)
            if not created and any(getattr(row, k) != v for k, v in values.items()):
                SkillLevel.objects.filter(pk=row.pk).update(**values)
                changes += 1
            changes += created
        changes += SkillLevel.objects.filter(role=role).exclude(level__in=wanted).delete()[0]
    for order, entry in enumerate(framework.grades):
        changes += _upsert(Grade, entry.code, {"name_ja": entry.name_ja, "name_en": entry.name_en,
                                               "aliases": list(entry.aliases), "sort_order": order,
                                               "active": True})[1]
    for order, entry in enumerate(framework.qualifications):
        changes += _upsert(Qualification, entry.code, {"name_ja": entry.name_ja, "name_en": entry.name_en,
                                                       "roles": list(entry.roles), "sort_order": order,
                                                       "active": True})[1]
    for model, codes in ((SkillRole, [e.code for e in framework.roles]), (Grade, [e.code for e in framework.grades]),
                         (Qualification, [e.code for e in framework.qualifications])):
        changes += model.objects.filter(active=True).exclude(code__in=codes).update(active=False)
    if changes:
        audit.dx_framework_loaded(source=source, counts=framework.counts(), changes=changes)
    return changes


def framework_load(*, path: Path) -> int:
    return framework_apply(framework=framework_read(path=path), source=str(path))


# --- sections and the HR import -------------------------------------------------------------------


def section_for_department(department: Department) -> Section:
    """The section that is ``department`` of the counter, made (with the department's names) on first need."""
    section = Section.objects.filter(department=department).first()
    if section is not None:
        return section
    section, _created = Section.objects.get_or_create(
        name=department.name_ja, defaults={"name_en": department.name_en, "department": department})
    if section.department_id is None:
        section.department = department
        section.save(update_fields=["department"])
    return section


def _section_named(name: str, cache: dict[str, Section]) -> tuple[Section, bool]:
    if name in cache:
        return cache[name], False
    section = Section.objects.filter(name=name).first()
    created = False
    if section is None:
        department = Department.objects.filter(name_ja=name).first()
        if department is not None and Section.objects.filter(department=department).exists():
            department = None  # the department has its section already (under another name)
        section = Section.objects.create(name=name, name_en=department.name_en if department else "",
                                         department=department)
        created = True
    elif not section.active:
        section.active = True
        section.save(update_fields=["active"])
    cache[name] = section
    return section, created


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    returned: int = 0
    sections_created: int = 0

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.left + self.returned


def grade_names() -> dict[str, str]:
    """Every name a grade may be written with in the HR file (code, Japanese name, aliases) → code."""
    names: dict[str, str] = {}
    for grade in Grade.objects.filter(active=True):
        for name in (grade.code, grade.name_ja, grade.name_en, *grade.aliases):
            names.setdefault(name, grade.code)
    return names


@transaction.atomic
def staff_import(*, rows: list[StaffRow], source: str, actor=None, today: date | None = None) -> ImportResult:
    """Make the register match the HR list: new staff created, changed staff updated, staff missing
    from the list deactivated as leavers (with their login account), never deleted. A second run of
    the same file changes nothing. The rows come checked from ``staffcsv.parse_staff_csv``."""
    today = today or timezone.localdate()
    grades = {grade.code: grade for grade in Grade.objects.all()}
    users = get_user_model().objects
    sections: dict[str, Section] = {}
    result = ImportResult()
    existing = {member.employee_number: member for member in StaffMember.objects.select_for_update()}
    for row in rows:
        section, created = _section_named(row.section, sections)
        result.sections_created += created
        values = {"name": row.name, "section": section, "grade": grades[row.grade], "email": row.email}
        member = existing.get(row.employee_number)
        if member is None:
            user = users.filter(username=row.employee_number, staff_member__isnull=True).first()
            StaffMember.objects.create(employee_number=row.employee_number, user=user, **values)
            result.created += 1
            continue
        changed = [name for name, value in values.items() if getattr(member, name) != value]
        if not member.active:
            member.active, member.left_on = True, None
            changed += ["active", "left_on"]
            result.returned += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
        for name in changed:
            if name in values:
                setattr(member, name, values[name])
        if changed:
            member.save(update_fields=[*changed, "updated_at"])
    listed = {row.employee_number for row in rows}
    leavers = [m for number, m in existing.items() if m.active and number not in listed]
    for member in leavers:
        member.active, member.left_on = False, today
        member.save(update_fields=["active", "left_on", "updated_at"])
        if member.user_id:
            users.filter(pk=member.user_id).update(is_active=False)
    result.left = len(leavers)
    if result.changes or result.sections_created:
        audit.staff_list_imported(actor=actor, source=source, created=result.created, updated=result.updated,
                                  left=result.left, returned=result.returned,
                                  sections_created=result.sections_created)
    return result


# --- a member's own record ------------------------------------------------------------------------


def _check_level(role: SkillRole, level: int, *, field: str, allow_zero: bool = True) -> None:
    top = role.levels.count()
    if level < (0 if allow_zero else 1) or level > top:
        raise DomainError(_("The level of %(role)s runs from 0 to %(top)d."), field=field, role=role.name, top=top)


@transaction.atomic
def assessment_set_self(*, staff: StaffMember, fiscal_year: int, levels: dict[SkillRole, int]) -> int:
    """The member's own levels for the year (0: none). A changed level clears its confirmation: the
    supervisor confirms what the member now claims. Returns how many levels changed."""
    now = timezone.now()
    changed = 0
    for role, level in levels.items():
        _check_level(role, level, field=f"role_{role.code}")
        assessment = SkillAssessment.objects.select_for_update().filter(
            staff=staff, fiscal_year=fiscal_year, role=role).first()
        if assessment is None:
            if level == 0:
                continue
            SkillAssessment.objects.create(staff=staff, fiscal_year=fiscal_year, role=role, self_level=level,
                                           self_assessed_at=now)
            changed += 1
        elif assessment.self_level != level:
            assessment.self_level, assessment.self_assessed_at = level, now
            assessment.confirmed_level = assessment.confirmed_by = assessment.confirmed_at = None
            assessment.save()
            changed += 1
    return changed


@transaction.atomic
def assessment_confirm(*, assessment: SkillAssessment, level: int, confirmer) -> SkillAssessment:
    """The supervisor's level (may differ from the member's own). Nobody confirms their own record."""
    if assessment.staff.user_id and assessment.staff.user_id == confirmer.pk:
        raise ConflictError(_("You cannot confirm your own assessment; your supervisor does."), field="level")
    _check_level(assessment.role, level, field="level")
    assessment = SkillAssessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.confirmed_level, assessment.confirmed_by, assessment.confirmed_at = level, confirmer, timezone.now()
    assessment.save(update_fields=["confirmed_level", "confirmed_by", "confirmed_at"])
    audit.skill_assessment_confirmed(actor=confirmer, assessment=assessment, role=assessment.role.code, level=level)
    return assessment


def _refuse_individual_number(text: str, field: str) -> None:
    if contains_individual_number(text):
        raise DomainError(_("This looks like a 12-digit individual number (My Number); it may not be entered here."),
                          field=field)


@transaction.atomic
def training_add(*, staff: StaffMember, course: str, hours: Decimal, taken_on: date, role: SkillRole | None = None,
                 today: date | None = None) -> TrainingRecord:
    course = course.strip()
    _refuse_individual_number(course, "course")
    if not course:
        raise DomainError(_("Name the course."), field="course")
    if hours <= 0 or hours > 1000:
        raise DomainError(_("Hours run from 0.5 to 1000."), field="hours")
    if taken_on > (today or timezone.localdate()):
        raise DomainError(_("The date cannot be in the future."), field="taken_on")
    return TrainingRecord.objects.create(staff=staff, course=course, hours=hours, taken_on=taken_on, role=role)


@transaction.atomic
def qualification_add(*, staff: StaffMember, qualification: Qualification, obtained_on: date,
                      today: date | None = None) -> StaffQualification:
    if obtained_on > (today or timezone.localdate()):
        raise DomainError(_("The date cannot be in the future."), field="obtained_on")
    if StaffQualification.objects.filter(staff=staff, qualification=qualification).exists():
        raise ConflictError(_("%(qualification)s is recorded already."), field="qualification",
                            qualification=qualification.name)
    return StaffQualification.objects.create(staff=staff, qualification=qualification, obtained_on=obtained_on)


@transaction.atomic
def training_delete(*, record: TrainingRecord) -> None:
    record.delete()


@transaction.atomic
def qualification_delete(*, record: StaffQualification) -> None:
    record.delete()


# --- targets and closing a year -------------------------------------------------------------------


def _closed(fiscal_year: int) -> bool:
    return GapSnapshot.objects.filter(fiscal_year=fiscal_year).exists()


@transaction.atomic
def target_set(*, fiscal_year: int, section: Section | None, grade: Grade | None, role: SkillRole, level: int,
               headcount: int, actor=None) -> SkillTarget:
    """Create or change the target for (year, section, grade, role, level). A closed year is frozen."""
    if _closed(fiscal_year):
        raise ConflictError(_("Fiscal year %(year)d is closed; its targets are frozen."), field="fiscal_year",
                            year=fiscal_year)
    _check_level(role, level, field="level", allow_zero=False)
    if headcount < 0 or headcount > 100000:
        raise DomainError(_("The headcount runs from 0 to 100000."), field="headcount")
    target, created = SkillTarget.objects.select_for_update().get_or_create(
        fiscal_year=fiscal_year, section=section, grade=grade, role=role, level=level,
        defaults={"headcount": headcount})
    if not created and target.headcount != headcount:
        target.headcount = headcount
        target.save(update_fields=["headcount"])
    audit.talent_target_set(actor=actor, target=target, role=role.code, level=level, headcount=headcount)
    return target


@transaction.atomic
def target_delete(*, target: SkillTarget, actor=None) -> None:
    if _closed(target.fiscal_year):
        raise ConflictError(_("Fiscal year %(year)d is closed; its targets are frozen."), field="fiscal_year",
                            year=target.fiscal_year)
    audit.talent_target_deleted(actor=actor, target=target)
    target.delete()


@transaction.atomic
def year_close(*, fiscal_year: int, rows: dict, actor=None, today: date | None = None) -> GapSnapshot:
    """Freeze the year's gap figures (``selectors.gap_snapshot_rows``) once the year has ended."""
    today = today or timezone.localdate()
    if today <= fiscal_year_end(fiscal_year):
        raise ConflictError(_("Fiscal year %(year)d has not ended yet."), field="fiscal_year", year=fiscal_year)
    snapshot, created = GapSnapshot.objects.get_or_create(
        fiscal_year=fiscal_year, defaults={"rows": rows, "closed_at": timezone.now(), "closed_by": actor})
    if not created:
        raise ConflictError(_("Fiscal year %(year)d is closed already."), field="fiscal_year", year=fiscal_year)
    audit.talent_year_closed(actor=actor, snapshot=snapshot)
    return snapshot

from datetime import timedelta
from pathlib import Path

import factory
from django.conf import settings
from django.utils import timezone

from madoguchi.core.mynumber import is_valid_individual_number
from madoguchi.talent.models import Grade, Section, SkillAssessment, SkillRole, SkillTarget, StaffMember
from madoguchi.talent.services import framework_load

# A twelve-digit number that passes the check digit: what the guards refuse (never a real person's).
INDIVIDUAL_NUMBER = next(f"43218765093{d}" for d in "0123456789" if is_valid_individual_number(f"43218765093{d}"))
GROUPED_NUMBER = f"{INDIVIDUAL_NUMBER[:4]} {INDIVIDUAL_NUMBER[4:8]} {INDIVIDUAL_NUMBER[8:]}"


def load_framework() -> None:
    """The ward's real framework (catalog/dx_skills.yaml): roles, levels, grades, qualifications."""
    framework_load(path=Path(settings.CATALOG_DIR) / "dx_skills.yaml")


def grade(code: str) -> Grade:
    return Grade.objects.get(code=code)


def role(code: str) -> SkillRole:
    return SkillRole.objects.get(code=code)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト課{n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Faker("name", locale="ja_JP")
    section = factory.SubFactory(SectionFactory)
    grade = factory.LazyFunction(lambda: Grade.objects.get(code="staff"))
    email = factory.LazyAttribute(lambda m: f"{m.employee_number.lower()}@example.lg.jp")


def confirmed(member: StaffMember, role_code: str, level: int, fiscal_year: int, by=None) -> SkillAssessment:
    moment = timezone.now() - timedelta(days=1)
    return SkillAssessment.objects.create(staff=member, fiscal_year=fiscal_year, role=role(role_code),
                                          self_level=level, self_assessed_at=moment, confirmed_level=level,
                                          confirmed_by=by, confirmed_at=moment)


def target(fiscal_year: int, role_code: str, level: int, headcount: int, *, section=None, grade_code=None):
    return SkillTarget.objects.create(fiscal_year=fiscal_year, role=role(role_code), level=level,
                                      headcount=headcount, section=section,
                                      grade=grade(grade_code) if grade_code else None)

"""A small ward with figures computed by hand, shared by the gap report's tests (pages, exports, API).

Section A (6 people: four 係員, two 係長) and section B (3 people). Confirmed data-scientist levels:
A: 3, 2, 1, none, 2 (係長), self-assessed 3 but unconfirmed (係長); B: 2, 2, none.

| target                          | population | actual | shortfall | achieved | shown to all |
| ward, every grade, ≥2, want 6   | 9          | 5      | 1         | 83%      | yes          |
| A, every grade, ≥2, want 4      | 6          | 3      | 1         | 75%      | yes          |
| A, 係長, ≥2, want 2             | 2          | 1      | 1         | 50%      | no (2 < 5)   |
| B, every grade, ≥1, want 3      | 3          | 2      | 1         | 67%      | no (3 < 5)   |

By section: A adds rows 2–3 (want 6, actual 4, shortfall 2, 67%) — hidden, since row 3 is.
"""

from django.utils import timezone

from madoguchi.talent.models import SkillAssessment
from madoguchi.talent.selectors import current_fiscal_year

from .factories import SectionFactory, StaffMemberFactory, confirmed, grade, role, target


def build(*, supervisor=None):
    year = current_fiscal_year()
    a, b = SectionFactory(name="課A"), SectionFactory(name="課B")
    levels_a = [3, 2, 1, 0]
    members = {}
    for index, level in enumerate(levels_a):
        member = StaffMemberFactory(section=a, employee_number=f"A{index}")
        members[member.employee_number] = member
        if level:
            confirmed(member, "data_scientist", level, year, by=supervisor)
    chief = StaffMemberFactory(section=a, grade=grade("chief"), employee_number="A4")
    confirmed(chief, "data_scientist", 2, year, by=supervisor)
    unconfirmed = StaffMemberFactory(section=a, grade=grade("chief"), employee_number="A5")
    SkillAssessment.objects.create(staff=unconfirmed, fiscal_year=year, role=role("data_scientist"), self_level=3,
                                   self_assessed_at=timezone.now())
    for index, level in enumerate([2, 2, 0]):
        member = StaffMemberFactory(section=b, employee_number=f"B{index}")
        if level:
            confirmed(member, "data_scientist", level, year, by=supervisor)
    target(year, "data_scientist", 2, 6)
    target(year, "data_scientist", 2, 4, section=a)
    target(year, "data_scientist", 2, 2, section=a, grade_code="chief")
    target(year, "data_scientist", 1, 3, section=b)
    return year, a, b

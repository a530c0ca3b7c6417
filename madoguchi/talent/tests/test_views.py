"""Who sees and edits whose record: the member, the section's supervisor, HR; every view logged."""

import pytest
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Department
from madoguchi.talent.models import SkillAssessment, TrainingRecord
from madoguchi.talent.selectors import current_fiscal_year

from .factories import INDIVIDUAL_NUMBER, SectionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def koseki(framework):
    department = Department.objects.create(code="koseki", name_ja="戸籍住民課", name_en="Family Register")
    return SectionFactory(name="戸籍住民課", department=department)


def test_a_member_assesses_themselves_and_the_supervisor_of_the_section_confirms(koseki):
    user = UserFactory(role="counter")
    member = StaffMemberFactory(section=koseki, user=user)
    supervisor = UserFactory(role="supervisor", department=koseki.department)

    response = logged_in(user).post(f"/staff/talent/staff/{member.pk}/assess/",
                                    {"role_literacy": "2", "role_data_scientist": "3"})
    assert response.status_code == 302 and response["Location"] == "/staff/talent/me/"
    mine = {a.role.code: (a.self_level, a.confirmed_level) for a in SkillAssessment.objects.filter(staff=member)}
    assert mine == {"literacy": (2, None), "data_scientist": (3, None)}

    response = logged_in(supervisor).post(f"/staff/talent/staff/{member.pk}/confirm/",
                                          {"confirm_literacy": "2", "confirm_data_scientist": "2"})

    assert response.status_code == 302
    confirmed = {a.role.code: (a.confirmed_level, a.confirmed_by) for a in SkillAssessment.objects.filter(staff=member)}
    assert confirmed == {"literacy": (2, supervisor), "data_scientist": (2, supervisor)}

    logged_in(user).post(f"/staff/talent/staff/{member.pk}/assess/", {"role_literacy": "2", "role_data_scientist": "4"})
    changed = SkillAssessment.objects.get(staff=member, role__code="data_scientist", fiscal_year=current_fiscal_year())
    assert (changed.self_level, changed.confirmed_level) == (4, None)  # back to the supervisor


def test_a_supervisor_sees_only_the_records_of_their_section(koseki):
    supervisor = UserFactory(role="supervisor", department=koseki.department)
    mine, other = StaffMemberFactory(section=koseki), StaffMemberFactory(section=SectionFactory(name="総務課"))
    client = logged_in(supervisor)

    assert client.get(f"/staff/talent/staff/{mine.pk}/").status_code == 200
    assert client.get(f"/staff/talent/staff/{other.pk}/").status_code == 403
    listing = client.get(f"/staff/talent/staff/?section={other.section.pk}").content.decode()
    assert mine.name in listing and other.name not in listing  # the other section is not theirs to choose


def test_nobody_confirms_their_own_assessment(koseki):
    supervisor = UserFactory(role="supervisor", department=koseki.department)
    member = StaffMemberFactory(section=koseki, user=supervisor)
    logged_in(supervisor).post(f"/staff/talent/staff/{member.pk}/assess/", {"role_literacy": "1"})

    response = logged_in(supervisor).post(f"/staff/talent/staff/{member.pk}/confirm/", {"confirm_literacy": "1"})

    assert response.status_code == 403
    assert SkillAssessment.objects.get(staff=member).confirmed_level is None


def test_staff_records_viewed_by_others_are_logged(koseki):
    hr = UserFactory(role="hr")
    member = StaffMemberFactory(section=koseki)

    logged_in(hr).get(f"/staff/talent/staff/{member.pk}/")
    logged_in(hr).get(f"/staff/talent/staff/?section={koseki.pk}")

    accesses = list(PersonalDataAccess.objects.values_list("actor_id", "subject_type", "subject_id"))
    assert (hr.pk, "talent.staffmember", str(member.pk)) in accesses
    assert (hr.pk, "talent.section", str(koseki.pk)) in accesses


def test_a_training_with_an_individual_number_is_refused_next_to_the_field(koseki):
    user = UserFactory(role="counter")
    member = StaffMemberFactory(section=koseki, user=user)

    response = logged_in(user).post(f"/staff/talent/staff/{member.pk}/training/",
                                    {"course": f"研修 {INDIVIDUAL_NUMBER}", "hours": "3", "taken_on": "2026-05-01"})

    assert response.status_code == 422
    assert INDIVIDUAL_NUMBER not in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_an_account_without_a_record_is_told_how_it_gets_one(framework):
    response = logged_in(UserFactory(role="counter")).get("/staff/talent/me/")

    assert response.status_code == 200
    assert response.templates[0].name == "talent/not_registered.html"

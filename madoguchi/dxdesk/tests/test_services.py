"""The help desk's workflow from filing to measured savings, and what it refuses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.dxdesk import services
from madoguchi.dxdesk.models import Status
from madoguchi.talent.tests.factories import GROUPED_NUMBER, INDIVIDUAL_NUMBER, SectionFactory

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def filed(**overrides):
    values = {"filed_by": UserFactory(), "section": SectionFactory(), "title": "台帳入力",
              "task": "申請書を台帳に入力", "times_per_month": 100, "minutes_per_time": 6, "pain": "二重入力",
              "help_kind": "rpa", **overrides}
    return services.consultation_file(**values)


def delivered(consultation, desk, *, days_ago: int = 100):
    services.consultation_advance(consultation=consultation, new=Status.ANALYSING, actor=desk)
    services.consultation_advance(consultation=consultation, new=Status.BUILDING, actor=desk)
    return services.consultation_deliver(
        consultation=consultation, actor=desk, tool_kind="rpa", tool_name="台帳入力ロボット",
        tool_location=r"\\fs\dx\robot", delivered_on=timezone.localdate() - timedelta(days=days_ago),
        expected_hours_per_year=Decimal("80"))


def test_a_consultation_goes_from_filing_to_measured_savings():
    desk = UserFactory(role="dx_desk")
    consultation = filed()
    assert consultation.status == Status.RECEIVED
    consultation = delivered(consultation, desk)
    assert 89 <= (consultation.measure_due_on - consultation.delivered_on).days <= 92

    measured = services.consultation_measure(consultation=consultation, actor=desk, times_per_month_after=100,
                                             minutes_per_time_after=2, measured_on=timezone.localdate())

    assert measured.status == Status.MEASURED
    assert measured.measured_hours_per_year == Decimal("80.0")  # (100×6 − 100×2) × 12 / 60
    assert [n.status_to for n in measured.notes.order_by("id")] == [
        "received", "analysing", "building", "delivered", "measured"]
    assert measured.assignee == desk
    assert Event.objects.filter(action="dxdesk.status_changed").count() == 4


def test_measuring_before_three_months_is_refused_naming_the_date():
    desk = UserFactory(role="dx_desk")
    consultation = delivered(filed(), desk, days_ago=10)

    with pytest.raises(DomainError) as refused:
        services.consultation_measure(consultation=consultation, actor=desk, times_per_month_after=100,
                                      minutes_per_time_after=2, measured_on=timezone.localdate())

    assert refused.value.fields == ["measured_on"]


def test_a_step_cannot_be_skipped():
    with pytest.raises(ConflictError):
        services.consultation_advance(consultation=filed(), new=Status.BUILDING, actor=UserFactory(role="dx_desk"))


def test_delivery_needs_the_tool_and_a_date_not_in_the_future():
    desk = UserFactory(role="dx_desk")
    consultation = filed()
    services.consultation_advance(consultation=consultation, new=Status.ANALYSING, actor=desk)
    services.consultation_advance(consultation=consultation, new=Status.BUILDING, actor=desk)

    with pytest.raises(DomainError) as refused:
        services.consultation_deliver(consultation=consultation, actor=desk, tool_kind="rpa", tool_name=" ",
                                      tool_location="x", delivered_on=timezone.localdate() + timedelta(days=1),
                                      expected_hours_per_year=Decimal("1"))

    assert set(refused.value.fields) == {"tool_name", "delivered_on"}


def test_declining_needs_a_reason_and_a_declined_one_can_be_reopened():
    desk = UserFactory(role="dx_desk")
    consultation = filed()
    with pytest.raises(DomainError):
        services.consultation_decline(consultation=consultation, reason="  ", actor=desk)

    consultation = services.consultation_decline(consultation=consultation, reason="既存システムで対応", actor=desk)
    assert consultation.status == Status.DECLINED
    consultation = services.consultation_advance(consultation=consultation, new=Status.RECEIVED, actor=desk)
    assert (consultation.status, consultation.decline_reason) == (Status.RECEIVED, "")


def test_filing_refuses_an_individual_number_and_names_every_bad_field():
    with pytest.raises(DomainError) as refused:
        filed(pain=f"住民 {GROUPED_NUMBER} の件", times_per_month=0, help_kind="magic")

    assert set(refused.value.fields) == {"pain", "times_per_month", "help_kind"}
    assert INDIVIDUAL_NUMBER[8:] not in refused.value.text()


def test_one_consultation_per_idea():
    filed(idea_key="handling:juki.move_in:2026")

    with pytest.raises(ConflictError):
        filed(idea_key="handling:juki.move_in:2026")


def test_the_desk_is_reminded_once_when_a_measurement_falls_due(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    desk = UserFactory(role="dx_desk", email="dx@example.lg.jp")
    delivered(filed(), desk, days_ago=100)
    delivered(filed(), desk, days_ago=10)  # not yet due

    call_command("dxdesk_remind", base_url="https://madoguchi.example.lg.jp")
    call_command("dxdesk_remind")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dx@example.lg.jp"]
    assert "効果測定" in mail.outbox[0].subject


def test_a_comment_is_added_to_the_timeline():
    consultation = ConsultationFactory()

    note = services.consultation_comment(consultation=consultation, author=consultation.filed_by, text="資料を送ります")

    assert consultation.notes.get() == note and note.status_to == ""


def test_a_measured_saving_counts_on_the_dashboard_beside_the_counter_sections():
    from madoguchi.catalog.models import Department
    from madoguchi.dxdesk.selectors import dashboard

    desk = UserFactory(role="dx_desk")
    counter = SectionFactory(name="戸籍住民課", department=Department.objects.create(
        code="koseki", name_ja="戸籍住民課", name_en="Family Register"))
    consultation = delivered(filed(section=counter), desk)
    services.consultation_measure(consultation=consultation, actor=desk, times_per_month_after=100,
                                  minutes_per_time_after=2, measured_on=timezone.localdate())
    filed()  # another section

    figures = dashboard()

    assert (figures.counter.consultations, figures.counter.measured_hours) == (1, Decimal("80.0"))
    assert (figures.other.consultations, figures.other.measured_hours) == (1, Decimal("0"))
    assert figures.by_section[0][0] == counter  # the counter's sections first
    assert figures.by_quarter[0][1].consultations == 1


def test_without_a_desk_address_no_reminder_is_marked_sent(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    desk = UserFactory(role="dx_desk", email="")
    consultation = delivered(filed(), desk, days_ago=100)

    call_command("dxdesk_remind")

    consultation.refresh_from_db()
    assert consultation.measure_reminded_at is None and mail.outbox == []

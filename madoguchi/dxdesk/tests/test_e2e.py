"""The help desk in Debian's Chromium: a clerk files a consultation, the desk works it to a delivered tool
and measures the saving three months on; the dashboard counts it. Every page passes axe-core."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Department
from madoguchi.dxdesk.models import Consultation
from madoguchi.talent.tests.factories import SectionFactory, StaffMemberFactory, load_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def counter_section(db):
    load_framework()
    department = Department.objects.create(code="koseki", name_ja="戸籍住民課", name_en="Family Register")
    SectionFactory(name="情報政策課")
    return SectionFactory(name="戸籍住民課", department=department)


def test_a_consultation_from_filing_to_measured_savings(browser, live_server, axe, counter_section):
    clerk = UserFactory(role="counter")
    StaffMemberFactory(section=counter_section, user=clerk)
    page = signed_in_page(browser, live_server, clerk)

    page.goto("/staff/dx/new/")
    axe(page)
    assert page.locator("#id_section option:checked").inner_text() == "戸籍住民課"  # the clerk's own section
    page.fill("#id_title", "転入届の受付簿入力")
    page.fill("#id_task", "転入届の内容を受付簿とExcelに二重入力している")
    page.fill("#id_times_per_month", "100")
    page.fill("#id_minutes_per_time", "6")
    page.fill("#id_pain", "二重入力で残業が増える")
    page.check("input[name='help_kind'][value='rpa']")
    page.locator("main form button[type='submit']").click()
    page.wait_for_url("**/staff/dx/*/")
    consultation = Consultation.objects.get()
    assert consultation.filed_by == clerk and consultation.section == counter_section
    assert "120.0" in page.locator(".facts").inner_text()  # 100 × 6 minutes × 12 ÷ 60
    axe(page)

    desk = signed_in_page(browser, live_server, UserFactory(role="dx_desk"))
    desk.goto("/staff/dx/")
    axe(desk)
    desk.locator(f"a[href='/staff/dx/{consultation.pk}/']").first.click()
    for _ in ("analysing", "building"):
        desk.locator("form[action$='/advance/'] button[type='submit']").click()
        desk.wait_for_load_state()
    axe(desk)
    desk.select_option("#id_tool_kind", "rpa")
    desk.fill("#id_tool_name", "受付簿入力ロボット")
    desk.fill("#id_tool_location", r"\\fileserver\dx\robots")
    delivered = timezone.localdate() - timedelta(days=100)
    desk.fill("#id_delivered_on", delivered.isoformat())
    desk.fill("#id_expected_hours_per_year", "80")
    desk.locator("form[action$='/deliver/'] button[type='submit']").click()
    desk.locator(".badge--due").wait_for()  # three months are up: the desk is asked to measure
    axe(desk)

    desk.fill("#id_times_per_month_after", "100")
    desk.fill("#id_minutes_per_time_after", "2")
    desk.locator("form[action$='/measure/'] button[type='submit']").click()
    saving = desk.locator("#measured-saving")
    saving.wait_for()
    assert "80.0" in saving.inner_text()
    consultation.refresh_from_db()
    assert (consultation.status, str(consultation.measured_hours_per_year)) == ("measured", "80.0")
    axe(desk)

    desk.goto("/staff/dx/dashboard/")
    counter_row = desk.locator("#table-by_section tbody tr", has_text="戸籍住民課").first
    assert "80.0" in counter_row.inner_text()
    axe(desk)


def test_a_refused_measurement_shows_the_message_next_to_the_field(browser, live_server, axe, counter_section):
    from decimal import Decimal

    from madoguchi.dxdesk import services

    desk_user = UserFactory(role="dx_desk")
    consultation = services.consultation_file(
        filed_by=desk_user, section=counter_section, title="台帳", task="入力", times_per_month=10,
        minutes_per_time=10, pain="手間", help_kind="rpa")
    for new in ("analysing", "building"):
        services.consultation_advance(consultation=consultation, new=new, actor=desk_user)
    services.consultation_deliver(consultation=consultation, actor=desk_user, tool_kind="rpa", tool_name="ロボ",
                                  tool_location="共有", delivered_on=timezone.localdate(),
                                  expected_hours_per_year=Decimal("10"))
    page = signed_in_page(browser, live_server, desk_user)
    page.goto(f"/staff/dx/{consultation.pk}/")

    page.fill("#id_times_per_month_after", "10")
    page.fill("#id_minutes_per_time_after", "5")
    page.locator("form[action$='/measure/'] button[type='submit']").click()

    error = page.locator("#id_measured_on_error")
    error.wait_for()
    assert error.inner_text().strip()
    axe(page)


def test_the_ideas_page_is_accessible(browser, live_server, axe, counter_section):
    page = signed_in_page(browser, live_server, UserFactory(role="dx_desk"))

    page.goto("/staff/dx/ideas/")

    assert page.locator("section[aria-labelledby^='ideas-'] h2").count() == 4  # one per signal
    axe(page)

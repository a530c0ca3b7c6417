"""The supervisor's wallboard: the figures (pure), and the page in Chromium — one screen, alerts past the
threshold, moves only to counters that handle the procedure, closing a desk asks first, names not codes."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.counters import views, wallboard
from madoguchi.reception import services
from madoguchi.reception.models import Desk, Step
from madoguchi.reception.tests.browser import staff_page

NOW = datetime(2026, 12, 1, 10, 0)


def test_the_trend_counts_who_was_waiting_every_ten_minutes():
    points = wallboard.trend_points(NOW)
    assert len(points) == 7 and points[0] == NOW - timedelta(hours=1) and points[-1] == NOW
    intervals = [(NOW - timedelta(minutes=55), NOW - timedelta(minutes=25)),  # waited 30 min, then called
                 (NOW - timedelta(minutes=15), None)]  # still waiting
    assert wallboard.waiting_at(intervals, points) == [0, 1, 1, 1, 0, 1, 1]
    assert wallboard.direction([0, 1, 1, 1, 0, 1, 1]) == 1
    assert wallboard.bar_levels([0, 2, 4], top=4) == [0, 4, 8]
    assert wallboard.bar_levels([0, 0], top=0) == [0, 0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_wallboard_on_one_screen(browser, live_server, axe, starter_catalog, settings, monkeypatch):
    settings.SUPERVISOR_WAIT_ALERT_MINUTES = 20
    monkeypatch.setattr(views, "SUPERVISOR_REFRESH_SECONDS", 1)
    site = Site.objects.get(code="honcho")
    long_ago = timezone.now() - timedelta(minutes=35)
    waited = services.visit_register(site=site, procedure_codes=["nhi.enroll"], now=long_ago)
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    page = staff_page(browser, live_server, UserFactory(role=Role.SUPERVISOR), viewport={"width": 1920, "height": 1080})
    page.goto("/staff/supervisor/")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080  # the floor on one screen
    kokuho = Counter.objects.get(code="kokuho")
    expect(page.locator("#wait-alerts")).to_contain_text(kokuho.name_ja)
    expect(page.locator(f"#row-{kokuho.code}")).to_contain_text("35分")
    axe(page)
    # It keeps itself up to date.
    cert = Counter.objects.get(code="koseki-cert")
    expect(page.locator(f"#row-{cert.code} .wallboard__big")).to_have_text("1")
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    expect(page.locator(f"#row-{cert.code} .wallboard__big")).to_have_text("2")
    # Names, not codes; and only the counters that can serve the procedure.
    page.locator(f"#row-{kokuho.code} .wallboard__queue summary").click()
    expect(page.locator(f"#row-{kokuho.code} .wallboard__tickets")).to_contain_text("国民健康保険")
    expect(page.locator(f"#row-{kokuho.code} .wallboard__tickets")).not_to_contain_text("nhi.enroll")
    step = waited.steps.get()
    options = page.locator(f"#move-{step.pk} option")
    offered = {options.nth(i).get_attribute("value") for i in range(options.count())}
    able = {c.code for c in Counter.objects.filter(procedures__code="nhi.enroll", site=site).exclude(pk=kokuho.pk)}
    assert offered == able  # the ward's other counters that handle NHI, or none
    if not offered:
        expect(page.locator(f"#row-{kokuho.code}")).to_contain_text("ほかに扱う窓口はありません")
    axe(page)
    # Closing a desk asks first; only "yes" closes it.
    row = page.locator(f"#row-{kokuho.code}")
    row.locator(".confirm summary").first.click()
    expect(row.locator(".confirm__body").first).to_be_visible()
    expect(row.locator(".confirm__body").first).to_contain_text("1人")
    axe(page)
    assert not Desk.objects.filter(counter=kokuho, is_open=False).exists()
    row.locator(".confirm__body button").first.click()
    expect(page).to_have_url(live_server.url + "/staff/supervisor/")
    assert Desk.objects.filter(counter=kokuho, number=1, is_open=False).exists()
    assert Step.objects.filter(pk=step.pk, status="queued").exists()

"""The insights pages in Debian's Chromium: every page passes axe-core (WCAG 2.1 AA) with figures on it,
a supervisor works the filters and the downloads by keyboard, and a resident reads the forecast on a
phone without JavaScript, in Japanese, English and やさしい日本語."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.insights import services
from madoguchi.insights.models import Intervention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(starter_catalog):
    services.demo_history_write(days=21, seed=4, scale=0.12)
    return Intervention.objects.create(day=timezone.localdate() - timedelta(days=7), title="受付にポスター",
                                       service="prefill", recorded_at=timezone.now())


def signed_in(browser, live_server, role=Role.ANALYST):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    client = Client()
    client.force_login(UserFactory(role=role))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def test_every_insights_page_passes_axe_with_figures_on_it(browser, live_server, axe, history):
    page = signed_in(browser, live_server)
    for url in ("/staff/insights/", "/staff/insights/effects/", "/staff/insights/interventions/",
                f"/staff/insights/interventions/{history.pk}/", "/staff/insights/forecast/",
                "/staff/insights/forecast/?counter=koseki-cert", "/staff/insights/?from=2026-11-10&to=2026-11-01"):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)
    page.goto("/staff/insights/")
    assert page.locator("img[src*='/staff/insights/charts/visits.png']").evaluate("img => img.naturalWidth") > 0


def test_a_supervisor_filters_by_keyboard_and_downloads_a_table(browser, live_server, history):
    page = signed_in(browser, live_server, Role.SUPERVISOR)
    page.goto("/staff/insights/")
    page.focus("#id_site")
    page.keyboard.press("ArrowDown")  # the first site
    page.focus("main form button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**site=honcho**")
    assert "区役所本庁舎" in page.locator(".scope-line").inner_text()
    with page.expect_download() as download:
        page.locator("#t-counters").locator("xpath=..").get_by_role("link", name="CSV").press("Enter")
    assert download.value.suggested_filename == "insights-counters.csv"


def test_a_resident_picks_a_day_on_the_forecast_by_keyboard_on_a_phone_without_javascript(
        browser, live_server, axe, history):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    page.goto("/congestion/")
    page.get_by_role("link", name="混雑予想（これから数週間）").click()
    assert page.locator("h1").inner_text() == "混雑予想"
    axe_page = context.browser.new_context(base_url=live_server.url, locale="ja-JP",
                                           viewport={"width": 390, "height": 844}).new_page()
    axe_page.goto(page.url)
    axe(axe_page)  # axe needs script; the page itself was read with JavaScript off
    links = page.locator(".forecast-calendar a")
    assert links.count() >= 10
    target = links.nth(3)
    label = target.locator(".forecast-day__date").inner_text()
    target.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**day=**")
    assert label.replace("/", "月") in page.locator("#hours-title").inner_text().replace("/", "月")
    assert page.locator(".forecast-hours tbody tr").count() >= 5
    for language, heading in (("en", "Congestion forecast"), ("ja-easy", "こみぐあい の よそう")):
        axe_page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                       "url": live_server.url}])
        axe_page.goto("/congestion/forecast/")
        assert axe_page.locator("h1").inner_text() == heading
        axe(axe_page)
    context.close()

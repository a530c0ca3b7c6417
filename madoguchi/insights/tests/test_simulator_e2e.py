"""The simulator page in Debian's Chromium: a supervisor runs a day by keyboard, sees the progress
indicator give way to the chart and the tables, and every state of the page passes axe-core."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def test_a_supervisor_simulates_a_day_and_a_what_if(browser, live_server, axe, test_profiles):
    page = signed_in_page(browser, live_server, UserFactory(role=Role.SUPERVISOR))
    page.goto("/staff/insights/simulator/")
    axe(page)
    assert not page.locator("#simulation-progress").is_visible()

    page.fill("#id_seed", "7")
    page.focus("#id_seed")
    page.keyboard.press("Enter")  # submits through htmx

    result = page.locator("#simulation-result section")
    result.wait_for()
    assert page.locator("#simulation-result img.chart[role='img']").count() == 1
    assert page.locator("#simulation-result table.data").count() == 3
    assert page.locator("#simulation-result table.data").first.locator("thead th").last.inner_text() \
        == "(d) (c)に加え、人員配置の提案どおりに席を移す"  # the fourth: (c) with the staffing page followed
    assert not page.locator("#simulation-progress").is_visible()
    assert page.url.endswith("/staff/insights/simulator/")  # the page stayed: only the result was swapped
    axe(page)
    first = page.locator("#simulation-result table.data").first.inner_text()

    page.fill("#id_prefill_share", "0.9")
    page.fill("#id_desks_kokuho", "6")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("#simulation-result table.data").first).not_to_have_text(first)
    axe(page)


def test_a_refused_what_if_is_announced(browser, live_server, axe, test_profiles):
    page = signed_in_page(browser, live_server, UserFactory(role=Role.SUPERVISOR))
    page.goto("/staff/insights/simulator/")

    page.fill("#id_desks_kokuho", "0")
    page.locator("main form button[type='submit']").click()

    alert = page.locator("#simulation-result [role='alert']")
    alert.wait_for()
    assert alert.inner_text().strip()
    axe(page)

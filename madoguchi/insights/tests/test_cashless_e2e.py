"""The cashless page in Debian's Chromium: axe (WCAG 2.1 AA) with figures and with a refused period,
and the period submitted by keyboard."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.payments.terminals import get_terminal
from madoguchi.payments.tests.factories import charge, visit_at_desk
from madoguchi.reception import services as reception

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def simulated_terminal(settings, tmp_path):
    settings.PAYMENT_TERMINAL = {"backend": "simulated",
                                 "options": {"path": str(tmp_path / "terminal.sqlite3"), "time_zone": "Asia/Tokyo"}}
    return get_terminal()


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_cashless_page_is_accessible_and_works_by_keyboard(page, live_server, axe, starter_catalog):
    opening = timezone.make_aware(datetime.combine(timezone.localdate(), time(9, 0)))
    for minutes, method in [(0, "cash"), (10, "card")]:
        visit, step, register, clerk = visit_at_desk(["cert.juminhyo"], now=opening + timedelta(minutes=minutes))
        charge(visit, register, clerk, [("juminhyo", 1)], method=method, step=step, now=opening)
        reception.step_complete(step=step, clerk=clerk, now=opening + timedelta(minutes=minutes + 4))
    sign_in(page, live_server, UserFactory(role=Role.ANALYST))

    page.goto("/staff/insights/cashless/?start=2026-12-01&end=2026-01-01")
    expect(page.locator("#id_start_error")).to_be_visible()
    axe(page)

    page.goto("/staff/insights/cashless/")
    for _ in range(60):  # by keyboard to the button, then submit the period
        page.keyboard.press("Tab")
        if page.locator("#cashless-period button").evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.locator("#cashless-by-day")).to_contain_text("50%")
    expect(page.locator("#cashless-desk-time")).to_be_visible()
    axe(page)

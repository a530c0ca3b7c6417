"""Reception in Chromium: a life event ticks what its rules make certain and asks about the rest; the
register button and the errors stay on screen however long the list; the optional code field is not
marked required; messages in the clerk's language (Japanese and English)."""

import re

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.models import Visit
from madoguchi.reception.tests.browser import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]


def test_a_move_in_ticks_the_moving_in_notification_and_asks_about_the_rest(browser, live_server, axe,
                                                                           starter_catalog):
    page = staff_page(browser, live_server, UserFactory(role=Role.RECEPTION), viewport={"width": 1280, "height": 720})
    page.goto("/staff/reception/")
    expect(page.locator("label[for=id_navigator_qr]")).not_to_contain_text("必須")
    page.get_by_role("link", name="引っ越してきた（転入）").click()
    checked = page.locator("input[name=procedures]:checked")
    expect(checked).to_have_count(1)
    expect(checked).to_have_value("juki.move_in")
    expect(page.locator("#why-nhi\\.enroll")).to_contain_text("確認")
    assert in_view(page, "#register-bar button")  # the button is on screen before any scrolling
    axe(page)
    # Nothing ticked: the reason is next to the button, on screen, in Japanese.
    checked.first.uncheck()
    page.locator("#register-bar button").click()
    expect(page.locator("#register-errors")).to_contain_text("手続を1つ以上選んでください")
    assert in_view(page, "#register-errors") and in_view(page, "#register-bar button")
    axe(page)
    page.locator("#proc-juki\\.move_in").check()
    page.locator("#proc-nhi\\.enroll").check()
    page.locator("#id_event_date").fill("2026-11-28")
    page.locator("#register-bar button").click()
    expect(page).to_have_url(re.compile(r"/staff/visits/\d+/sheet/"))
    visit = Visit.objects.get()
    assert visit.event_date.isoformat() == "2026-11-28" and visit.life_event == "move_in"


def test_a_bad_code_is_explained_in_english_to_an_english_speaking_clerk(browser, live_server, axe,
                                                                         starter_catalog):
    page = staff_page(browser, live_server, UserFactory(role=Role.RECEPTION), locale="en-US")
    page.goto("/staff/reception/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_navigator_qr").fill("MDGNAV1|move_in|2026-02-30|juki.move_in")
    page.get_by_role("button", name="Read the code").click()
    expect(page.locator(".scan-form")).to_contain_text("This is not a navigator QR code")
    expect(page.locator(".scan-form")).not_to_contain_text("does not exist")
    axe(page)

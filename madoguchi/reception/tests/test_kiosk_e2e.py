"""The kiosk in Chromium: the start screen shares the whole screen, plain words with the official term
beneath; nothing is ticked for the visitor; the ticket prints at once on a ticket-sized page; after the
idle time (short here) or "done" it is back in Japanese on the start screen."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.models import Visit
from madoguchi.reception.tests.browser import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser's print dialog, counted instead of opened (a headless browser has no printer).
COUNT_PRINTS = ("window.print = function () { var n = Number(document.documentElement.dataset.printed || 0);"
                " document.documentElement.dataset.printed = String(n + 1); };")
MM = 72 / 25.4


@pytest.fixture
def kiosk(browser, live_server, starter_catalog, settings):
    settings.KIOSK_IDLE_SECONDS = 4
    page = staff_page(browser, live_server, UserFactory(role=Role.KIOSK), viewport={"width": 1920, "height": 1080})
    page.add_init_script(COUNT_PRINTS)
    return page


def test_the_start_screen_uses_the_whole_screen_in_plain_words(kiosk, axe):
    kiosk.goto("/kiosk/")
    tiles = kiosk.locator(".kiosk-tiles--start .kiosk-tile")
    move_in = tiles.filter(has_text="引っ越してきた（転入）")
    expect(move_in.locator(".kiosk-tile__plain")).to_have_text("くに ひっこして きた")
    expect(move_in.locator(".kiosk-tile__official")).to_have_text("引っ越してきた（転入）")
    last = tiles.last.bounding_box()
    assert last["y"] + last["height"] > 1080 * 0.85  # the tiles reach the bottom of the screen
    assert kiosk.evaluate("document.documentElement.scrollHeight") <= 1080
    assert min(tiles.nth(i).bounding_box()["height"] for i in range(tiles.count())) >= 96
    axe(kiosk)


def test_nothing_is_ticked_and_idling_returns_to_japanese(kiosk, axe):
    kiosk.goto("/kiosk/")
    kiosk.get_by_role("button", name="English").click()
    kiosk.get_by_role("link", name=re.compile("Moving into the ward")).click()
    expect(kiosk.locator("input[name=procedures]").first).to_be_visible()
    assert kiosk.locator("input:checked").count() == 0
    expect(kiosk.locator(".kiosk-check").filter(has_text="Moving-in notification")).to_contain_text("転入届")
    axe(kiosk)
    # Nobody touches it: back to the start screen, in Japanese.
    expect(kiosk.locator("h1")).to_have_text("本日はどのようなご用件ですか？", timeout=15_000)
    expect(kiosk.locator("html")).to_have_attribute("lang", "ja")
    expect(kiosk).to_have_url(re.compile(r"/kiosk/$"))


def test_the_ticket_prints_at_once_on_a_ticket_page_and_done_starts_over(kiosk, axe, settings):
    settings.KIOSK_IDLE_SECONDS = 60
    kiosk.goto("/kiosk/")
    kiosk.get_by_role("button", name="English").click()
    kiosk.goto("/kiosk/?event=move_in")
    kiosk.locator("label[for='k-juki.move_in']").click()
    kiosk.get_by_role("button", name="Get my ticket").click()
    expect(kiosk.locator("html")).to_have_attribute("data-printed", "1")
    visit = Visit.objects.get()
    expect(kiosk.locator("#kiosk-ticket")).to_contain_text(visit.ticket_number)
    axe(kiosk)
    pdf = PdfReader(io.BytesIO(kiosk.pdf(prefer_css_page_size=True)))
    width = float(pdf.pages[0].mediabox.width) / MM
    assert 79 <= width <= 81, f"the ticket page is {width:.0f} mm wide, not the 80 mm roll"
    assert visit.ticket_number in pdf.pages[0].extract_text()
    kiosk.locator("#kiosk-reset button").click()
    expect(kiosk).to_have_url(re.compile(r"/kiosk/$"))
    expect(kiosk.locator("html")).to_have_attribute("lang", "ja")

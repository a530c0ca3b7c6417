"""The call display at the two screens wards hang (1920×1080 and 1366×768) with a full board of 8 calls:
the newest large, the others in a strip, nothing cut off or scrolled; the sound button shows its state."""

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.tests.browser import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE_OF = {"koseki-move": "juki.move_in", "kokuho": "nhi.enroll", "kosodate": "kosodate.child_allowance",
                "koseki-cert": "cert.juminhyo"}

# Every element of the board lies inside the screen, and no text box is wider than its box.
OVERFLOW = """() => {
  const out = [];
  const w = window.innerWidth, h = window.innerHeight;
  if (document.documentElement.scrollHeight > h || document.documentElement.scrollWidth > w) out.push("page scrolls");
  for (const el of document.querySelectorAll('.display *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('.visually-hidden')) continue;
    if (r.right > w + 1 || r.bottom > h + 1 || r.left < -1 || r.top < -1) out.push(el.className || el.tagName);
  }
  for (const el of document.querySelectorAll('.call, .call *')) {
    const cut = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    if (cut && getComputedStyle(el).overflow !== 'visible') out.push('cut: ' + el.className);
  }
  return out;
}"""


@pytest.fixture
def eight_calls(starter_catalog):
    site = Site.objects.get(code="honcho")
    calls = []
    for round_ in range(2):
        for code, procedure in PROCEDURE_OF.items():
            services.visit_register(site=site, procedure_codes=[procedure])
            calls.append(services.step_call_next(counter=Counter.objects.get(code=code), clerk=None,
                                                 desk=round_ + 1))
    for procedure in PROCEDURE_OF.values():  # and a queue behind them: the "next numbers"
        for _ in range(3):
            services.visit_register(site=site, procedure_codes=[procedure])
    return site, calls


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)], ids=["1920x1080", "1366x768"])
def test_eight_calls_fit_the_screen(browser, live_server, axe, eight_calls, size):
    site, calls = eight_calls
    width, height = size
    page = staff_page(browser, live_server, UserFactory(role=Role.DISPLAY), viewport={"width": width, "height": height})
    page.goto(f"/display/?site={site.code}")
    expect(page.locator(".call[data-call-id]")).to_have_count(8)
    expect(page.locator(".call--latest .call__ticket")).to_have_text(calls[-1].visit.ticket_number)
    latest = page.locator(".call--latest").bounding_box()
    other = page.locator(".call[data-call-id]").nth(1).bounding_box()
    assert latest["height"] > 2 * other["height"]  # the newest is the large one
    following = page.locator(".next-number")
    expect(following.first).to_be_visible()
    # The front of every queue first: the four counters' next tickets lead the strip.
    assert {following.nth(i).locator(".next-number__counter").inner_text() for i in range(4)} == {
        f"{Counter.objects.get(code=code).number}番窓口" for code in PROCEDURE_OF}
    assert page.evaluate(OVERFLOW) == []
    axe(page)


def test_the_sound_button_shows_its_state(browser, live_server, axe, eight_calls):
    site, _calls = eight_calls
    page = staff_page(browser, live_server, UserFactory(role=Role.DISPLAY))
    page.goto(f"/display/?site={site.code}")
    button = page.locator("#enable-sound")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_contain_text("オフ")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_contain_text("オン")
    axe(page)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")

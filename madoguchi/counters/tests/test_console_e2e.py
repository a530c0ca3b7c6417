"""The counter console in Chromium: the call / call again / hand on panel stays on screen however long the
queue; the visit's route and the earlier counters' memos are beside it."""

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Site
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.tests.browser import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_panel_stays_in_view_and_the_route_and_memo_are_at_a_glance(browser, live_server, axe,
                                                                        starter_catalog):
    site = Site.objects.get(code="honcho")
    visit = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll",
                                                                "kosodate.child_allowance"])
    for _ in range(25):  # a long queue behind
        services.visit_register(site=site, procedure_codes=["juki.move_in"])
    clerk_a = UserFactory(role=Role.COUNTER, counters=["koseki-move"])
    page = staff_page(browser, live_server, clerk_a, viewport={"width": 1280, "height": 640})
    page.goto("/staff/counters/koseki-move/")
    axe(page)
    page.mouse.wheel(0, 3000)
    assert in_view(page, "button[accesskey=n]")  # call next, with the queue scrolled
    page.locator("button[accesskey=n]").click()
    expect(page.locator(".current-card__ticket")).to_contain_text(visit.ticket_number)
    expect(page.locator("#visit-route li")).to_have_count(3)
    expect(page.locator("#visit-route [aria-current=step]")).to_contain_text("転入")
    axe(page)
    page.mouse.wheel(0, 3000)
    assert in_view(page, "button[accesskey=r]") and in_view(page, "button[accesskey=c]")
    page.locator("button[accesskey=s]").click()
    page.locator("textarea[name=memo]").fill("転入届受理済み。国保は世帯主と子の2名")
    page.locator("button[accesskey=c]").click()
    expect(page.locator(".messages")).to_contain_text(visit.ticket_number)

    clerk_b = UserFactory(role=Role.COUNTER, counters=["kokuho", "kosodate"])
    other = staff_page(browser, live_server, clerk_b, viewport={"width": 1280, "height": 640})
    following = visit.steps.filter(status="queued").select_related("counter").get()
    other.goto(f"/staff/counters/{following.counter.code}/")
    other.locator("button[accesskey=n]").click()
    expect(other.locator("#memos")).to_contain_text("国保は世帯主と子の2名")
    expect(other.locator("#visit-route li").first).to_contain_text("完了")
    axe(other)

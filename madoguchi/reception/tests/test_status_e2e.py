"""The visitor's phone in Debian's Chromium: the status page follows the queue by itself (polled every
2 s; a call shows within a poll), the title and the page say "your turn is coming" when two are ahead
and "go now" when called, sound and vibration are turned on by a tap; "my ticket" finds the page again;
the message notice is asked for and stopped. axe on every state."""

import re

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.reception import selectors, services
from madoguchi.reception.models import StatusNotice
from madoguchi.reception.views_public import STATUS_POLL_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_status_page_alerts_when_two_are_ahead_and_when_called(phone_page, axe, site):
    visits = [services.visit_register(site=site, procedure_codes=["cert.juminhyo"]) for _ in range(4)]
    mine = visits[3]
    counter = Counter.objects.get(pk=mine.steps.get().counter_id)
    clerk = UserFactory(role=Role.COUNTER, counters=[counter.code])
    page = phone_page
    page.goto(f"/v/{mine.status_token}/")
    assert STATUS_POLL_SECONDS <= 3  # a call reaches the phone within one poll
    expect(page.locator("#status")).to_have_attribute("hx-trigger", f"every {STATUS_POLL_SECONDS}s")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "waiting")
    assert not page.title().startswith("(!")
    axe(page)

    page.locator("#alerts-on").click()  # browsers allow sound and vibration only after a tap
    expect(page.locator("#alerts-state")).not_to_be_empty()
    expect(page.locator("#alerts-on")).to_be_hidden()

    services.step_call_next(counter=counter, clerk=clerk)  # two ahead now
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "soon")
    expect(page).to_have_title(re.compile(r"^\(!\) "))
    expect(page.locator(".status-soon")).to_be_visible()
    expect(page.locator(".status-figures dd").first).to_have_text("2")
    axe(page)

    for desk in (2, 3, 4):
        services.step_call_next(counter=counter, clerk=clerk, desk=desk)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "called")
    expect(page).to_have_title(re.compile(r"^\(!!\) "))
    expect(page.locator(".status-big--call")).to_contain_text(counter.number)
    axe(page)


def test_my_ticket_finds_the_status_page_by_number_and_code(phone_page, axe, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    page = phone_page
    page.goto("/")
    page.locator(".home-tiles a[href='/ticket/']").click()
    axe(page)
    page.fill("#id_ticket", visit.ticket_number)
    page.fill("#id_code", "0000" if selectors.visit_check_code(visit) != "0000" else "1111")
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#lookup-error")).to_be_visible()
    axe(page)
    page.fill("#id_code", selectors.visit_check_code(visit))
    page.locator("#lookup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(f"/v/{visit.status_token}/") + "$"))
    expect(page.locator(".status-ticket")).to_contain_text(visit.ticket_number)


def test_a_message_notice_is_asked_for_and_stopped_on_the_phone(phone_page, axe, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    page = phone_page
    page.goto(f"/v/{visit.status_token}/")
    page.locator("#notice-form button[type=submit]").click()  # nothing chosen, nothing typed
    expect(page.locator("#notice .field__errors").first).to_be_visible()
    axe(page)
    page.locator("#notice input[name=channel][value=email]").check()
    page.fill("#id_address", "hanako@example.jp")
    page.locator("#notice-form button[type=submit]").click()
    expect(page.locator("#notice")).to_contain_text("h…@example.jp")
    assert StatusNotice.objects.get(visit=visit).address == "hanako@example.jp"
    axe(page)
    page.locator("#notice button[value=stop]").click()
    expect(page.locator("#notice-form")).to_be_visible()
    assert not StatusNotice.objects.exists()

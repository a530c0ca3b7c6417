"""The no-writing counter in Debian's Chromium, with the real card reader agent on a simulated card.

The agent runs in a thread on a free port, allowing the live server's origin, exactly as
``python -m madoguchi.cardreader --simulate`` would on the counter PC. Every page is checked with
axe-core (WCAG 2.1 AA), and every request the page makes is logged, to show the PIN went to the
agent and never to the server.
"""

import re
import threading
import time
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.cardreader.card.simulator import SimulatedCard
from madoguchi.cardreader.server import make_server
from madoguchi.cardreader.sources import SimulatorSource
from madoguchi.counters.tests.test_flow_e2e import context_for
from madoguchi.prefill.models import StepPrefill, VisitIdentity

from .factories import RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "4829"  # not the simulator's default, so finding it anywhere means it was sent there


@pytest.fixture
def agent(live_server, settings):
    card = SimulatedCard(name=RESIDENT["name"], address=RESIDENT["address"], birth_date="19770401", sex="1", pin=PIN)
    server = make_server(SimulatorSource(card), origin=live_server.url, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CARD_READER_AGENT_URL = server.url
    yield server, card
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def logged_page(browser, live_server, user):
    page = context_for(browser, live_server, user, accept_downloads=True,
                       viewport={"width": 1280, "height": 900}).new_page()
    requests: list[tuple[str, str, str]] = []
    page.on("request", lambda r: requests.append((r.url, r.post_data or "", str(r.all_headers()))))
    return page, requests


def open_forms_page_from_the_console(page, visit) -> None:
    page.goto("/staff/counters/koseki-move/")
    page.locator("#prefill-link").click()
    page.wait_for_url(re.compile(rf"/staff/visits/{visit.pk}/forms/$"))
    page.wait_for_selector("#card-reader:not([hidden])")


def enter_pin(page, pin: str) -> None:
    page.locator("#pin-input").focus()
    page.keyboard.type(pin)
    page.keyboard.press("Enter")


def test_a_clerk_reads_the_card_reviews_and_prints_every_form(browser, live_server, axe, agent, clerk, serving_step):
    _server, card = agent
    page, _requests = logged_page(browser, live_server, clerk)
    open_forms_page_from_the_console(page, serving_step.visit)
    expect(page.locator("#pin-tries")).to_contain_text("3")
    axe(page)

    enter_pin(page, PIN)
    page.wait_for_selector("#card-facts:not([hidden])")
    facts = page.locator("#card-facts").inner_text()
    assert RESIDENT["name"] in facts and RESIDENT["address"] in facts and "昭和52年4月1日" in facts
    assert page.locator("#id_name").input_value() == RESIDENT["name"]
    assert not card.individual_number_selected
    axe(page)

    page.fill("#id_name_kana", "タカサキ　ヨシタロウ")
    page.fill("#id_postal_code", "173-8501")
    page.locator("#identity-save").click()
    page.wait_for_url(re.compile(r"#answers$"))
    identity = VisitIdentity.objects.get(visit=serving_step.visit)
    assert (identity.source, identity.name, identity.postal_code) == ("card", RESIDENT["name"], "173-8501")

    expect(page.locator("#id_answers-move_kind")).to_have_value("転入")  # known from the procedure
    page.fill("#id_answers-moved_on", "R7.11.20")
    page.fill("#id_answers-new_address", "東京都板橋区高島平一丁目2番3号")
    page.select_option("#id_answers-nhi_kind", "資格取得（加入）")
    page.fill("#id_answers-nhi_changed_on", "令和7年11月20日")
    page.select_option("#id_answers-nhi_reason", "転入")
    page.locator("#answers-save").click()
    page.wait_for_selector("#print-all")
    axe(page)

    # The print page: the PDF in a frame and the browser's print dialog over it. Headless Chromium has
    # no printer (its print dialog crashes the page), so the dialog is the one thing replaced: by a count.
    page.add_init_script("window.print = function () { var html = window.top.document.documentElement;"
                         " html.dataset.prints = String(Number(html.dataset.prints || 0) + 1); };")
    page.locator("#print-all").click()
    expect(page.locator("[data-print-frame]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-prints", "1")  # once, when the PDF has loaded
    expect(page.locator("#forms-frame")).to_have_attribute("src", re.compile(r"bundle\.pdf\?forms=all&inline=1$"))
    axe(page)
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(BytesIO(pdf)).pages]
    assert len(pages) == 2
    new_address = "東京都板橋区高島平一丁目2番3号"
    for text in pages:
        assert RESIDENT["name"] in text and new_address in text and "昭和52年4月1日" in text
    move_form, nhi_form = pages
    assert RESIDENT["address"] in move_form  # the card's address is the one before the move
    assert RESIDENT["address"] not in nhi_form  # the ward's NHI form wants the address in the ward
    prefill = StepPrefill.objects.get(step=serving_step)
    # Each PDF made counts: the one framed for the print dialog and the one downloaded.
    assert (prefill.capture_source, prefill.captured_here, prefill.print_count) == ("card", True, 2)

    # The visit moves on: the next counter sees the identity without asking again.
    from madoguchi.accounts.tests.factories import UserFactory
    from madoguchi.core.roles import Role
    from madoguchi.reception import services as reception

    following = reception.step_complete(step=serving_step, clerk=clerk).following
    next_clerk = UserFactory(role=Role.COUNTER)
    next_clerk.counters.set([following.counter])
    reception.step_call_next(counter=following.counter, clerk=next_clerk)
    next_page, _requests = logged_page(browser, live_server, next_clerk)
    next_page.goto(f"/staff/visits/{serving_step.visit_id}/forms/")
    assert RESIDENT["name"] in next_page.locator("#identity").inner_text()
    assert not next_page.locator("#identity-entry").evaluate("details => details.open")
    axe(next_page)


def test_the_pin_goes_only_to_the_local_agent_and_a_wrong_one_is_never_retried(
        browser, live_server, axe, agent, clerk, serving_step):
    server, card = agent
    page, requests = logged_page(browser, live_server, clerk)
    open_forms_page_from_the_console(page, serving_step.visit)
    expect(page.locator("#pin-tries")).to_contain_text("3")

    enter_pin(page, "0000")
    expect(page.locator("#pin-tries")).to_contain_text("2")
    assert "暗証番号" in page.locator("#card-status").inner_text()
    time.sleep(1)  # time for a retry to happen, if the page ever made one
    assert card.verify_attempts == 1 and card.tries_left == 2
    assert page.locator("#pin-input").input_value() == ""
    axe(page)

    enter_pin(page, PIN)
    page.wait_for_selector("#card-facts:not([hidden])")
    assert card.verify_attempts == 2

    to_agent = [r for r in requests if r[0].startswith(server.url)]
    to_server = [r for r in requests if r[0].startswith(live_server.url)]
    assert any(PIN in body for _url, body, _headers in to_agent)
    assert to_server, "the page's own requests were logged"
    for url, body, headers in to_server:
        assert PIN not in url and PIN not in body and PIN not in headers, url

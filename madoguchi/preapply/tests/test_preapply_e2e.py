"""In Debian's Chromium: a resident fills a move-in pre-application on a phone, reception scans its code
(a handheld scanner types the text and Enter), the visit is registered with its identity and
procedures, and its forms print filled in. Booking, finding and cancelling an appointment on the phone,
and checking in at the kiosk. Every page on the way is checked with axe-core (WCAG 2.1 AA).

UI text is found by structure (ids, names), so the tests hold as the translations arrive.
"""

import re
from io import BytesIO
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.counters.tests.test_flow_e2e import context_for
from madoguchi.preapply.models import Appointment
from madoguchi.prefill.models import VisitIdentity
from madoguchi.reception.models import Visit

from .conftest import HOUSEHOLD, MOVE_ANSWERS, RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAVIGATOR_CODE = "MDGNAV1|move_in|2025-11-20|juki.move_in,nhi.enroll"


def fill_member(page, index: int, member: dict) -> None:
    for name in ("name", "name_kana", "birth_date", "relationship"):
        page.fill(f"#id_household-{index}-{name}", member[name])
    page.select_option(f"#id_household-{index}-sex", str(member["sex"]))


def test_a_move_in_pre_application_from_the_phone_to_the_printed_forms(phone_page, browser, live_server, axe,
                                                                        starter_catalog, office_keys):
    page = phone_page
    page.goto(f"/preapply/?nav={quote(NAVIGATOR_CODE)}")
    assert page.locator("#p-juki\\.move_in").is_checked() and page.locator("#p-nhi\\.enroll").is_checked()
    axe(page)
    page.locator("#to-form").click()
    page.wait_for_selector("#make-code")
    axe(page)

    for name in ("name", "name_kana", "birth_date", "postal_code"):
        page.fill(f"#id_{name}", str(RESIDENT[name]))
    page.select_option("#id_sex", "1")
    page.fill("#id_address", RESIDENT["address"])
    fill_member(page, 0, HOUSEHOLD[0])
    page.select_option("#id_answers-move_kind", MOVE_ANSWERS["move_kind"])
    page.fill("#id_answers-moved_on", MOVE_ANSWERS["moved_on"])
    page.fill("#id_answers-new_address", MOVE_ANSWERS["new_address"])
    page.fill("#id_answers-phone", MOVE_ANSWERS["phone"])
    page.select_option("#id_answers-nhi_kind", MOVE_ANSWERS["nhi_kind"])
    page.fill("#id_answers-nhi_changed_on", "令和7年11月20日")
    page.select_option("#id_answers-nhi_reason", MOVE_ANSWERS["nhi_reason"])
    page.locator("#add-member").click()  # a second person: the page comes back with what was typed
    page.wait_for_selector("#id_household-1-name")
    assert page.locator("#id_household-0-name").input_value() == HOUSEHOLD[0]["name"]
    fill_member(page, 1, HOUSEHOLD[1])

    page.fill("#id_answers-moved_on", "R7.13.40")  # a date that does not exist: refused, beside its field
    page.locator("#make-code").click()
    page.wait_for_selector("#error-summary")
    assert page.locator("a[href='#id_answers-moved_on']").count() == 1
    axe(page)
    page.fill("#id_answers-moved_on", MOVE_ANSWERS["moved_on"])
    page.locator("#make-code").click()
    page.wait_for_selector(".preapply-qr svg")
    axe(page)
    texts = page.locator(".preapply-qr").evaluate_all("codes => codes.map(c => c.dataset.code)")
    assert texts and all(t.startswith("MDGPRE1:") for t in texts)
    assert not Visit.objects.exists() and not VisitIdentity.objects.exists()

    # Reception: the scanner types each code's text into the focused field and presses Enter.
    clerk = UserFactory(role=Role.RECEPTION)
    reception = context_for(browser, live_server, clerk, accept_downloads=True).new_page()
    reception.goto("/staff/reception/")
    reception.locator("#preapplication-link").click()
    reception.wait_for_selector("#id_code")
    axe(reception)
    for text in texts:
        reception.locator("#id_code").focus()
        reception.keyboard.insert_text(text)
        reception.keyboard.press("Enter")
        reception.wait_for_load_state()
    reception.wait_for_selector("#pre-identity")
    assert RESIDENT["name"] in reception.locator("#pre-identity").inner_text()
    codes = reception.locator("#pre-procedures li").evaluate_all("items => items.map(i => i.dataset.code)")
    assert codes == ["juki.move_in", "nhi.enroll"]
    axe(reception)
    reception.locator("#register-preapplication").click()
    reception.wait_for_url(re.compile(r"/staff/visits/\d+/sheet/"))

    visit = Visit.objects.get()
    assert visit.channel == "preapplication" and visit.ticket_number.startswith("P-")
    assert {p.code for s in visit.steps.all() for p in s.procedures.all()} == {"juki.move_in", "nhi.enroll"}
    identity = VisitIdentity.objects.get(visit=visit)
    assert (identity.source, identity.name) == ("preapplication", RESIDENT["name"])
    assert [m["name"] for m in identity.household] == [HOUSEHOLD[0]["name"], HOUSEHOLD[1]["name"]]

    response = reception.context.request.get(f"/staff/visits/{visit.pk}/forms/bundle.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(BytesIO(response.body())).pages]
    assert len(pages) == 2
    for text in pages:
        assert RESIDENT["name"] in text and "昭和52年4月1日" in text and visit.ticket_number in text
    assert MOVE_ANSWERS["new_address"] in pages[0] and HOUSEHOLD[1]["name"] in pages[0]


def test_booking_finding_and_cancelling_on_the_phone_and_checking_in_at_the_kiosk(
        phone_page, browser, live_server, axe, starter_catalog):
    page = phone_page
    page.goto("/appointments/")
    axe(page)
    page.locator("a[href='/appointments/moving/']").click()
    page.wait_for_selector("input[name=starts_at]")
    axe(page)
    page.locator("input[name=starts_at]").first.check()
    page.check("#bp-juki\\.move_in")
    page.fill("#id_contact", "090-1234-5678")
    page.locator("#book").click()
    page.wait_for_selector("#booking-code")
    axe(page)
    code = page.locator("#booking-code").inner_text().strip()
    appointment = Appointment.objects.get()
    assert code == appointment.reference_display and code not in page.url

    page.goto("/appointments/manage/")
    axe(page)
    page.fill("#id_reference", code)
    page.locator("#find").click()
    page.wait_for_selector("#booking")
    axe(page)
    page.locator("#change").click()
    page.wait_for_selector("input[name=starts_at]")
    axe(page)
    page.goto("/appointments/manage/")
    page.fill("#id_reference", code)
    page.locator("#find").click()
    page.locator("#cancel").click()
    expect(page.locator("#confirm-cancel")).to_be_visible()
    axe(page)
    page.locator("#keep").click()  # changed their mind: the booking stays
    expect(page.locator("#booking")).to_be_visible()
    assert Appointment.objects.get().status == Appointment.Status.BOOKED
    page.locator("#cancel").click()
    page.locator("#cancel-confirmed").click()
    page.wait_for_selector("#manage-message")
    axe(page)
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED
    # The day is written the Japanese way on the phone's Japanese page: 12月2日（水）.
    assert re.search(r"\d{1,2}月\d{1,2}日（[月火水木金土日]）", page.locator("#booking").inner_text())

    kiosk = context_for(browser, live_server, UserFactory(role=Role.KIOSK)).new_page()
    kiosk.goto("/kiosk/")
    kiosk.locator("a[href='/kiosk/appointment/']").click()
    kiosk.wait_for_selector("#id_reference")
    axe(kiosk)
    kiosk.fill("#id_reference", code)
    kiosk.locator("#check-in").click()
    kiosk.wait_for_selector("#checkin-error")  # cancelled: it cannot check in
    axe(kiosk)


def test_the_staff_appointment_page_is_accessible(page, browser, live_server, axe, starter_catalog):
    clerk = context_for(browser, live_server, UserFactory(role=Role.RECEPTION)).new_page()
    clerk.goto("/staff/appointments/")
    axe(clerk)

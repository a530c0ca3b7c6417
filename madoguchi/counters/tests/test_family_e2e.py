"""A family moving in from Osaka, end to end through the staff screens, in Japanese and once in English:
reception registers the move-in with its date → the move desk calls them, types the identity (the
Osaka address is the one before the move), the new address in the ward, prints its form, hands on with
a memo → health insurance → child allowance, each calling the family, reading the memo and printing its
own form. The PDFs are read back: every form carries the right address."""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.models import Visit
from madoguchi.reception.tests.browser import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSAKA = "大阪府大阪市北区中之島一丁目3番20号"
ITABASHI = "東京都板橋区高島平一丁目2番3号"
PROCEDURES = ("juki.move_in", "nhi.enroll", "kosodate.child_allowance")


def pdf_text(page, visit: Visit, scope: str) -> list[str]:
    response = page.request.get(f"/staff/visits/{visit.pk}/forms/bundle.pdf?forms={scope}")
    assert response.ok, response.status
    return [p.extract_text().replace("\n", "") for p in PdfReader(BytesIO(response.body())).pages]


def serve(page, counter: str, english: bool):
    page.goto(f"/staff/counters/{counter}/")
    if english:
        page.get_by_role("button", name="English").click()
    page.locator("button[accesskey=n]").click()
    page.locator("button[accesskey=s]").click()
    expect(page.locator(".current-card .badge")).to_have_text(re.compile("Being served|対応中"))


def hand_on(page, counter: str, memo: str, axe):
    page.goto(f"/staff/counters/{counter}/")
    page.locator("textarea[name=memo]").fill(memo)
    axe(page)
    page.locator("button[accesskey=c]").click()
    expect(page.locator(".messages")).to_be_visible()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_family_moving_in_from_osaka(browser, live_server, axe, starter_catalog, language):
    english = language == "en"
    locale = "en-US" if english else "ja-JP"
    reception = staff_page(browser, live_server, UserFactory(role=Role.RECEPTION), locale=locale)
    reception.goto("/staff/reception/")
    if english:
        reception.get_by_role("button", name="English").click()
    reception.goto("/staff/reception/?life_event=move_in")
    for code in PROCEDURES:
        reception.locator(f"input[name=procedures][value='{code}']").check()
    reception.locator("#id_event_date").fill("2026-11-28")
    reception.locator("#register-bar button").click()
    expect(reception).to_have_url(re.compile(r"/staff/visits/\d+/sheet/"))
    visit = Visit.objects.get()
    assert visit.event_date.isoformat() == "2026-11-28"

    # The move desk: identity (the card's address is Osaka: before the move) and the new address.
    move = staff_page(browser, live_server, UserFactory(role=Role.COUNTER, counters=["koseki-move"]), locale=locale)
    serve(move, "koseki-move", english)
    move.locator("#prefill-link").click()
    move.fill("#id_name", "大阪　太郎")
    move.fill("#id_name_kana", "オオサカ　タロウ")
    move.fill("#id_birth_date", "1985-05-05")
    move.select_option("#id_sex", "1")
    move.fill("#id_postal_code", "530-0005")
    move.fill("#id_address", OSAKA)
    move.check("#id_applicant_listed")
    move.fill("#id_household-0-name", "大阪　花子")
    move.fill("#id_household-0-birth_date", "1987-07-07")
    move.select_option("#id_household-0-sex", "2")
    move.fill("#id_household-0-relationship", "妻")
    move.fill("#id_household-1-name", "大阪　一郎")
    move.fill("#id_household-1-birth_date", "2020-01-10")
    move.select_option("#id_household-1-sex", "1")
    move.fill("#id_household-1-relationship", "子")
    move.locator("#identity-save").click()
    move.wait_for_url(re.compile(r"#answers$"))
    expect(move.locator("#id_answers-moved_on")).not_to_have_value("")  # the date reception was told
    move.fill("#id_answers-new_address", ITABASHI)
    move.locator("#answers-save").click()
    expect(move.locator("#print-mine")).to_be_visible()
    axe(move)
    (move_form,) = pdf_text(move, visit, "mine")
    assert OSAKA in move_form and ITABASHI in move_form  # before and after the move, each in its place
    hand_on(move, "koseki-move", "転入届受理済み。大阪市から。世帯主・妻・子の3人", axe)

    # Two more counters, in the order routing chose: each reads the memo and prints its own form.
    clerk = UserFactory(role=Role.COUNTER, counters=["kokuho", "kosodate"])
    for _ in range(2):
        step = visit.steps.select_related("counter").get(status="queued")
        page = staff_page(browser, live_server, clerk, locale=locale)
        serve(page, step.counter.code, english)
        expect(page.locator("#memos")).to_contain_text("大阪市から")
        name = step.counter.name_en if english else step.counter.name_ja
        expect(page.locator("#visit-route [aria-current=step]")).to_contain_text(name)
        axe(page)
        page.locator("#prefill-link").click()
        if step.counter.code == "kosodate":
            page.select_option("#id_answers-pension_type", "厚生年金")
            page.fill("#id_answers-bank_name", "いたばし銀行")
            page.fill("#id_answers-branch_name", "高島平支店")
            page.select_option("#id_answers-account_type", "普通")
            page.fill("#id_answers-account_number", "1234567")
            page.locator("#answers-save").click()
        expect(page.locator("#print-mine")).to_be_visible()
        axe(page)
        (form,) = pdf_text(page, visit, "mine")
        assert ITABASHI in form, step.counter.code  # the address in the ward, never only Osaka's
        if step.counter.code == "kokuho":
            assert OSAKA not in form  # the ward's NHI form: the address now
        else:
            assert OSAKA in form  # the child allowance form also asks the address before the move
        hand_on(page, step.counter.code, "", axe)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE

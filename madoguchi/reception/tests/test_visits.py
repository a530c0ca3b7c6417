"""Today's visits: search by ticket, status and counter; the whole route; the lost route sheet; scope and audit."""

import re

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory, logged_in
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.tests.browser import staff_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(site):
    """Three visits: a move-in (three counters), a certificate, a second certificate."""
    move = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"], needs=["wheelchair"])
    cert = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    other = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    return move, cert, other


def tickets(body: str) -> set[str]:
    return set(re.findall(r'<th scope="row"><a href="/staff/visits/\d+/">([A-Z]+-\d+)</a>', body))


def test_reception_finds_a_visit_by_its_number_typed_any_way(client, day):
    logged_in(client, Role.RECEPTION)
    _move, cert, _other = day
    assert tickets(client.get("/staff/visits/").content.decode()) == {v.ticket_number for v in day}
    number = int(cert.ticket_number.split("-")[1])
    for typed in (cert.ticket_number, cert.ticket_number.lower(), str(number), f"{number:03d}".translate(
            str.maketrans("0123456789", "０１２３４５６７８９"))):
        assert tickets(client.get("/staff/visits/", {"ticket": typed}).content.decode()) == {cert.ticket_number}


def test_search_by_status_and_counter(client, day):
    logged_in(client, Role.RECEPTION)
    move, cert, _other = day
    services.step_call_next(counter=Counter.objects.get(code="koseki-cert"), clerk=None)
    called = tickets(client.get("/staff/visits/", {"status": "called"}).content.decode())
    assert called == {cert.ticket_number}
    kokuho = Counter.objects.get(code="kokuho")
    assert tickets(client.get("/staff/visits/", {"counter": kokuho.pk}).content.decode()) == {move.ticket_number}


def test_a_counter_clerk_sees_only_the_visits_of_their_counters(client, day):
    move, cert, _other = day
    logged_in(client, Role.COUNTER, counters=["kokuho"])
    assert tickets(client.get("/staff/visits/").content.decode()) == {move.ticket_number}
    assert client.get(f"/staff/visits/{cert.pk}/").status_code == 404
    assert client.get(f"/staff/visits/{cert.pk}/sheet/").status_code == 404
    assert client.get(f"/staff/visits/{move.pk}/sheet/").status_code == 200


def test_the_whole_route_shows_memos_and_is_logged(client, day):
    move, _cert, _other = day
    user = logged_in(client, Role.RECEPTION)
    step = services.step_call_next(counter=Counter.objects.get(code="koseki-move"), clerk=None)
    services.step_start(step=step, clerk=None)
    services.step_complete(step=step, clerk=None, memo="転入届受理済み。国保は世帯主のみ")
    body = client.get(f"/staff/visits/{move.pk}/").content.decode()
    assert "転入届受理済み" in body and "国民健康保険" in body
    access = PersonalDataAccess.objects.get(subject_id=str(move.pk))
    assert access.actor == user and "handoff_memo" in access.fields


def test_the_list_is_closed_to_devices_and_strangers(client, day):
    assert client.get("/staff/visits/").status_code in (302, 403)
    logged_in(client, Role.KIOSK)
    assert client.get("/staff/visits/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reception_reprints_a_lost_route_sheet_from_todays_visits(browser, live_server, axe, starter_catalog):
    site = Site.objects.get(code="honcho")
    move = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"], needs=["hearing"])
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    page = staff_page(browser, live_server, UserFactory(role=Role.RECEPTION))
    page.goto("/staff/visits/")
    axe(page)
    page.get_by_label("受付番号").fill(move.ticket_number)
    page.get_by_role("button", name="検索").click()
    expect(page.locator("#visits tbody tr")).to_have_count(1)
    axe(page)
    page.get_by_role("link", name=move.ticket_number, exact=True).click()
    expect(page.locator("#route li")).to_have_count(2)  # the move desk, then health insurance
    expect(page.locator("#route")).to_contain_text("国民健康保険")
    axe(page)
    page.locator("#reprint").click()
    expect(page).to_have_url(re.compile(rf"/staff/visits/{move.pk}/sheet/"))
    expect(page.locator("#sheet-title")).to_contain_text(move.ticket_number)
    axe(page)

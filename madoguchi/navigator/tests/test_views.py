"""The navigator's pages with Django's test client: public questionnaire and result, staff pages."""

import re
from html import unescape

import pytest
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core import qr
from madoguchi.navigator.models import NavigatorUsage
from madoguchi.navigator.qr import decode_selection

pytestmark = pytest.mark.django_db

FAMILY = {
    "event_year": "2026", "event_month": "4", "event_day": "1", "moved_from": "other_prefecture", "members": "3",
    "m0-relation": "self", "m0-age": "38", "m0-insurance": "employee", "m0-has_mynumber_card": "1",
    "m0-asked": "insurance,has_mynumber_card,disability_certificate,civil_servant",
    "m1-relation": "spouse", "m1-age": "36", "m1-insurance": "employee",
    "m1-asked": "insurance,has_mynumber_card,disability_certificate,civil_servant",
    "m2-relation": "child", "m2-age": "7", "m2-insurance": "employee",
    "m2-asked": "insurance,has_mynumber_card,disability_certificate",
}
FAMILY_REQUIRED = ["juki.move_in", "mynumber.card_update", "kosodate.child_allowance", "kosodate.child_medical",
                   "gakumu.school_transfer"]


@pytest.fixture
def client(starter_catalog):
    return Client()


@pytest.fixture
def english_client(client):
    """For the tests that read the page's own wording (Japanese is the default)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def qr_text_of(response) -> str:
    return unescape(re.search(r'<code id="qr-text">([^<]*)</code>', response.content.decode()).group(1))


def test_the_start_page_offers_every_life_event(client):
    response = client.get("/navigator/")
    assert response.status_code == 200
    for code in ("move_in", "move_out", "move_within", "birth", "death", "marriage", "divorce"):
        assert f'href="/navigator/{code}/"' in response.content.decode()


def test_the_questionnaire_starts_with_the_date_where_from_and_you(client):
    content = client.get("/navigator/move_in/").content.decode()
    assert 'name="event_year"' in content
    assert 'name="moved_from"' in content
    assert '<option value="self" selected>' in content
    assert 'name="m0-insurance"' not in content  # no age yet: no further questions


def test_an_unknown_life_event_is_not_found(client):
    assert client.get("/navigator/lottery/").status_code == 404


def test_adding_a_person_shows_a_second_block_focused_on_its_relation(client):
    response = client.post("/navigator/move_in/", {"members": "1", "m0-relation": "self", "action": "add"})
    content = response.content.decode()
    assert 'name="m1-relation"' in content
    assert re.search(r'<select id="q-m1-relation"[^>]* autofocus', content)


def test_an_htmx_request_gets_only_the_household_part_and_a_status_message(english_client):
    response = english_client.post("/navigator/move_in/", {"members": "1", "m0-relation": "self", "action": "add"},
                           headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<div id="household-members">')
    assert 'hx-swap-oob="true">Person 2 added.</p>' in content


def test_a_changed_answer_returns_only_the_questions_of_the_people_it_changed(client):
    response = client.post("/navigator/move_in/", {**FAMILY, "m2-age": "3"},
                           headers={"HX-Request": "true", "HX-Trigger": "q-m2-age"})
    content = response.content.decode()
    assert re.findall(r'<div id="(m\d-further)"[^>]*hx-swap-oob="true"', content) == ["m2-further"]
    assert 'name="m2-attends_nursery"' in content
    assert 'name="m0-relation"' not in content  # nothing the visitor may be typing in is replaced


def test_new_questions_take_the_focus_and_are_announced(english_client):
    response = english_client.post("/navigator/move_in/", {**FAMILY, "m2-age": "3"},
                           headers={"HX-Request": "true", "HX-Trigger": "q-m2-age"})
    content = response.content.decode()
    assert re.search(r'id="q-m2-attends_nursery"[^>]* autofocus', content)
    assert 'hx-swap-oob="true">New questions for person 3.</p>' in content


def test_removing_a_person_keeps_the_others(client):
    response = client.post("/navigator/move_in/", {
        "members": "3", "m0-relation": "self", "m1-relation": "spouse", "m2-relation": "child", "action": "remove-1",
    })
    content = response.content.decode()
    assert 'name="m2-relation"' not in content
    assert re.search(r'<select id="q-m1-relation"[^>]*>\s*(<option[^>]*>[^<]*</option>)*'
                     r'<option value="child" selected>', content)


def test_a_childs_age_brings_the_childs_own_questions_only(client):
    response = client.post("/navigator/move_in/", {
        "members": "2", "m0-relation": "self", "m0-age": "38", "m1-relation": "child", "m1-age": "7",
    })
    content = response.content.decode()
    assert 'name="m1-insurance"' in content
    assert 'name="m1-civil_servant"' not in content
    assert 'name="m0-civil_servant"' in content


def test_the_result_lists_the_procedures_with_reasons_counters_and_deadlines(client):
    content = client.post("/navigator/move_in/result/", FAMILY).content.decode()
    for code in FAMILY_REQUIRED:
        assert f'id="p-{code}"' in content
    assert "お子さん（7歳）は義務教育の年齢（6〜14歳）" in content
    assert '<time datetime="2026-04-16"' in content  # child allowance: 15 days after moving in
    assert "nhi.enroll" not in content


def test_the_qr_code_holds_the_required_procedures(client):
    response = client.post("/navigator/move_in/result/", FAMILY)
    selection = decode_selection(qr_text_of(response))
    assert selection.life_event == "move_in"
    assert list(selection.procedure_codes) == FAMILY_REQUIRED


def test_the_qr_image_encodes_the_text_shown(client):
    response = client.post("/navigator/move_in/result/", FAMILY)
    assert qr.svg(qr_text_of(response), css_class="nav-qr__code", scale=5) in response.content.decode()


def test_ticking_procedures_changes_the_qr_code(client):
    response = client.post("/navigator/move_in/result/", {
        **FAMILY, "action": "select", "selected": ["juki.move_in", "seal.register", "not.offered"],
    })
    assert decode_selection(qr_text_of(response)).procedure_codes == ("juki.move_in", "seal.register")


def test_a_result_is_counted_once_anonymously(client):
    client.post("/navigator/move_in/result/", FAMILY)
    client.post("/navigator/move_in/result/", {**FAMILY, "action": "select", "selected": ["juki.move_in"]})
    usage = NavigatorUsage.objects.get()
    assert (usage.life_event, usage.channel, usage.count) == ("move_in", "web", 1)


def test_nothing_about_the_household_is_kept_in_a_session(client):
    client.post("/navigator/move_in/result/", FAMILY)
    assert "sessionid" not in client.cookies


def test_a_missing_answer_brings_back_the_questionnaire_with_a_summary(client):
    response = client.post("/navigator/move_in/result/", {**FAMILY, "m2-age": ""})
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert 'href="#q-m2-age"' in content
    assert not NavigatorUsage.objects.exists()


def test_answers_that_bring_new_questions_are_asked_before_the_result(english_client):
    response = english_client.post("/navigator/move_in/result/", {**FAMILY, "m2-age": "3"})
    content = response.content.decode()
    assert "New questions appeared for this person" in content
    assert 'name="m2-attends_nursery"' in content


def test_the_result_page_reached_by_get_goes_back_to_the_questions(client):
    response = client.get("/navigator/move_in/result/")
    assert response.status_code == 302
    assert response["Location"] == "/navigator/move_in/"


def test_changing_the_answers_keeps_them(client):
    response = client.post("/navigator/move_in/", {**FAMILY, "action": "edit"})
    assert 'value="36"' in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Your child (7): of compulsory school age (6–14)"),
    ("ja-easy", "こども（7さい） は しょうがっこう・ちゅうがっこう の としです。"),
])
def test_the_result_speaks_the_visitors_language(client, language, text):
    client.cookies["django_language"] = language
    assert text in client.post("/navigator/move_in/result/", FAMILY).content.decode()


def test_a_kiosk_device_is_counted_as_the_kiosk(client):
    client.force_login(UserFactory(role="kiosk"))
    client.post("/navigator/move_in/result/", FAMILY)
    assert NavigatorUsage.objects.get().channel == "kiosk"


@pytest.mark.parametrize("role", ["reception", "counter", "supervisor"])
def test_reception_and_counter_clerks_run_the_staff_navigator(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/staff/navigator/move_in/").status_code == 200


def test_the_staff_navigator_is_not_for_devices(client):
    client.force_login(UserFactory(role="kiosk"))
    assert client.get("/staff/navigator/").status_code == 403


def test_the_staff_navigator_needs_a_login(client):
    assert client.get("/staff/navigator/").status_code == 302


def test_the_staff_result_ends_with_the_selected_codes(client):
    client.force_login(UserFactory(role="reception"))
    response = client.post("/staff/navigator/move_in/result/", {
        **FAMILY, "action": "select", "selected": ["juki.move_in", "gakumu.school_transfer"],
    })
    assert '<output id="selected-codes" data-codes="juki.move_in,gakumu.school_transfer">' in response.content.decode()


def test_the_staff_navigator_is_counted_as_staff(client):
    client.force_login(UserFactory(role="counter"))
    client.post("/staff/navigator/move_in/result/", FAMILY)
    assert NavigatorUsage.objects.get().channel == "staff"

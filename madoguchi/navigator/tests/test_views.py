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
    return unescape(re.search(r'data-qr-text="([^"]*)"', response.content.decode()).group(1))


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
    assert "お子さん（7歳）は義務教育の年齢（小学1年〜中学3年）" in content
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
    ("en", "Your child (7): of compulsory school age (elementary or junior high school)"),
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


# --- issue 13: several events, birth dates, questions about the situation before the event ------


def test_the_start_page_offers_several_events_at_once(client):
    content = client.get("/navigator/").content.decode()
    assert 'name="events" value="marriage"' in content
    assert 'href="/navigator/job_leave/"' in content


def test_ticking_several_events_leads_to_one_questionnaire_in_the_catalogues_order(client):
    response = client.get("/navigator/", {"events": ["move_in", "marriage"]})
    assert response.status_code == 302
    assert response["Location"] == "/navigator/move_in+marriage/"


def test_ticking_nothing_says_so_next_to_the_events(english_client):
    content = english_client.get("/navigator/", {"events": ""}).content.decode()
    assert "Tick at least one event." in content


def test_a_questionnaire_for_two_events_asks_what_both_need(english_client):
    content = english_client.get("/navigator/marriage+move_in/").content.decode()
    assert 'name="moved_from"' in content
    assert "Moving into the ward, A marriage" in content
    assert "If they happened on different days, give the earliest" in content


def test_an_unknown_event_among_several_is_not_found(client):
    assert client.get("/navigator/marriage+lottery/").status_code == 404


def test_the_result_of_two_events_lists_each_procedure_once_and_the_qr_names_both(client):
    form = {**FAMILY, "m0-asked": FAMILY["m0-asked"] + ",single_parent_allowance,name_changes",
            "m1-asked": FAMILY["m1-asked"] + ",single_parent_allowance,name_changes",
            "m2-asked": FAMILY["m2-asked"] + ",name_changes"}
    response = client.post("/navigator/move_in+marriage/result/", form)
    content = response.content.decode()
    assert content.count('id="p-juki.move_in"') == 1
    assert 'id="p-koseki.marriage"' in content
    assert decode_selection(qr_text_of(response)).life_events == ("move_in", "marriage")
    assert NavigatorUsage.objects.get().life_event == "move_in+marriage"


def test_the_insurance_question_asks_for_the_situation_before_the_event(english_client):
    content = english_client.post("/navigator/move_in/", {"members": "1", "m0-relation": "self", "m0-age": "38",
                                                          "moved_from": "abroad"}).content.decode()
    assert "Health insurance before the event" in content
    assert "As it was just before the event" in content
    assert "ends with this event" not in content
    assert 'value="employee_dependent"' in content


def test_moving_in_from_abroad_asks_the_nationality(client):
    content = client.post("/navigator/move_in/", {"members": "1", "m0-relation": "self", "m0-age": "38",
                                                  "moved_from": "abroad"}).content.decode()
    assert 'name="m0-nationality"' in content


def test_moving_in_from_elsewhere_in_japan_does_not_ask_the_nationality(client):
    content = client.post("/navigator/move_in/", {"members": "1", "m0-relation": "self", "m0-age": "38",
                                                  "moved_from": "other_prefecture"}).content.decode()
    assert 'name="m0-nationality"' not in content


def test_the_birth_date_is_asked_only_when_the_age_cannot_tell_the_school_year(client):
    base = {"event_year": "2026", "event_month": "6", "event_day": "1", "members": "2", "m0-relation": "self",
            "m0-age": "40", "m1-relation": "child"}
    assert 'name="m1-birth_year"' in client.post("/navigator/move_within/", {**base, "m1-age": "15"}).content.decode()
    assert 'name="m1-birth_year"' not in client.post("/navigator/move_within/",
                                                     {**base, "m1-age": "10"}).content.decode()


MOVE_WITHIN_15 = {
    "event_year": "2026", "event_month": "6", "event_day": "1", "members": "2",
    "m0-relation": "self", "m0-age": "40", "m0-asked": "has_mynumber_card,disability_certificate",
    "m1-relation": "child", "m1-age": "15", "m1-asked": "birth_date,has_mynumber_card,disability_certificate",
}


def test_without_the_birth_date_the_result_says_what_it_assumed(english_client):
    content = english_client.post("/navigator/move_within/result/", MOVE_WITHIN_15).content.decode()
    assert 'id="p-gakumu.school_transfer"' in content
    assert "the age alone does not tell the school year, so this assumes elementary or junior high school" in content


def test_with_the_birth_date_the_school_year_is_known(english_client):
    form = {**MOVE_WITHIN_15, "m1-birth_year": "2010", "m1-birth_month": "6", "m1-birth_day": "2"}
    content = english_client.post("/navigator/move_within/result/", form).content.decode()
    assert 'id="p-gakumu.school_transfer"' not in content  # 16 on 2026-06-02: left junior high in March


def test_a_birth_date_that_does_not_fit_the_age_is_refused(english_client):
    form = {**MOVE_WITHIN_15, "m1-birth_year": "2005", "m1-birth_month": "1", "m1-birth_day": "1"}
    content = english_client.post("/navigator/move_within/result/", form).content.decode()
    assert 'href="#q-m1-birth_year"' in content
    assert "someone born on this day has another age" in content


def test_a_death_asks_the_survivors_insurance(client):
    content = client.post("/navigator/death/", {
        "members": "2", "m0-relation": "spouse", "m0-age": "50", "m0-deceased": "1", "m1-relation": "self",
        "m1-age": "48"}).content.decode()
    assert 'name="m1-insurance"' in content
    assert 'name="m0-pension_recipient"' in content


def test_the_householder_is_asked_only_when_two_people_of_15_or_over_remain(client):
    base = {"members": "3", "m0-relation": "spouse", "m0-age": "50", "m0-deceased": "1", "m1-relation": "self",
            "m1-age": "48", "m2-relation": "child"}
    assert 'name="m0-householder"' in client.post("/navigator/death/", {**base, "m2-age": "17"}).content.decode()
    assert 'name="m0-householder"' not in client.post("/navigator/death/", {**base, "m2-age": "12"}).content.decode()


def test_a_move_out_asks_who_stays(english_client):
    content = english_client.get("/navigator/move_out/").content.decode()
    assert 'name="m0-stays"' in content
    assert "also those who stay at the current address" in content


def test_a_fee_note_shows_beside_the_fee(client):
    form = {"event_year": "2026", "event_month": "4", "event_day": "1", "members": "2",
            "m0-relation": "parent", "m0-age": "85", "m0-deceased": "1",
            "m0-asked": "insurance,householder,disability_certificate,pension_recipient,resident_taxpayer",
            "m0-insurance": "late_stage", "m1-relation": "self", "m1-age": "55", "m1-asked": "insurance",
            "m1-insurance": "employee"}
    content = client.post("/navigator/death/result/", form).content.decode()
    assert "除籍・改製原戸籍の証明は750円" in content

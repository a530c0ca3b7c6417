"""POST /api/v1/navigator/evaluate: public, strict about its input, rate-limited, documented."""

import pytest
from django.test import Client

from madoguchi.navigator.api import EVALUATE_RATE
from madoguchi.navigator.models import NavigatorUsage

pytestmark = pytest.mark.django_db
URL = "/api/v1/navigator/evaluate"

ISSUE_EXAMPLE = {
    "life_event": "move_in", "event_date": "2026-04-01", "moved_from": "other_prefecture",
    "household": [{
        "relation": "self", "age": 38, "insurance": "employee", "has_mynumber_card": True,
        "disability_certificate": False, "care_certified": False, "attends_nursery": False, "civil_servant": False,
        "pension_recipient": False, "resident_taxpayer": False, "name_changes": False, "deceased": False,
        "newborn": False,
    }],
}
FAMILY = {
    "life_event": "move_in", "event_date": "2026-04-01", "moved_from": "other_prefecture",
    "household": [{"relation": "self", "age": 38, "insurance": "employee"},
                  {"relation": "spouse", "age": 36, "insurance": "employee"},
                  {"relation": "child", "age": 7, "insurance": "employee"}],
}


@pytest.fixture
def client(starter_catalog):
    return Client()


def post(client, body, *, ip="192.0.2.1", **headers):
    return client.post(URL, body, content_type="application/json", headers=headers, REMOTE_ADDR=ip)


def test_the_issues_example_lists_its_procedures(client):
    response = post(client, ISSUE_EXAMPLE)
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["procedures"]] == [
        "juki.move_in", "mynumber.card_update", "seal.register", "cert.juminhyo",
    ]


def test_each_procedure_says_what_where_why_and_by_when(client):
    procedures = {p["code"]: p for p in post(client, FAMILY).json()["procedures"]}
    allowance = procedures["kosodate.child_allowance"]
    assert allowance == {
        "code": "kosodate.child_allowance", "name": "児童手当 認定請求・額改定", "required": True,
        "reasons": ["お子さん（7歳）は18歳になった後の最初の3月31日までの子どもです。児童手当は転入した日の翌日から"
                    "15日以内に、育てている方が新しく申請します（前の市区町村からは引き継がれません）。"],
        "department": {"code": "kosodate", "name": "子育て支援課"},
        "counter": {"code": "kosodate", "name": "児童手当・子ども医療", "site": "区役所本庁舎", "floor": 3,
                    "number": "21"},
        "documents": ["請求者名義の振込先口座", "本人確認書類（マイナンバーカード・運転免許証・在留カードなど）"],
        "fee_yen": 0, "fee_note": "", "deadline": "2026-04-16", "online": "https://app.oss.myna.go.jp/",
    }


def test_optional_procedures_are_marked_not_required(client):
    procedures = {p["code"]: p for p in post(client, FAMILY).json()["procedures"]}
    assert procedures["seal.register"]["required"] is False


def test_english_is_given_when_asked_for(client):
    procedures = {p["code"]: p for p in post(client, FAMILY, **{"Accept-Language": "en"}).json()["procedures"]}
    assert procedures["gakumu.school_transfer"]["name"] == "School transfer (elementary / junior high)"
    assert procedures["gakumu.school_transfer"]["reasons"][0].startswith("Your child (7):")


def test_flags_default_to_no(client):
    body = {**FAMILY, "household": [{"relation": "self", "age": 40, "insurance": "national"}]}
    codes = [p["code"] for p in post(client, body).json()["procedures"]]
    assert "mynumber.card_update" not in codes
    assert "nhi.enroll" in codes


def test_an_unknown_field_is_refused_naming_it(client):
    response = post(client, {**FAMILY, "colour": "blue"})
    assert response.status_code == 422
    assert response.json()["field"] == "colour"


def test_an_unknown_member_field_is_refused_naming_it(client):
    body = {**FAMILY, "household": [{"relation": "self", "age": 40, "insurance": "national", "my_number": "1234"}]}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["field"] == "household.0.my_number"


def test_an_unknown_life_event_is_refused_naming_it(client):
    response = post(client, {**FAMILY, "life_event": "lottery_win"})
    assert response.status_code == 422
    assert response.json()["field"] == "life_event"
    assert "move_in" in response.json()["message"]


def test_an_unknown_insurance_is_refused_naming_it(client):
    body = {**FAMILY, "household": [{"relation": "self", "age": 40, "insurance": "private"}]}
    assert post(client, body).json()["field"] == "household.0.insurance"


def test_a_move_in_needs_where_from(client):
    body = {key: value for key, value in FAMILY.items() if key != "moved_from"}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["field"] == "moved_from"


def test_where_to_belongs_to_a_move_out_only(client):
    response = post(client, {**FAMILY, "moving_to": "abroad"})
    assert response.status_code == 422
    assert response.json()["field"] == "moving_to"


def test_an_empty_household_is_refused(client):
    assert post(client, {**FAMILY, "household": []}).status_code == 422


def test_each_evaluation_is_counted_anonymously_as_the_api(client):
    post(client, FAMILY)
    usage = NavigatorUsage.objects.get()
    assert (usage.life_event, usage.channel, usage.count) == ("move_in", "api", 1)


def test_a_client_over_the_rate_limit_is_told_to_slow_down(client):
    allowed = int(EVALUATE_RATE.split("/")[0])
    statuses = [post(client, FAMILY, ip="203.0.113.9").status_code for _ in range(allowed + 1)]
    assert statuses[:allowed] == [200] * allowed
    assert statuses[allowed] == 429


def test_the_rate_limit_is_per_client(client):
    allowed = int(EVALUATE_RATE.split("/")[0])
    for _ in range(allowed):
        post(client, FAMILY, ip="203.0.113.9")
    assert post(client, FAMILY, ip="198.51.100.7").status_code == 200


def test_the_operation_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/navigator/evaluate"]["post"]
    assert operation["tags"] == ["navigator"]
    assert "security" not in operation  # public: no login, no token


# --- issue 13: several events, birth dates, the new facts --------------------------------------


def codes_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["code"] for p in response.json()["procedures"]]


def test_several_life_events_are_evaluated_together_without_duplicates(client):
    body = {"life_events": ["marriage", "move_in"], "event_date": "2026-04-01", "moved_from": "other_prefecture",
            "household": [{"relation": "self", "age": 30, "insurance": "national", "name_changes": True,
                           "has_mynumber_card": True},
                          {"relation": "spouse", "age": 31, "insurance": "employee"}]}
    codes = codes_of(post(client, body))
    assert {"koseki.marriage", "juki.move_in", "mynumber.card_update"} <= set(codes)
    assert len(codes) == len(set(codes))


def test_several_events_are_counted_once_under_their_joined_name(client):
    post(client, {**FAMILY, "life_event": None, "life_events": ["move_in", "marriage"]})
    assert NavigatorUsage.objects.get().life_event == "move_in+marriage"


def test_one_event_either_way(client):
    body = {key: value for key, value in FAMILY.items() if key != "life_event"}
    response = post(client, body)
    assert response.status_code == 422
    assert "life_event" in response.json()["message"]
    assert post(client, {**FAMILY, "life_events": ["move_in"]}).status_code == 422  # both


def test_an_unknown_event_in_the_list_is_named(client):
    response = post(client, {**FAMILY, "life_event": None, "life_events": ["move_in", "lottery_win"]})
    assert response.status_code == 422
    assert response.json()["field"] == "life_events.1"


def test_a_birth_date_may_replace_the_age_and_tells_the_school_year(client):
    body = {"life_event": "move_within", "event_date": "2026-06-01", "household": [
        {"relation": "self", "age": 45, "insurance": "employee"},
        {"relation": "child", "birth_date": "2011-04-15", "insurance": "employee_dependent"}]}
    procedures = {p["code"]: p for p in post(client, body).json()["procedures"]}
    school = procedures["gakumu.school_transfer"]
    assert school["required"] is True
    assert school["reasons"][0].startswith("お子さん（15歳）は義務教育の年齢")


def test_with_an_age_alone_the_reason_says_what_was_assumed(client):
    body = {"life_event": "move_within", "event_date": "2026-06-01", "household": [
        {"relation": "self", "age": 45, "insurance": "employee"},
        {"relation": "child", "age": 15, "insurance": "employee_dependent"}]}
    response = post(client, body, **{"Accept-Language": "en"})
    school = {p["code"]: p for p in response.json()["procedures"]}["gakumu.school_transfer"]
    assert school["required"] is False
    assert "the age alone does not tell the school year, so this assumes elementary or junior high school" in (
        school["reasons"][0])


def test_a_member_needs_an_age_or_a_birth_date(client):
    body = {**FAMILY, "household": [{"relation": "self", "insurance": "employee"}]}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["field"] == "household.0"


def test_an_age_that_does_not_match_the_birth_date_is_named(client):
    body = {**FAMILY, "household": [{"relation": "self", "age": 40, "birth_date": "1990-01-01",
                                     "insurance": "employee"}]}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["field"] == "household.0.age"


def test_a_birth_after_the_event_is_named(client):
    body = {**FAMILY, "household": [{"relation": "self", "birth_date": "2026-05-01", "insurance": "employee"}]}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["field"] == "household.0.birth_date"


def test_nationality_takes_only_japanese_or_foreign(client):
    body = {**FAMILY, "moved_from": "abroad",
            "household": [{"relation": "self", "age": 30, "insurance": "none", "nationality": "martian"}]}
    assert post(client, body).json()["field"] == "household.0.nationality"


def test_a_foreign_resident_from_abroad_is_told_about_the_residence_card(client):
    body = {**FAMILY, "moved_from": "abroad",
            "household": [{"relation": "self", "age": 30, "insurance": "none", "nationality": "foreign"}]}
    move_in = {p["code"]: p for p in post(client, body).json()["procedures"]}["juki.move_in"]
    assert any("在留カード" in reason for reason in move_in["reasons"])


def test_the_fee_note_tells_the_other_fees(client):
    body = {"life_event": "death", "event_date": "2026-04-01", "household": [
        {"relation": "parent", "age": 85, "insurance": "late_stage", "deceased": True},
        {"relation": "self", "age": 55, "insurance": "employee"}]}
    koseki = {p["code"]: p for p in post(client, body).json()["procedures"]}["cert.koseki"]
    assert koseki["fee_yen"] == 450
    assert "750円" in koseki["fee_note"]


def test_a_job_loss_is_a_life_event_of_the_catalogue(client):
    body = {"life_event": "job_leave", "event_date": "2026-04-01", "household": [
        {"relation": "self", "age": 45, "insurance": "employee", "leaves_job": True},
        {"relation": "spouse", "age": 43, "insurance": "employee_dependent"}]}
    assert codes_of(post(client, body)) == ["nhi.enroll", "pension.enroll"]

import json

import pytest
from django.core.management import call_command

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.models import Step, Visit

pytestmark = pytest.mark.django_db


def token_for(user, capsys) -> str:
    call_command("apitoken", user.username)
    return capsys.readouterr().out.strip()


@pytest.fixture
def reception_auth(starter_catalog, capsys):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.RECEPTION), capsys)}"}


@pytest.fixture
def clerk_auth(clerk, capsys):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(clerk, capsys)}"}


def post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json", **headers)


def test_registering_a_visit_answers_201_with_ticket_steps_and_status_url(client, reception_auth):
    response = post(client, "/api/v1/visits", {"procedures": ["juki.move_in", "nhi.enroll"], "channel": "reception",
                                               "needs": ["wheelchair"]}, **reception_auth)
    assert response.status_code == 201
    body = response.json()
    assert body["ticket_number"] == "A-001"
    assert body["status_url"].startswith("http://testserver/v/")
    assert {s["counter"]: s["status"] for s in body["steps"]} == {"koseki-move": "queued", "kokuho": "pending"}


def test_an_unknown_procedure_code_is_a_422_naming_it(client, reception_auth):
    response = post(client, "/api/v1/visits", {"procedures": ["juki.move_in", "juki.nope"]}, **reception_auth)
    assert response.status_code == 422
    assert response.json()["field"] == "procedures"
    assert "juki.nope" in response.json()["message"]
    assert not Visit.objects.exists()


def test_an_unknown_field_or_need_is_a_422(client, reception_auth):
    assert post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"], "colour": "red"},
                **reception_auth).status_code == 422
    response = post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"], "needs": ["jetpack"]}, **reception_auth)
    assert response.status_code == 422
    assert response.json()["field"].startswith("needs")


def test_a_counter_clerk_may_not_register_visits(client, clerk_auth):
    assert post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **clerk_auth).status_code == 403


def test_call_next_start_complete_hands_the_visit_on(client, reception_auth, clerk_auth):
    visit = post(client, "/api/v1/visits", {"procedures": ["juki.move_in", "nhi.enroll"]}, **reception_auth).json()
    called = post(client, "/api/v1/counters/koseki-move/call-next", {"desk": 2}, **clerk_auth)
    assert called.status_code == 200
    assert called.json()["ticket_number"] == visit["ticket_number"]
    assert called.json()["step"]["desk"] == 2
    step_id = called.json()["step"]["id"]
    assert post(client, f"/api/v1/steps/{step_id}/start", **clerk_auth).json()["status"] == "serving"
    done = post(client, f"/api/v1/steps/{step_id}/complete", {"memo": "転入済み"}, **clerk_auth)
    assert done.status_code == 200
    assert {s["counter"]: s["status"] for s in done.json()["steps"]} == {"koseki-move": "done", "kokuho": "queued"}
    again = client.get(f"/api/v1/visits/{visit['id']}", **clerk_auth).json()
    assert {s["counter"]: s["status"] for s in again["steps"]} == {"koseki-move": "done", "kokuho": "queued"}


def test_call_next_answers_204_when_nobody_waits(client, clerk_auth):
    assert post(client, "/api/v1/counters/kokuho/call-next", **clerk_auth).status_code == 204


def test_a_clerk_may_only_call_at_their_own_counters(client, clerk_auth):
    assert post(client, "/api/v1/counters/kosodate/call-next", **clerk_auth).status_code == 403


def test_completing_a_step_twice_is_a_409_conflict(client, reception_auth, clerk_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    step_id = post(client, "/api/v1/counters/koseki-cert/call-next", **clerk_auth).json()["step"]["id"]
    assert post(client, f"/api/v1/steps/{step_id}/complete", **clerk_auth).status_code == 200
    second = post(client, f"/api/v1/steps/{step_id}/complete", **clerk_auth)
    assert second.status_code == 409
    assert "今この操作ができません" in second.json()["message"]


def test_no_show_too_early_is_refused_then_recall_works(client, reception_auth, clerk_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    step_id = post(client, "/api/v1/counters/koseki-cert/call-next", **clerk_auth).json()["step"]["id"]
    assert post(client, f"/api/v1/steps/{step_id}/no-show", **clerk_auth).status_code == 409
    assert post(client, f"/api/v1/steps/{step_id}/recall", **clerk_auth).json()["status"] == "called"
    assert Step.objects.get(pk=step_id).recall_count == 1


def test_an_unknown_step_is_a_404(client, clerk_auth):
    assert post(client, "/api/v1/steps/999999/start", **clerk_auth).status_code == 404


def test_the_congestion_api_is_public_cacheable_and_anonymous(client, reception_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    response = client.get("/api/v1/congestion")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    body = response.json()
    counter = next(c for s in body["sites"] for c in s["counters"] if c["code"] == "koseki-cert")
    assert counter["waiting"] == 1
    assert "A-001" not in response.content.decode()
    assert client.get("/api/v1/congestion", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_openapi_document_lists_the_queue_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/visits", "/api/v1/visits/{visit_id}", "/api/v1/counters/{counter_code}/call-next",
                 "/api/v1/steps/{step_id}/start", "/api/v1/steps/{step_id}/complete", "/api/v1/steps/{step_id}/no-show",
                 "/api/v1/steps/{step_id}/recall", "/api/v1/congestion"):
        assert path in paths


def test_a_visit_registered_with_its_event_date_keeps_it_and_a_bad_date_is_a_422(client, reception_auth):
    payload = {"procedures": ["juki.move_in"], "life_event": "move_in", "event_date": "2026-03-30"}
    response = post(client, "/api/v1/visits", payload, **reception_auth)
    assert response.status_code == 201
    assert (response.json()["life_event"], response.json()["event_date"]) == ("move_in", "2026-03-30")

    for bad in ("0", 0, "30/03/2026", "2026-02-30"):
        response = post(client, "/api/v1/visits", {**payload, "event_date": bad}, **reception_auth)
        assert response.status_code == 422, bad
    response = post(client, "/api/v1/visits", {"procedures": ["juki.move_in"], "event_date": "2026-03-30"},
                    **reception_auth)
    assert response.status_code in (400, 422) and "event_date" in response.content.decode()


def test_another_counters_step_answers_exactly_as_a_missing_one(client, reception_auth, capsys):
    visit = Visit.objects.get(pk=post(client, "/api/v1/visits", {"procedures": ["kosodate.child_allowance"]},
                                      **reception_auth).json()["id"])
    step = visit.steps.get()  # at the child-care counter, which this clerk does not serve
    clerk = {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.COUNTER, counters=['kokuho']), capsys)}"}

    elsewhere = post(client, f"/api/v1/steps/{step.pk}/start", **clerk)
    missing = post(client, "/api/v1/steps/999999/start", **clerk)

    assert elsewhere.status_code == missing.status_code == 404
    assert elsewhere.json() == missing.json()
    assert Step.objects.get(pk=step.pk).status == Step.Status.QUEUED


def test_a_kiosk_registers_kiosk_visits_only(client, starter_catalog, capsys):
    kiosk = {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.KIOSK), capsys)}"}

    assert post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"], "channel": "reception"},
                **kiosk).status_code == 403
    response = post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **kiosk)

    assert response.status_code == 201
    assert Visit.objects.get().channel == "kiosk"


def test_the_api_answers_in_its_error_shape_before_any_operation(client, reception_auth, settings):
    shape = {"message", "field", "errors"}

    unknown = client.get("/api/v1/nothing-here", **reception_auth)
    assert unknown.status_code == 404 and set(unknown.json()) == shape

    wrong_method = client.delete("/api/v1/congestion")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == shape

    big = "x" * (settings.API_MAX_BODY_BYTES + 1)
    too_large = client.post("/api/v1/visits", big, content_type="application/json", **reception_auth)
    assert too_large.status_code == 413 and set(too_large.json()) == shape
    assert not Visit.objects.exists()

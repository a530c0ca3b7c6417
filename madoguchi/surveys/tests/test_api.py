from datetime import timedelta

from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.tests.factories import VisitFactory
from madoguchi.surveys.models import Response

from .factories import ANSWERS, finished_visit

URL = "/api/v1/surveys/visit/responses"


def test_the_survey_definition_is_public(client, starter_catalog):
    answer = client.get("/api/v1/surveys/visit")
    assert answer.status_code == 200
    body = answer.json()
    assert body["version"] >= 1
    first = body["definition"]["questions"][0]
    assert {"ja", "en", "ja_easy"} <= set(first["label"])
    assert client.get("/api/v1/surveys/nothing").status_code == 404


def test_first_response_201_second_409(client, clerk):
    visit = finished_visit(clerk)
    body = {"token": visit.status_token, "answers": ANSWERS}
    first = client.post(URL, body, content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post(URL, body, content_type="application/json")
    assert second.status_code == 409 and second.json()["field"] == "token"


def test_an_expired_token_is_410(client, clerk):
    visit = finished_visit(clerk, now=timezone.now() - timedelta(days=15))
    answer = client.post(URL, {"token": visit.status_token, "answers": ANSWERS}, content_type="application/json")
    assert answer.status_code == 410 and answer.json()["field"] == "token"


def test_an_invalid_answer_is_422_naming_the_question(client, clerk):
    visit = finished_visit(clerk)
    answer = client.post(URL, {"token": visit.status_token, "answers": {**ANSWERS, "age_band": "200s"}},
                         content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["field"] == "answers.age_band"
    assert not Response.objects.exists()


def test_an_unknown_token_is_404(client, starter_catalog):
    answer = client.post(URL, {"token": "x" * 22, "answers": ANSWERS}, content_type="application/json")
    assert answer.status_code == 404


def test_the_visit_carries_its_survey_url_once_finished(client, clerk):
    receptionist = UserFactory(role=Role.RECEPTION)
    client.force_login(receptionist)
    open_visit = VisitFactory()
    assert client.get(f"/api/v1/visits/{open_visit.pk}").json()["survey_url"] is None
    visit = finished_visit(clerk)
    url = client.get(f"/api/v1/visits/{visit.pk}").json()["survey_url"]
    assert url.endswith(f"/v/{visit.status_token}/survey/")


def test_answers_are_rate_limited_per_client(client, clerk, settings):
    codes = [client.post(URL, {"token": "y" * 22, "answers": {}}, content_type="application/json").status_code
             for _ in range(31)]
    assert codes[-1] == 429 and 429 not in codes[:30]


def test_the_staff_analysis_api_hides_small_cells(client, clerk):
    from .factories import response

    for _ in range(3):
        response(clerk)
    client.force_login(UserFactory(role=Role.ANALYST))
    body = client.get("/api/v1/insights/survey").json()
    rate = next(t for t in body["tables"] if t["key"] == "response_rate")
    assert rate["rows"][0][1:] == [3, "—", "—"]
    assert client.get("/api/v1/insights/survey", {"from": "2026-12-01", "to": "2026-11-01"}).json()["field"] == "to"
    client.force_login(clerk)
    assert client.get("/api/v1/insights/survey").status_code == 403

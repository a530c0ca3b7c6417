from datetime import timedelta

from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.tests.factories import VisitFactory
from madoguchi.surveys.models import Response, Source

from .factories import finished_visit


def _first_page(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return [line.split('value="')[1].split('"')[0] for line in page.content.decode().splitlines()
            if 'name="shown"' in line]


def test_the_status_page_of_a_finished_visit_leads_to_the_survey(client, clerk):
    visit = finished_visit(clerk)
    page = client.get(f"/v/{visit.status_token}/").content.decode()
    assert f'href="/v/{visit.status_token}/survey/"' in page
    open_visit = VisitFactory()
    assert "/survey/" not in client.get(f"/v/{open_visit.status_token}/").content.decode()


def test_without_javascript_follow_ups_come_on_a_second_post_and_the_answers_are_kept(client, clerk):
    visit = finished_visit(clerk)
    url = f"/v/{visit.status_token}/survey/"
    shown = _first_page(client, url)
    assert "convenience_prefill" not in shown and len(shown) <= 12
    answers = {"shown": shown, "aware_prefill": "used", "satisfaction": "4", "age_band": "70s"}
    second = client.post(url, answers)
    assert second.status_code == 200 and not Response.objects.exists()
    body = second.content.decode()
    assert 'name="convenience_prefill"' in body and 'value="70s"' in body
    shown_now = [v for v in body.split('name="shown" value="')[1:]]
    final = client.post(url, {**answers, "shown": [v.split('"')[0] for v in shown_now], "convenience_prefill": "5"})
    assert final.status_code == 302
    response = Response.objects.get()
    assert response.answers["convenience_prefill"] == 5 and response.source == Source.PHONE
    assert "Thank" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or \
        "ありがとう" in client.get(url).content.decode()
    assert client.cookies.get("sessionid") is None


def test_a_bad_answer_is_shown_next_to_its_question(client, clerk):
    visit = finished_visit(clerk)
    url = f"/v/{visit.status_token}/survey/"
    shown = _first_page(client, url)
    page = client.post(url, {"shown": shown, "aware_prefill": "used"})  # satisfaction is required
    assert page.status_code == 200 and "survey-question--error" in page.content.decode()
    assert not Response.objects.exists()


def test_an_expired_survey_says_so_with_410(client, clerk):
    visit = finished_visit(clerk, now=timezone.now() - timedelta(days=20))
    assert client.get(f"/v/{visit.status_token}/survey/").status_code == 410


def test_an_unknown_survey_token_is_404(client, starter_catalog):
    assert client.get("/v/nothing-here-at-all/survey/").status_code == 404


def test_the_exit_tablet_finds_todays_visit_by_its_ticket_and_asks_the_same_survey(client, clerk):
    visit = finished_visit(clerk)
    client.force_login(UserFactory(role=Role.SURVEY_TABLET))
    wrong = client.post("/tablet/survey/", {"ticket_number": "Z-999"})
    assert wrong.status_code == 200 and "field--error" in wrong.content.decode()
    start = client.post("/tablet/survey/", {"ticket_number": visit.ticket_number.lower()})
    assert start.status_code == 302
    url = start["Location"]
    shown = _first_page(client, url)
    done = client.post(url, {"shown": shown, "aware_prefill": "not_known", "satisfaction": "3"})
    assert done.status_code == 302 and done["Location"] == "/tablet/survey/thanks/"
    assert Response.objects.get().source == Source.TABLET


def test_the_tablet_screen_is_for_the_tablet_role(client, starter_catalog):
    client.force_login(UserFactory(role=Role.COUNTER))
    assert client.get("/tablet/survey/").status_code == 403


def test_the_survey_speaks_each_resident_language_its_questions_from_the_catalogues_translations(client, clerk):
    from madoguchi.catalog import translations
    from madoguchi.catalog.models import SurveyVersion

    visit = finished_visit(clerk)
    satisfaction = next(q for q in SurveyVersion.objects.latest("id").definition["questions"]
                        if q["code"] == "satisfaction")
    translations.reload()
    for code in ("zh-hans", "ko", "vi", "ne"):
        body = client.get(f"/v/{visit.status_token}/survey/", {"lang": code}).content.decode()
        assert translations.text_in(code, ja=satisfaction["label"]["ja"]) in body, code
        assert satisfaction["label"]["ja"] not in body and satisfaction["label"]["en"] not in body, code

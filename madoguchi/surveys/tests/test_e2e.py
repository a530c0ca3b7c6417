"""The visitor survey in Debian's Chromium: a visit finishes → its status page → the survey on a phone
(with a follow-up question) → thanks; axe on every page, in every resident language; the analysis."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.surveys.models import Response

from .factories import finished_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue(starter_catalog):
    return starter_catalog


def test_a_visitor_answers_on_a_phone_from_the_status_page(phone_page, live_server, clerk, axe):
    page = phone_page
    visit = finished_visit(clerk)
    page.goto(f"/v/{visit.status_token}/")
    page.locator("#survey-link").click()
    expect(page.locator("h1")).to_be_visible()
    axe(page)
    page.get_by_label("知っていて、利用した").first.check()
    page.locator("input[name=satisfaction][value='4']").check()
    page.locator("input[name=age_band][value='70s']").check()
    box = page.locator("label[for='id_satisfaction_3']").bounding_box()
    assert box["height"] >= 44  # a large touch target
    page.locator("#survey-submit").click()
    expect(page.locator("input[name=convenience_prefill]").first).to_be_visible()
    axe(page)
    page.locator("input[name=convenience_prefill][value='5']").check()
    page.locator("#survey-submit").click()
    expect(page.locator(".status-big")).to_be_visible()
    axe(page)
    response = Response.objects.get()
    assert response.answers["convenience_prefill"] == 5 and response.answers["age_band"] == "70s"


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_survey_is_accessible_in_every_language(page, live_server, clerk, axe, language):
    visit = finished_visit(clerk)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(f"/v/{visit.status_token}/survey/")
    page.locator("#survey-submit").click()  # nothing answered: the required question is marked
    expect(page.locator("#error-summary")).to_be_visible()
    axe(page)


def test_the_exit_tablet_is_accessible(page, live_server, axe):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(role=Role.SURVEY_TABLET))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto("/tablet/survey/")
    page.locator("#id_ticket_number").fill("Z-999")
    page.locator("#tablet-start").click()
    expect(page.locator(".field--error")).to_be_visible()
    axe(page)


def _sign_in(page, live_server, user) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_analysis_the_report_and_the_action_items_are_accessible(page, live_server, clerk, axe):
    from .factories import response

    for n in range(5):
        response(clerk, answers={"aware_prefill": "used", "convenience_prefill": 4, "satisfaction": 4,
                                 "age_band": "40s", "comment": f"待ち時間が短く職員が親切でした {n}"})
    _sign_in(page, live_server, UserFactory(role=Role.SUPERVISOR))
    page.goto("/staff/insights/survey/")
    expect(page.locator("#table-awareness")).to_contain_text("100.0% (")
    axe(page)
    page.goto("/staff/insights/survey/report/")
    expect(page.locator("h1")).to_be_visible()
    axe(page)
    page.goto("/staff/insights/survey/actions/")
    page.locator("#id_finding").fill("40代の書かない窓口の満足度が高い")
    page.locator("#id_action").fill("他の窓口にも広げる")
    page.locator("#id_department").select_option(index=1)
    page.locator("#id_due").fill("2026-12-25")
    page.locator("#action-add").click()
    expect(page.get_by_text("他の窓口にも広げる")).to_be_visible()
    axe(page)

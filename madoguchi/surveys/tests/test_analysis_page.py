import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.surveys.models import Response, Source

from .factories import ANSWERS, finished_visit, response

URL = "/staff/insights/survey/"


@pytest.fixture
def analyst(client, starter_catalog):
    user = UserFactory(role=Role.ANALYST)
    client.force_login(user)
    return user


def _csv(client, key: str) -> list[list[str]]:
    answer = client.get(URL, {"export": key, "format": "csv"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_four_responses_are_a_small_cell_hidden_on_the_page_and_in_every_export(client, clerk, analyst):
    for _ in range(4):
        response(clerk)
    rows = _csv(client, "response_rate")
    assert rows[1][1:] == ["4", "—", "—"]  # 4 finished visits; responses and rate hidden
    awareness = _csv(client, "awareness")
    assert all(row[2] in ("—", "0") and row[3:] == ["—", "—"] for row in awareness[1:])
    assert next(r for r in awareness[1:] if r[0] == "書かない窓口")[2] == "—"
    page = client.get(URL).content.decode()
    assert "—" in page and "100.0%" not in page
    sheet = load_workbook(io.BytesIO(client.get(URL, {"export": "awareness", "format": "xlsx"}).content)).active
    assert sheet.cell(row=2, column=4).value == "—"


def test_five_responses_show_rates_with_their_interval(client, clerk, analyst):
    for _ in range(5):
        response(clerk)
    finished_visit(clerk)  # a visit that did not answer
    rows = _csv(client, "response_rate")
    assert rows[1][1:] == ["6", "5", "83.3%"]
    prefill = next(r for r in _csv(client, "awareness")[1:] if r[0] == "書かない窓口")
    assert prefill[2] == "5" and prefill[3].startswith("100.0% (") and prefill[4].startswith("100.0% (")
    by_age = [r for r in _csv(client, "awareness_age")[1:] if r[0] == "書かない窓口"]
    assert [r[2] for r in by_age if r[1] == "70代"] == ["5"]
    services = _csv(client, "satisfaction_services")
    without = next(r for r in services[1:] if r[0].startswith("書かない") and r[1] == "なし")
    assert without[2] == "5" and without[3] == "4.0"


def test_comments_are_counted_by_word_and_shown_masked(client, clerk, analyst):
    for n in range(5):
        response(clerk, answers={**ANSWERS, "comment": f"待ち時間が長かった。連絡先 090-1234-567{n}"})
    words = dict((row[0], row[1]) for row in _csv(client, "comment_words")[1:])
    assert words["待ち時間"] == "5"
    comments = _csv(client, "comments")
    assert all("090" not in row[1] and "＊＊＊" in row[1] for row in comments[1:])


def test_the_printable_report_holds_the_same_tables(client, clerk, analyst):
    response(clerk)
    page = client.get("/staff/insights/survey/report/")
    assert page.status_code == 200
    assert "survey-report-table" in page.content.decode()


def test_a_reversed_period_is_refused_at_its_field(client, analyst):
    today = timezone.localdate()
    page = client.get(URL, {"start": today, "end": today - timedelta(days=1)})
    assert page.status_code == 200 and "field--error" in page.content.decode()


def test_the_survey_analysis_is_not_for_counter_clerks(client, clerk):
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_the_paper_questionnaire_is_drawn_from_the_definition(client, analyst):
    answer = client.get("/staff/insights/survey/paper.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    for expected in ("総合窓口 利用者アンケート", "書かない窓口", "知っていたが、利用しなかった",
                     "本日の窓口の手続き全体に満足しましたか", "80歳以上", "受付番号"):
        assert expected in text, expected


def test_staff_key_in_a_paper_questionnaire_for_its_visit(client, clerk, starter_catalog):
    visit = finished_visit(clerk)
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    found = client.post("/staff/survey/paper/", {"ticket_number": visit.ticket_number,
                                                 "service_date": visit.service_date.isoformat()})
    assert found.status_code == 302
    page = client.get(found["Location"]).content.decode()
    shown = [part.split('"')[0] for part in page.split('name="shown" value="')[1:]]
    done = client.post(found["Location"], {"shown": shown, "aware_prefill": "not_known", "satisfaction": "2"})
    assert done.status_code == 302
    stored = Response.objects.get()
    assert stored.source == Source.PAPER and stored.answers == {"aware_prefill": "not_known", "satisfaction": 2}

"""The review-and-print page with Django's test client: access, logging, no-store, entry and printing."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.prefill.models import StepPrefill, VisitIdentity
from madoguchi.reception import services as reception

from .conftest import MOVE_ANSWERS
from .factories import HOUSEHOLD, RESIDENT, IdentityFactory

pytestmark = pytest.mark.django_db


def page_url(visit) -> str:
    return f"/staff/visits/{visit.pk}/forms/"


def identity_post(**changes) -> dict:
    data = {"source": "manual", **RESIDENT, **changes}
    form = {key: str(value) for key, value in data.items()}
    form.update({"household-TOTAL_FORMS": "3", "household-INITIAL_FORMS": "0", "household-MIN_NUM_FORMS": "0",
                 "household-MAX_NUM_FORMS": "20"})
    for index, member in enumerate(HOUSEHOLD):
        for key, value in member.items():
            form[f"household-{index}-{key}"] = str(value)
    return form


def no_store(response) -> bool:
    return "no-store" in response["Cache-Control"]


@pytest.fixture
def logged_in_clerk(client, clerk, serving_step):
    client.force_login(clerk)
    return clerk


def test_the_page_is_open_to_the_visits_counters_and_reception_only(client, move_visit, clerk):
    url = page_url(move_visit)
    assert client.get(url).status_code == 302  # to the login page
    for role, status in [(Role.KIOSK, 403), (Role.DISPLAY, 403), (Role.RECEPTION, 200), (Role.SUPERVISOR, 200)]:
        client.force_login(UserFactory(role=role))
        assert client.get(url).status_code == status, role
    stranger = UserFactory(role=Role.COUNTER)
    stranger.counters.set(Counter.objects.filter(code="kaigo"))
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_every_response_with_personal_data_is_no_store(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    assert no_store(client.get(page_url(visit)))
    saved = client.post(f"{page_url(visit)}identity", identity_post())
    assert saved.status_code == 302 and no_store(saved)
    shown = client.get(page_url(visit))
    assert "髙﨑　𠮷太郎" in shown.content.decode() and no_store(shown)
    refused = client.post(f"{page_url(visit)}identity", identity_post(birth_date="S99.1.1"))
    assert refused.status_code == 422 and no_store(refused)
    assert no_store(client.get(f"{page_url(visit)}bundle.pdf"))


def test_viewing_the_captured_identity_writes_an_access_log_row(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    client.get(page_url(visit))
    assert not PersonalDataAccess.objects.exists()  # nothing captured, nothing seen

    IdentityFactory(visit=visit, actor=logged_in_clerk)
    client.get(page_url(visit))

    row = PersonalDataAccess.objects.get()
    assert (row.actor, row.subject_type, row.subject_id) == (logged_in_clerk, "reception.visit", str(visit.pk))
    assert "name" in row.fields and "address" in row.fields


def test_a_typed_identity_with_a_wareki_birth_date_is_saved(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    response = client.post(f"{page_url(visit)}identity", identity_post(birth_date="昭和52年4月1日"))

    assert response.status_code == 302 and response["Location"].endswith("#answers")
    record = VisitIdentity.objects.get(visit=visit)
    assert (record.source, record.birth_date.isoformat(), len(record.household)) == ("manual", "1977-04-01", 2)
    assert StepPrefill.objects.get(step=serving_step).captured_here


def test_field_errors_are_shown_next_to_their_fields(client, logged_in_clerk, serving_step):
    data = identity_post(birth_date="S52.2.30")
    data["household-1-birth_date"] = "いつか"
    response = client.post(f"{page_url(serving_step.visit)}identity", data)

    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'id="id_birth_date_error"[^>]*>[^<]*存在しない日付', html)
    assert 'id="id_household-1-birth_date_error"' in html
    assert 'aria-invalid="true"' in html
    assert not VisitIdentity.objects.exists()


def test_a_twelve_digit_number_typed_in_a_household_row_is_refused_and_not_echoed(
        client, logged_in_clerk, serving_step):
    data = identity_post()
    data["household-1-relationship"] = "１２３４ ５６７８ ９０１８"
    response = client.post(f"{page_url(serving_step.visit)}identity", data)

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_household-1-relationship_error"' in html and "個人番号" in html
    assert "９０１８" not in html and "9018" not in html
    assert not VisitIdentity.objects.exists()


def test_a_later_counter_sees_the_identity_without_asking_again(client, clerk, serving_step):
    visit = serving_step.visit
    IdentityFactory(visit=visit, source="card", actor=clerk, household=[], data={
        "name": "髙﨑　𠮷太郎", "address": RESIDENT["address"], "birth_date": "1977-04-01", "sex": 1})
    reception.step_complete(step=serving_step, clerk=clerk)
    insurance_clerk = UserFactory(role=Role.COUNTER)
    insurance_clerk.counters.set(Counter.objects.filter(code="kokuho"))
    reception.step_call_next(counter=Counter.objects.get(code="kokuho"), clerk=insurance_clerk)
    client.force_login(insurance_clerk)

    html = client.get(page_url(visit)).content.decode()

    assert "髙﨑　𠮷太郎" in html and "昭和52年4月1日" in html
    assert re.search(r'<details id="identity-entry" class="identity-entry">', html)  # closed: nothing to re-enter
    assert "/staff/counters/kokuho/" in html  # back to this clerk's console


def test_answers_then_print_gives_the_pdf(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    client.post(f"{page_url(visit)}identity", identity_post())
    html = client.get(page_url(visit)).content.decode()
    assert 'id="print-all"' not in html and 'href="#id_answers-moved_on"' in html
    assert 'href="#id_answers-move_kind"' not in html  # known from the procedure (転入), never asked again

    saved = client.post(f"{page_url(visit)}answers", {f"answers-{k}": v for k, v in MOVE_ANSWERS.items()})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    html = client.get(page_url(visit)).content.decode()
    assert 'id="print-all"' in html

    pdf = client.get(f"{page_url(visit)}bundle.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and no_store(pdf)
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "昭和52年4月1日" in text
    assert StepPrefill.objects.get(step=serving_step).print_count == 1


def test_a_bad_answer_is_shown_next_to_its_field(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    client.post(f"{page_url(visit)}identity", identity_post())
    response = client.post(f"{page_url(visit)}answers", {"answers-moved_on": "R7.2.30", "answers-phone": "03"})

    assert response.status_code == 422
    assert 'id="id_answers-moved_on_error"' in response.content.decode()
    assert VisitIdentity.objects.get().answers == {}


def test_printing_with_missing_answers_returns_to_the_page_with_the_reasons(client, logged_in_clerk, serving_step):
    visit = serving_step.visit
    client.post(f"{page_url(visit)}identity", identity_post())
    response = client.get(f"{page_url(visit)}bundle.pdf")

    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")
    assert "届出の種別" in response.content.decode()


def test_the_pin_field_can_never_be_posted(client, logged_in_clerk, serving_step, settings):
    settings.CARD_READER_AGENT_URL = "http://127.0.0.1:9999/"
    html = client.get(page_url(serving_step.visit)).content.decode()

    pin_input = re.search(r"<input id=\"pin-input\"[^>]*>", html).group(0)
    assert "name=" not in pin_input
    assert 'data-agent-url="http://127.0.0.1:9999"' in html


def test_the_console_links_the_current_visitor_to_the_forms_page(client, logged_in_clerk, serving_step):
    html = client.get("/staff/counters/koseki-move/").content.decode()
    assert f'href="{page_url(serving_step.visit)}"' in html

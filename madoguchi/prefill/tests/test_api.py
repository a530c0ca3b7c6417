"""The no-writing counter's JSON API: identity capture (201 / 422), answers, and the PDF bundle read back."""

import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.prefill.models import StepPrefill, VisitIdentity

from .conftest import MOVE_ANSWERS
from .factories import HOUSEHOLD, RESIDENT

pytestmark = pytest.mark.django_db

TWELVE = "1234-5678-9018"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_get_or_create(user=user).key}"}


@pytest.fixture
def auth(clerk):
    return bearer(clerk)


def post_identity(client, visit, body, headers):
    return client.post(f"/api/v1/visits/{visit.pk}/identity", json.dumps(body, ensure_ascii=False),
                       content_type="application/json", **headers)


def put_answers(client, visit, answers, headers):
    return client.put(f"/api/v1/visits/{visit.pk}/answers", json.dumps({"answers": answers}, ensure_ascii=False),
                      content_type="application/json", **headers)


def body(**changes) -> dict:
    return {"source": "manual", **RESIDENT, "household": HOUSEHOLD, **changes}


def test_capturing_an_identity_answers_201_with_what_is_still_missing(client, move_visit, auth):
    response = post_identity(client, move_visit, body(), auth)

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["visit"] == move_visit.pk and out["source"] == "manual" and out["household_size"] == 2
    assert out["forms"] == ["juki.idou", "nhi.idou"]
    assert {"move_kind", "moved_on", "new_address", "nhi_kind"} <= set(out["answers_missing"])
    assert out["unprintable"] == []
    assert "髙﨑" not in response.content.decode()  # the response repeats no personal data
    assert VisitIdentity.objects.get(visit=move_visit).name == "髙﨑　𠮷太郎"


@pytest.mark.parametrize(("case", "payload", "field"), [
    ("a known field", body(name=f"山田 {TWELVE}"), "name"),
    ("full-width digits", body(address="板橋区１２３４５６７８９０１８"), "address"),
    ("a nested household field", body(household=[HOUSEHOLD[0], {**HOUSEHOLD[1], "relationship": TWELVE}]),
     "household[1].relationship"),
    ("an unknown field", body(my_number=TWELVE), "my_number"),
    ("a number, not text", body(household=[{**HOUSEHOLD[0], "name": 123456789018}]), "household[0].name"),
])
def test_a_twelve_digit_number_anywhere_is_a_422_naming_the_field(client, move_visit, auth, case, payload, field):
    response = post_identity(client, move_visit, payload, auth)

    assert response.status_code == 422, case
    out = response.json()
    assert out["field"] == field
    assert "個人番号" in out["message"]
    text = response.content.decode()
    assert "9018" not in text and "９０１８" not in text
    assert not VisitIdentity.objects.exists()


def test_an_unknown_field_is_a_422(client, move_visit, auth):
    response = post_identity(client, move_visit, body(nickname="たろう"), auth)
    assert response.status_code == 422
    assert response.json()["field"] == "nickname"


def test_an_unreadable_birth_date_is_a_422_naming_it(client, move_visit, auth):
    response = post_identity(client, move_visit, body(birth_date="昭和65年1月1日"), auth)
    assert response.status_code == 422
    assert response.json()["field"] == "birth_date"


def test_an_unknown_source_is_a_422(client, move_visit, auth):
    assert post_identity(client, move_visit, body(source="fax"), auth).status_code == 422


def test_who_may_capture(client, move_visit):
    assert post_identity(client, move_visit, body(), {}).status_code == 401
    assert post_identity(client, move_visit, body(), bearer(UserFactory(role=Role.KIOSK))).status_code == 403
    stranger = UserFactory(role=Role.COUNTER)
    stranger.counters.set(Counter.objects.filter(code="kaigo"))
    assert post_identity(client, move_visit, body(), bearer(stranger)).status_code == 403
    assert post_identity(client, move_visit, body(), bearer(UserFactory(role=Role.RECEPTION))).status_code == 201


def test_answers_are_merged_and_checked(client, move_visit, auth):
    post_identity(client, move_visit, body(), auth)

    response = put_answers(client, move_visit, MOVE_ANSWERS, auth)
    assert response.status_code == 200, response.content
    assert response.json()["answers_missing"] == []

    bad = put_answers(client, move_visit, {"move_kind": "引越し"}, auth)
    assert bad.status_code == 422 and bad.json()["field"] == "answers.move_kind"
    refused = put_answers(client, move_visit, {"phone": "1234 5678 9018"}, auth)
    assert refused.status_code == 422 and refused.json()["field"] == "answers.phone"
    assert "9018" not in refused.content.decode()


def test_the_pdf_bundle_carries_name_the_right_address_and_wareki_birth_date_on_every_form(client, move_visit, auth,
                                                                                           clerk):
    post_identity(client, move_visit, body(), auth)
    put_answers(client, move_visit, MOVE_ANSWERS, auth)
    step = move_visit.steps.get(counter__code="koseki-move")
    from madoguchi.reception.services import step_call_next

    step_call_next(counter=step.counter, clerk=clerk)

    response = client.get(f"/api/v1/visits/{move_visit.pk}/forms.pdf", **auth)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "髙" not in response["Content-Disposition"]
    pages = [page.extract_text().replace("\n", "") for page in PdfReader(BytesIO(response.content)).pages]
    assert len(pages) == 2
    for text in pages:
        assert "髙﨑　𠮷太郎" in text
        assert "昭和52年4月1日" in text
        assert {"髙", "﨑", "𠮷"} <= set(text)
    card_address, new_address = RESIDENT["address"], MOVE_ANSWERS["new_address"]
    # A move-in: the card shows the address before the move. The move form prints it as 前の住所 beside
    # the new one; the insurance form prints the new address in the ward, never the old one.
    assert card_address in pages[0] and new_address in pages[0]
    assert new_address in pages[1] and card_address not in pages[1]
    assert "令和7年11月20日" in pages[0]  # the move date, typed as R7.11.20
    assert PersonalDataAccess.objects.filter(actor=clerk, subject_id=str(move_visit.pk)).count() == 1
    assert StepPrefill.objects.get(step=step).form_codes == ["juki.idou", "nhi.idou"]


def test_the_pdf_is_a_422_while_answers_or_identity_are_missing(client, move_visit, auth):
    no_identity = client.get(f"/api/v1/visits/{move_visit.pk}/forms.pdf", **auth)
    assert no_identity.status_code == 422 and no_identity.json()["field"] == "identity"

    post_identity(client, move_visit, body(), auth)
    missing = client.get(f"/api/v1/visits/{move_visit.pk}/forms.pdf", **auth)
    assert missing.status_code == 422
    fields = {e["field"] for e in missing.json()["errors"]}
    assert {"answers.new_address", "answers.moved_on"} <= fields
    assert not {"answers.move_kind", "answers.nhi_kind"} & fields  # the visit's procedures already say which
    assert not PersonalDataAccess.objects.exists()


def test_an_unknown_visit_is_a_404(client, auth):
    assert client.get("/api/v1/visits/999999/forms.pdf", **auth).status_code == 404


def test_the_openapi_document_lists_the_operations(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert "post" in paths["/api/v1/visits/{visit_id}/identity"]
    assert "put" in paths["/api/v1/visits/{visit_id}/answers"]
    pdf = paths["/api/v1/visits/{visit_id}/forms.pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    schemas = document["components"]["schemas"]
    assert {"source", "name", "birth_date", "household"} <= set(schemas["IdentityIn"]["properties"])

"""The help desk over JSON: staff file and list their own consultations, the desk lists every one;
refusals answer 422 naming the field."""

import pytest
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.dxdesk.models import Consultation
from madoguchi.talent.tests.factories import INDIVIDUAL_NUMBER, SectionFactory

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db

BODY = {"section": "戸籍住民課", "title": "受付簿入力", "task": "二重入力", "times_per_month": 100,
        "minutes_per_time": 6, "pain": "残業", "help_kind": "rpa"}


def logged_in(role: str) -> tuple[Client, object]:
    user = UserFactory(role=role)
    client = Client()
    client.force_login(user)
    return client, user


def test_a_member_of_staff_files_a_consultation_and_sees_only_their_own():
    SectionFactory(name="戸籍住民課")
    ConsultationFactory()  # somebody else's
    client, user = logged_in("counter")

    created = client.post("/api/v1/dx/consultations", BODY, content_type="application/json")

    assert created.status_code == 201
    body = created.json()
    assert (body["section"], body["status"], body["number"]) == ("戸籍住民課", "received", f"DX-{body['id']:04d}")
    assert Consultation.objects.get(pk=body["id"]).filed_by == user
    assert [c["id"] for c in client.get("/api/v1/dx/consultations").json()] == [body["id"]]


def test_the_desk_lists_every_consultation_filtered_by_status():
    ConsultationFactory()
    ConsultationFactory(status="declined", decline_reason="対象外")
    client, _ = logged_in("dx_desk")

    assert len(client.get("/api/v1/dx/consultations").json()) == 2
    assert [c["status"] for c in client.get("/api/v1/dx/consultations?status=declined").json()] == ["declined"]


@pytest.mark.parametrize(("change", "field"), [
    ({"section": "存在しない課"}, "section"),
    ({"minutes_per_time": 0}, "minutes_per_time"),
    ({"help_kind": "magic"}, "help_kind"),
    ({"pain": f"番号 {INDIVIDUAL_NUMBER}"}, "pain"),
])
def test_a_bad_consultation_is_refused_naming_the_field(change, field):
    SectionFactory(name="戸籍住民課")
    client, _ = logged_in("counter")

    response = client.post("/api/v1/dx/consultations", {**BODY, **change}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert INDIVIDUAL_NUMBER not in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_analyst_may_not_file():
    client, _ = logged_in("analyst")

    assert client.post("/api/v1/dx/consultations", BODY, content_type="application/json").status_code == 403

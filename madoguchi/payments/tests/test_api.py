"""The payments API: 201 for a new charge and 200 with the same payment for a key seen before; amounts
computed by the server; errors as {"message","field","errors"}; the day's payments, void, close."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core import background
from madoguchi.core.roles import Role
from madoguchi.payments import services
from madoguchi.payments.models import Payment

from .factories import charge, clerk_at, visit_at_desk

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    token = api_token_get_or_create(user=user).key
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def desk(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.koseki", "cert.juminhyo"], site="kita", counter="kita-cert")
    return visit, clerk


def charge_body(**overrides):
    body = {"items": [{"fee_item": "koseki.full", "quantity": 2}, {"fee_item": "juminhyo"}], "method": "card",
            "idempotency_key": "api-key-000001", "counter": "kita-cert", "desk": 1}
    body.update(overrides)
    return body


def test_a_charge_is_created_then_answered_again_for_the_same_key(desk):
    visit, clerk = desk
    api = client_for(clerk)

    first = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json")
    again = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert (body["status"], body["total_yen"], body["register_code"]) == ("paid", 1200, "kita-cert-1")
    assert [(line["fee_item"], line["quantity"], line["amount_yen"]) for line in body["lines"]] == [
        ("koseki.full", 2, 900), ("juminhyo", 1, 300)]
    assert body["receipt_url"].endswith(f"/staff/payments/{body['id']}/receipt.pdf")
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the terminal is asked on its own thread, after the commit
def test_respond_async_answers_202_at_once_and_the_payment_is_polled_until_paid(desk, simulated_terminal):
    visit, clerk = desk
    api = client_for(clerk)
    simulated_terminal.hold()  # the resident is still looking for the card

    accepted = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json",
                        headers={"Prefer": "wait=5, respond-async"})

    assert accepted.status_code == 202, accepted.content
    assert accepted.json()["status"] == "pending" and accepted["Preference-Applied"] == "respond-async"
    location = accepted["Location"]
    assert location == f"http://testserver/api/v1/payments/{accepted.json()['id']}"
    assert api.get(location).json()["status"] == "pending"  # still at the terminal
    simulated_terminal.release()
    assert background.wait()
    polled = api.get(location)
    assert polled.status_code == 200 and polled.json()["status"] == "paid" and polled.json()["receipt_number"]
    # The same key again: the same payment, final now; the terminal took one sale.
    again = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json",
                     headers={"Prefer": "respond-async"})
    assert again.status_code == 200 and again.json() == polled.json()
    assert len(simulated_terminal.charges()) == 1
    # Finalised by the charge's own thread: the polls read the database, they did not settle it.
    assert not Event.objects.filter(action="payment.resolved").exists()
    assert Event.objects.filter(action="payment.received", target_id=str(polled.json()["id"])).exists()


def test_respond_async_changes_nothing_for_cash_which_is_paid_at_once(desk):
    visit, clerk = desk
    response = client_for(clerk).post(f"/api/v1/visits/{visit.pk}/payments",
                                      charge_body(method="cash", tendered_yen=2000), content_type="application/json",
                                      headers={"Prefer": "respond-async"})
    assert response.status_code == 201 and response.json()["status"] == "paid"
    assert "Location" not in response


def test_one_payment_is_read_by_id_and_a_stranger_is_refused(desk):
    visit, clerk = desk
    api = client_for(clerk)
    created = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json").json()
    assert api.get(f"/api/v1/payments/{created['id']}").json() == created
    assert api.get("/api/v1/payments/999999").status_code == 404
    assert client_for(UserFactory(role=Role.ANALYST)).get(f"/api/v1/payments/{created['id']}").status_code == 403


def test_a_total_sent_by_the_client_is_refused(desk):
    visit, clerk = desk
    response = client_for(clerk).post(f"/api/v1/visits/{visit.pk}/payments", charge_body(total_yen=1),
                                      content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "total_yen"


def test_refusals_name_the_field(desk):
    visit, clerk = desk
    api = client_for(clerk)
    cases = [
        (charge_body(items=[{"fee_item": "koseki.full", "quantity": 100}]), 422, "items.0.quantity"),
        (charge_body(method="cash"), 422, "tendered_yen"),
        (charge_body(counter="nowhere"), 422, "counter"),
        (charge_body(items=[{"fee_item": "koseki.full", "exemption": "public_request"}]), 422, "items[0].note"),
    ]
    for body, status, field in cases:
        response = api.post(f"/api/v1/visits/{visit.pk}/payments", body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        payload = response.json()
        assert payload["field"] == field and payload["message"] and payload["errors"], payload


def test_charging_paid_fees_again_is_a_conflict(desk):
    visit, clerk = desk
    api = client_for(clerk)
    api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json")

    response = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(idempotency_key="api-key-000002"),
                        content_type="application/json")

    assert response.status_code == 409
    assert response.json()["field"] == "items"


def test_a_clerk_of_another_counter_may_not_charge_there(desk):
    visit, _clerk = desk
    response = client_for(clerk_at("kokuho")).post(f"/api/v1/visits/{visit.pk}/payments", charge_body(),
                                                   content_type="application/json")
    assert response.status_code == 403


def test_the_days_payments_void_and_the_close(desk):
    visit, clerk = desk
    api = client_for(clerk)
    paid = api.post(f"/api/v1/visits/{visit.pk}/payments", charge_body(), content_type="application/json").json()
    today = timezone.localdate().isoformat()

    listed = api.get(f"/api/v1/payments?date={today}&register=kita-cert-1")
    assert [p["id"] for p in listed.json()] == [paid["id"]]
    assert api.get("/api/v1/payments?register=nosuch").json()["field"] == "register"

    voided = api.post(f"/api/v1/payments/{paid['id']}/void", {"reason": "金額誤り"}, content_type="application/json")
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert api.post(f"/api/v1/payments/{paid['id']}/void", {"reason": "x"},
                    content_type="application/json").status_code == 409

    assert api.get(f"/api/v1/cashier/close?date={today}&register=kita-cert-1").status_code == 403
    supervisor = client_for(UserFactory(role=Role.SUPERVISOR))
    close = supervisor.get(f"/api/v1/cashier/close?date={today}&register=kita-cert-1")
    assert close.status_code == 200
    body = close.json()
    assert body["register_code"] == "kita-cert-1" and not body["closed"]
    assert body["cash"]["expected_yen"] == body["cash"]["float_yen"]
    assert {m["method"]: m["payments"] for m in body["methods"]}["card"] == 0  # the voided one is not counted
    assert body["cashless"]["imported"] is False and body["cashless"]["unknown_terminal"] == []


def test_the_openapi_document_names_the_payment_schemas_once(starter_catalog):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"PaymentChargeIn", "PaymentOut", "PaymentVoidIn", "PaymentCloseOut"} <= set(schemas)


def test_the_days_list_settles_a_pending_payment_when_it_is_due_not_while_its_charge_is_at_work(desk,
                                                                                                simulated_terminal):
    visit, clerk = desk
    step = visit.steps.get()
    simulated_terminal.script(["lost"])  # the request never reached the terminal
    lost = charge(visit, services.register_for(counter=step.counter, desk=1), clerk, [("juminhyo", 1)],
                  method="card", step=step).payment
    api = client_for(clerk)
    assert [p["status"] for p in api.get("/api/v1/payments").json()] == ["pending"]
    assert not Event.objects.filter(action="payment.resolved").exists()  # young: not asked
    Payment.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(seconds=91))
    assert [p["status"] for p in api.get("/api/v1/payments").json()] == ["failed"]  # given up, its key burned

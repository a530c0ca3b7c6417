"""Giving a fee back: a same-day void by the clerk who took it (or a supervisor), a later refund by
a supervisor only; every one with its reason in the audit log; cashless ones reversed on the terminal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core.errors import ConflictError
from madoguchi.core.roles import Role
from madoguchi.payments import services
from madoguchi.payments.models import Payment, PaymentLine

from .factories import charge, clerk_at, visit_at_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(starter_catalog):
    visit, step, register, clerk = visit_at_desk(["cert.juminhyo"])
    return charge(visit, register, clerk, [("juminhyo", 2)], method="card", step=step).payment


def backdate(payment: Payment, simulated_terminal, days: int = 1) -> Payment:
    """The payment was taken ``days`` ago (here and at the terminal)."""
    earlier = timezone.localdate() - timedelta(days=days)
    Payment.objects.filter(pk=payment.pk).update(service_date=earlier)
    simulated_terminal.backdate(key=payment.idempotency_key, day=earlier)
    payment.refresh_from_db()
    return payment


def test_the_clerk_who_charged_voids_it_the_same_day_and_it_is_reversed_on_the_terminal(paid, simulated_terminal):
    voided = services.payment_void(payment=paid, actor=paid.clerk, reason="二重に発行したため")

    assert voided.status == Payment.Status.VOIDED
    assert voided.void_reason == "二重に発行したため" and voided.voided_by == paid.clerk
    assert not PaymentLine.objects.filter(payment=paid, live=True).exists()  # the fee may be charged again
    assert simulated_terminal.charges()[0]["status"] == "reversed"
    event = Event.objects.get(action="payment.voided", target_id=str(paid.pk))
    assert event.details["reason"] == "二重に発行したため" and event.actor == paid.clerk


def test_another_clerk_may_not_void_it(paid):
    other = clerk_at("koseki-cert")
    with pytest.raises(PermissionDenied):
        services.payment_void(payment=paid, actor=other, reason="間違い")
    paid.refresh_from_db()
    assert paid.status == Payment.Status.PAID


def test_a_supervisor_may_void_it_the_same_day(paid):
    voided = services.payment_void(payment=paid, actor=UserFactory(role=Role.SUPERVISOR), reason="担当者不在のため")
    assert voided.status == Payment.Status.VOIDED


def test_a_void_needs_a_reason(paid):
    with pytest.raises(ValidationError) as refused:
        services.payment_void(payment=paid, actor=paid.clerk, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]


def test_the_next_day_the_clerk_cannot_void_nor_refund(paid, simulated_terminal):
    paid = backdate(paid, simulated_terminal)
    with translation.override("en"), pytest.raises(ConflictError, match="supervisor"):
        services.payment_void(payment=paid, actor=paid.clerk, reason="間違い")
    with pytest.raises(PermissionDenied):
        services.payment_refund(payment=paid, actor=paid.clerk, reason="間違い", register=paid.register)


def test_a_supervisor_refunds_a_later_day_through_the_terminal(paid, simulated_terminal):
    paid = backdate(paid, simulated_terminal)
    supervisor = UserFactory(role=Role.SUPERVISOR)

    refund = services.payment_refund(payment=paid, actor=supervisor, reason="証明書不要となったため",
                                     register=paid.register)

    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert (refund.amount_yen, refund.service_date, refund.refunded_by) == (600, timezone.localdate(), supervisor)
    assert refund.transaction_id.endswith("-R")
    event = Event.objects.get(action="payment.refunded", target_id=str(paid.pk))
    assert event.details["reason"] == "証明書不要となったため" and event.details["amount_yen"] == 600


def test_a_same_day_refund_is_refused_in_favour_of_a_void(paid):
    with translation.override("en"), pytest.raises(ConflictError, match="void"):
        services.payment_refund(payment=paid, actor=UserFactory(role=Role.SUPERVISOR), reason="x",
                                register=paid.register)


def test_nothing_is_given_back_twice(paid):
    services.payment_void(payment=paid, actor=paid.clerk, reason="間違い")
    with pytest.raises(ConflictError):
        services.payment_void(payment=paid, actor=paid.clerk, reason="間違い")


def test_a_cash_void_needs_no_terminal(starter_catalog, simulated_terminal):
    visit, _step, register, clerk = visit_at_desk(["cert.juminhyo"])
    payment = charge(visit, register, clerk, [("juminhyo", 1)]).payment
    assert services.payment_void(payment=payment, actor=clerk, reason="取り違え").status == Payment.Status.VOIDED
    assert simulated_terminal.charges() == []

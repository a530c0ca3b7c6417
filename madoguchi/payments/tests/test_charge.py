"""Charging at the desk: amounts from the catalogue, once per key and per fee item, the terminal's
answers (approve, decline, cancel, timeout) and the pending → final protocol."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from madoguchi.audit.models import Event
from madoguchi.core.errors import ConflictError
from madoguchi.core.mynumber import is_valid_individual_number
from madoguchi.payments import services
from madoguchi.payments.models import Payment, PaymentLine
from madoguchi.payments.services import ChargeItem
from madoguchi.reception import services as reception

from .factories import charge, visit_at_desk

pytestmark = pytest.mark.django_db

# An individual number with a valid check digit, built at run time (no 12-digit literal in the source).
NUMBER = next(f"98765432109{d}" for d in "0123456789" if is_valid_individual_number(f"98765432109{d}"))


@pytest.fixture
def at_desk(starter_catalog):
    return visit_at_desk(["cert.juminhyo", "cert.tax"])


def test_cash_is_paid_at_once_with_change_and_a_receipt_number(at_desk):
    visit, step, register, clerk = at_desk

    result = charge(visit, register, clerk, [("juminhyo", 2), ("tax", 1)], tendered=1000, step=step)

    payment = result.payment
    assert result.created
    assert (payment.status, payment.total_yen, payment.change_yen) == (Payment.Status.PAID, 900, 100)
    assert payment.receipt_number == f"{timezone.localdate():%Y%m%d}-00001"
    assert [(line.fee_item.code, line.quantity, line.unit_yen, line.amount_yen, line.account_code)
            for line in payment.lines.order_by("id")] == [
        ("juminhyo", 2, 300, 600, "13-02-01-01"), ("tax", 1, 300, 300, "13-02-01-04")]
    assert Event.objects.filter(action="payment.received", target_id=str(payment.pk)).count() == 1


def test_receipt_numbers_follow_each_other_without_gaps(starter_catalog):
    numbers = []
    for _ in range(3):
        visit, step, register, clerk = visit_at_desk(["cert.juminhyo"])
        numbers.append(charge(visit, register, clerk, [("juminhyo", 1)]).payment.receipt_number)
        reception.step_complete(step=step, clerk=clerk)
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]


def test_the_same_key_again_answers_the_same_payment_and_charges_nothing_more(at_desk, simulated_terminal):
    visit, _step, register, clerk = at_desk
    first = charge(visit, register, clerk, [("juminhyo", 1)], method="card", key="retry-key-0001")

    again = charge(visit, register, clerk, [("juminhyo", 1)], method="card", key="retry-key-0001")

    assert (again.created, again.payment.pk) == (False, first.payment.pk)
    assert Payment.objects.count() == 1
    assert len(simulated_terminal.charges()) == 1


def test_a_key_sent_again_with_other_content_is_refused(at_desk):
    visit, _step, register, clerk = at_desk
    charge(visit, register, clerk, [("juminhyo", 1)], key="retry-key-0002")

    with pytest.raises(ConflictError) as refused:
        charge(visit, register, clerk, [("juminhyo", 2)], key="retry-key-0002")

    assert refused.value.fields == ["idempotency_key"]


def test_a_fee_item_already_paid_is_refused_naming_the_receipt(at_desk):
    visit, _step, register, clerk = at_desk
    paid = charge(visit, register, clerk, [("juminhyo", 1)]).payment

    with pytest.raises(ConflictError) as refused:
        charge(visit, register, clerk, [("juminhyo", 1), ("tax", 1)])

    assert paid.receipt_number in refused.value.text()
    assert Payment.objects.count() == 1


def test_the_database_refuses_a_second_live_line_for_a_fee_item(at_desk):
    from django.db import IntegrityError, transaction

    visit, _step, register, clerk = at_desk
    paid = charge(visit, register, clerk, [("juminhyo", 1)]).payment
    line = paid.lines.get()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_a_card_payment_is_approved_through_the_terminal(at_desk, simulated_terminal):
    visit, _step, register, clerk = at_desk

    payment = charge(visit, register, clerk, [("tax", 1)], method="card").payment

    held = simulated_terminal.charges()
    assert payment.status == Payment.Status.PAID
    assert payment.tendered_yen is None
    assert [(c["key"], c["amount_yen"], c["terminal_id"], c["status"]) for c in held] == [
        (payment.idempotency_key, 300, register.terminal_id, "approved")]
    assert payment.transaction_id == held[0]["transaction_id"]


@pytest.mark.parametrize(("behaviour", "status"), [("decline", Payment.Status.DECLINED),
                                                    ("cancel", Payment.Status.CANCELLED)])
def test_a_declined_or_cancelled_charge_frees_its_fees_for_another_try(at_desk, simulated_terminal, behaviour,
                                                                        status):
    visit, _step, register, clerk = at_desk
    simulated_terminal.script([behaviour])

    failed = charge(visit, register, clerk, [("tax", 1)], method="emoney").payment
    retried = charge(visit, register, clerk, [("tax", 1)], method="cash").payment

    assert failed.status == status and failed.receipt_number is None
    assert retried.status == Payment.Status.PAID
    assert Event.objects.filter(action="payment.not_completed", target_id=str(failed.pk)).exists()


def test_the_terminal_timing_out_then_approving_is_paid_once_from_its_status(at_desk, simulated_terminal):
    visit, _step, register, clerk = at_desk
    simulated_terminal.script(["timeout"])

    payment = charge(visit, register, clerk, [("juminhyo", 1)], method="qr").payment

    assert payment.status == Payment.Status.PAID
    assert len(simulated_terminal.charges()) == 1


def test_a_lost_request_stays_pending_until_it_cannot_arrive_then_is_given_up(at_desk, simulated_terminal, settings):
    visit, _step, register, clerk = at_desk
    simulated_terminal.script(["lost"])
    payment = charge(visit, register, clerk, [("juminhyo", 1)], method="card").payment
    assert payment.status == Payment.Status.PENDING
    # Meanwhile the fee cannot be charged again at another desk.
    with pytest.raises(ConflictError, match=register.code):
        charge(visit, register, clerk, [("juminhyo", 1)], method="cash")

    soon = services.payment_resolve(payment=payment, now=payment.created_at + timedelta(seconds=5))
    assert soon.status == Payment.Status.PENDING

    later = payment.created_at + timedelta(seconds=settings.PAYMENT_TERMINAL_TIMEOUT_SECONDS + 1)
    given_up = services.payment_resolve(payment=payment, now=later)
    assert given_up.status == Payment.Status.FAILED
    assert not PaymentLine.objects.filter(payment=payment, live=True).exists()
    # The key is burned at the terminal: the lost request, should it arrive now, takes no money.
    late = simulated_terminal.charge(key=payment.idempotency_key, terminal_id=register.terminal_id,
                                     amount_yen=300, method="card")
    assert late.outcome == "cancelled"
    assert simulated_terminal.charges() == []


def test_a_pending_payment_is_resolved_when_its_key_is_sent_again(at_desk, simulated_terminal):
    visit, _step, register, clerk = at_desk
    pending = Payment.objects.none()
    simulated_terminal.script(["timeout"])
    # The terminal approved but both its answer and the status check were lost: still pending here.
    original = simulated_terminal.status
    simulated_terminal.__class__.status = lambda self, key: (_ for _ in ()).throw(
        services.TerminalTimeout("no answer"))
    try:
        pending = charge(visit, register, clerk, [("juminhyo", 1)], method="card", key="pending-key-01").payment
    finally:
        simulated_terminal.__class__.status = original.__func__
    assert pending.status == Payment.Status.PENDING

    again = charge(visit, register, clerk, [("juminhyo", 1)], method="card", key="pending-key-01")

    assert (again.created, again.payment.pk, again.payment.status) == (False, pending.pk, Payment.Status.PAID)
    assert len(simulated_terminal.charges()) == 1
    assert Event.objects.filter(action="payment.resolved", target_id=str(pending.pk)).exists()


def test_every_line_exempt_is_recorded_as_cash_of_zero_without_the_terminal(at_desk, simulated_terminal):
    visit, _step, register, clerk = at_desk

    payment = charge(visit, register, clerk, [ChargeItem("juminhyo", 2, "public_request", "年金事務所 第123号")],
                     method="card").payment

    assert (payment.status, payment.method, payment.total_yen) == (Payment.Status.PAID, "cash", 0)
    line = payment.lines.get()
    assert (line.amount_yen, line.exemption.code, line.exemption_note) == (0, "public_request", "年金事務所 第123号")
    assert simulated_terminal.charges() == []


def test_refusals_name_their_field(at_desk):
    visit, _step, register, clerk = at_desk
    cases = [
        ([("juminhyo", 0)], {}, "items[0].quantity"),
        ([("nosuch", 1)], {}, "items[0].fee_item"),
        ([("koseki.full", 1)], {}, "items[0].fee_item"),  # not a procedure of this visit
        ([ChargeItem("juminhyo", 1, "public_request")], {}, "items[0].note"),
        ([ChargeItem("tax", 1, "pension_claim", "x")], {}, "items[0].exemption"),  # not for tax certificates
        ([("juminhyo", 1)], {"tendered": 100}, "tendered_yen"),
        ([("juminhyo", 1)], {"addressee": f"{NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}"}, "addressee"),
        ([("juminhyo", 1)], {"key": "short"}, "idempotency_key"),
        ([("juminhyo", 1)], {"method": "cheque"}, "method"),
    ]
    for items, options, field in cases:
        with pytest.raises(ValidationError) as refused:
            charge(visit, register, clerk, items, **options)
        assert field in refused.value.message_dict, (items, options, refused.value.message_dict)
    assert not Payment.objects.exists()


def test_an_individual_number_in_a_note_is_refused_without_repeating_it(at_desk):
    visit, _step, register, clerk = at_desk
    with pytest.raises(ValidationError) as refused:
        charge(visit, register, clerk, [ChargeItem("juminhyo", 1, "public_request", f"番号 {NUMBER}")])
    assert NUMBER not in refused.value.text()
    assert "items[0].note" in refused.value.message_dict


def test_cashless_is_refused_when_the_office_has_no_terminal(at_desk, settings):
    visit, _step, register, clerk = at_desk
    settings.PAYMENT_TERMINAL = {"backend": "none", "options": {}}
    with pytest.raises(ValidationError) as refused:
        charge(visit, register, clerk, [("juminhyo", 1)], method="card")
    assert list(refused.value.message_dict) == ["method"]

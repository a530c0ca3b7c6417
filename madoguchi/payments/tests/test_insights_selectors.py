"""What the insights pages read of payments: the cashless share per day, method and counter, and one
"paid at this Step, cashless or not" fact per Step for the time at the desk with and without cashless."""

import pytest
from django.utils import timezone

from madoguchi.payments import selectors, services
from madoguchi.payments.services import ChargeItem
from madoguchi.reception import services as reception

from .factories import charge, visit_at_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(starter_catalog):
    served = []
    for procedures, items, method in [
        (["cert.juminhyo"], [("juminhyo", 1)], "cash"),
        (["cert.juminhyo"], [("juminhyo", 2)], "card"),
        (["cert.tax"], [("tax", 1)], "qr"),
        (["cert.seal"], [("seal", 1)], "card"),  # voided below: not a payment of the day
        (["cert.juminhyo"], [ChargeItem("juminhyo", 1, "pension_claim")], "cash"),  # 0 yen: no method chosen
    ]:
        visit, step, register, clerk = visit_at_desk(procedures)
        payment = charge(visit, register, clerk, items, method=method, step=step).payment
        reception.step_complete(step=step, clerk=clerk)
        served.append((step, payment))
    services.payment_void(payment=served[3][1], actor=served[3][1].clerk, reason="取消")
    return served


def test_the_cashless_share_per_day_counter_and_method(day):
    today = timezone.localdate()
    rows = selectors.cashless_share(start=today, end=today)
    assert [(r.day, r.counter, r.method, r.payments, r.amount_yen, r.cashless) for r in rows] == [
        (today, "koseki-cert", "card", 1, 600, True),
        (today, "koseki-cert", "cash", 1, 300, False),
        (today, "koseki-cert", "qr", 1, 300, True),
    ]
    cashless = sum(r.payments for r in rows if r.cashless) / sum(r.payments for r in rows)
    assert cashless == pytest.approx(2 / 3)


def test_one_fact_per_step_that_took_a_fee(day):
    today = timezone.localdate()
    facts = selectors.step_payment_facts(start=today, end=today)
    assert [(f.step_id, f.method, f.cashless, f.total_yen) for f in facts] == [
        (day[0][0].pk, "cash", False, 300), (day[1][0].pk, "card", True, 600), (day[2][0].pk, "qr", True, 300)]
    assert all(f.counter == "koseki-cert" and f.paid_at for f in facts)

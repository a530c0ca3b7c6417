"""Two clerks charging the same fees of one visit at the same moment, on PostgreSQL with real threads:
one is paid, the other is told they are paid (or being paid) and the terminal is asked once.
(SQLite serialises writers, so the race cannot happen there.)"""

import threading

import pytest
from django.db import close_old_connections, connection

from madoguchi.core.errors import ConflictError
from madoguchi.payments import services
from madoguchi.payments.models import Payment, PaymentLine
from madoguchi.reception import services as reception

from .factories import clerk_at, visit_at_desk

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


def race(targets):
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(index, target):
        close_old_connections()
        try:
            barrier.wait()
            results[index] = target()
        except BaseException as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("methods", [("card", "card"), ("cash", "qr")])
def test_two_clerks_charging_the_same_fees_at_once_take_them_once(starter_catalog, simulated_terminal, methods):
    assert connection.vendor == "postgresql"
    # The resident takes a moment at the terminal: the first charge is still in flight when the second comes.
    simulated_terminal.set_delay(150)
    second_clerk = clerk_at("koseki-cert")
    for round_number in range(ROUNDS):
        visit, step, register, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"], desk=1)
        other_register = services.register_for(counter=step.counter, desk=2)

        def charge(who, desk_register, method, key, visit=visit):
            return lambda: services.payment_charge(
                visit=visit, items=[services.ChargeItem("juminhyo", 1), services.ChargeItem("tax", 1)],
                method=method, idempotency_key=key, register=desk_register, clerk=who,
                tendered_yen=1000 if method == "cash" else None)

        results = race([charge(clerk, register, methods[0], f"round{round_number}-clerk-a"),
                        charge(second_clerk, other_register, methods[1], f"round{round_number}-clerk-b")])

        paid = [r for r in results if isinstance(r, services.ChargeResult)]
        refused = [r for r in results if isinstance(r, ConflictError)]
        assert len(paid) == 1 and len(refused) == 1, results
        assert paid[0].payment.status == Payment.Status.PAID
        # Told which: paid (with its receipt number) or being paid at the other desk's register.
        assert refused[0].fields == ["items"]
        assert any(text in refused[0].text() for text in ("支払済", "支払い手続中"))
        assert Payment.objects.filter(visit=visit).count() == 1
        assert PaymentLine.objects.filter(visit=visit, live=True).count() == 2
        reception.step_complete(step=step, clerk=clerk)
    cashless_rounds = sum(1 for p in Payment.objects.all() if p.is_cashless)
    assert len(simulated_terminal.charges()) == cashless_rounds  # never a second charge at the terminal

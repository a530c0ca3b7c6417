"""A card charge gives its worker's turn (core.admission) to other requests while the resident taps the card:
the terminal's wait does not hold the worker's other threads."""

import threading

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from madoguchi.core import admission
from madoguchi.payments import services

from .factories import visit_at_desk


@pytest.mark.django_db(transaction=True)  # the charge's first transaction commits before the terminal is asked
def test_another_request_runs_while_the_resident_taps_the_card(starter_catalog, simulated_terminal, settings):
    settings.ADMISSION_PATIENCE_MS = 10_000
    simulated_terminal.set_delay(300)
    visit, _step, register, clerk = visit_at_desk(["cert.juminhyo"])
    ran = threading.Event()

    def other_request():  # it can take the turn only while the charge waits on the terminal
        if admission._turn.acquire(timeout=5):
            ran.set()
            admission._turn.release()

    def charge_view(request):
        other = threading.Thread(target=other_request)
        other.start()
        result = services.payment_charge(visit=visit, items=[services.ChargeItem("juminhyo", 1)], method="card",
                                         idempotency_key="tap-card-0001", register=register, clerk=clerk)
        other.join(5)
        assert result.payment.status == result.payment.Status.PAID and admission.holds_turn()
        return HttpResponse()

    admission.AdmissionMiddleware(charge_view)(RequestFactory().post("/"))
    assert ran.is_set()

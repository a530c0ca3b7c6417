"""The cashier (会計窓口): when the catalogue says a procedure's fees are paid at a separate cashier,
registration adds a Step there, and routing sends the visit to it only after every other Step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.reception import routing, selectors, services
from madoguchi.reception.models import Step, Visit


def test_a_step_marked_last_waits_until_nothing_else_is_pending():
    cashier = routing.PendingStep(1, "kaikei", frozenset(), last=True)
    cert = routing.PendingStep(2, "koseki-cert", frozenset({"cert.koseki"}))
    # Even with no wait at the cashier and a long one at the certificates desk.
    waits = {"kaikei": 0.0, "koseki-cert": 40.0}
    assert routing.choose_next_step([cashier, cert], {}, waits) == cert
    assert routing.choose_next_step([cashier], {}, waits) == cashier
    assert routing.planned_order([cashier, cert], {}, waits) == [cert, cashier]


@pytest.fixture
def honcho(starter_catalog):
    return Site.objects.get(code="honcho")


def steps_of(visit: Visit) -> dict[str, list[str]]:
    return {s.counter.code: sorted(p.code for p in s.procedures.all()) for s in visit.steps.all()}


@pytest.mark.django_db
def test_a_procedure_paid_at_the_cashier_adds_a_cashier_step_without_procedures(honcho):
    visit = services.visit_register(site=honcho, procedure_codes=["cert.koseki", "cert.juminhyo"])

    assert steps_of(visit) == {"koseki-cert": ["cert.juminhyo", "cert.koseki"], "kaikei": []}
    assert visit.steps.get(counter__code="kaikei").status == Step.Status.PENDING
    assert visit.steps.get(counter__code="koseki-cert").status == Step.Status.QUEUED


@pytest.mark.django_db
def test_fees_paid_at_the_desk_add_no_cashier_step(honcho):
    visit = services.visit_register(site=honcho, procedure_codes=["cert.juminhyo", "juki.move_in"])

    assert "kaikei" not in steps_of(visit)


@pytest.mark.django_db
def test_a_site_without_a_cashier_takes_the_fee_at_the_desk(starter_catalog):
    branch = Site.objects.get(code="kita")

    visit = services.visit_register(site=branch, procedure_codes=["cert.koseki"])

    assert steps_of(visit) == {"kita-cert": ["cert.koseki"]}


@pytest.mark.django_db
def test_the_cashier_comes_last_and_closes_the_visit(honcho):
    clerk = UserFactory(role=Role.SUPERVISOR)
    Counter.objects.filter(code="koseki-move").update(desks=1)
    visit = services.visit_register(site=honcho, procedure_codes=["juki.move_in", "cert.koseki"])
    at = timezone.now()
    route = [s.counter.code for s in selectors.planned_route(visit, now=at)]
    assert route[-1] == "kaikei"

    served = []
    for minute in range(3):
        queued = visit.steps.get(status=Step.Status.QUEUED)
        served.append(queued.counter.code)
        called = services.step_call_next(counter=queued.counter, clerk=clerk, now=at + timedelta(minutes=minute))
        services.step_complete(step=called, clerk=clerk, now=at + timedelta(minutes=minute, seconds=30))

    assert served[-1] == "kaikei"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE


@pytest.mark.django_db
def test_adding_a_cashier_paid_procedure_mid_visit_adds_the_cashier_once(honcho):
    visit = services.visit_register(site=honcho, procedure_codes=["juki.move_in"])

    services.visit_add_procedures(visit=visit, procedure_codes=["cert.koseki"])
    services.visit_add_procedures(visit=visit, procedure_codes=["cert.juminhyo"])

    assert visit.steps.filter(counter__code="kaikei").count() == 1
    assert steps_of(visit)["kaikei"] == []

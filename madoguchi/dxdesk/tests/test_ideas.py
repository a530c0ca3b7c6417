"""Ideas from the counter's data, made by the counter's own services, opened with one click."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Site
from madoguchi.dxdesk import ideas
from madoguchi.dxdesk.models import Consultation, Origin
from madoguchi.prefill.models import CaptureSource, StepPrefill
from madoguchi.reception import services as reception
from madoguchi.reception.models import Step
from madoguchi.talent.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


def serve(site, codes, *, at, minutes, clerk, prefilled=False):
    visit = reception.visit_register(site=site, procedure_codes=codes, now=at)
    step = visit.steps.get(status=Step.Status.QUEUED)
    called = reception.step_call_next(counter=step.counter, clerk=clerk, now=at)
    reception.step_start(step=called, clerk=clerk, now=at)
    reception.step_complete(step=called, clerk=clerk, now=at + timedelta(minutes=minutes))
    if prefilled:
        StepPrefill.objects.create(step=called, capture_source=CaptureSource.CARD, captured_here=True,
                                   forms_printed_at=at, print_count=1)
    return visit


@pytest.fixture
def counter_days(starter_catalog):
    """Six move-ins of 40 minutes (forms never pre-filled), six certificates of 20 (always pre-filled),
    five no-shows for health insurance, and a seal registration added mid-visit five times."""
    site = Site.objects.get(code="honcho")
    clerk = UserFactory(role="administrator")
    start = timezone.now() - timedelta(days=2)
    for n in range(6):
        serve(site, ["juki.move_in"], at=start + timedelta(minutes=50 * n), minutes=40, clerk=clerk)
        serve(site, ["cert.juminhyo"], at=start + timedelta(minutes=50 * n + 5), minutes=20, clerk=clerk,
              prefilled=True)
    for n in range(5):
        at = start + timedelta(hours=8, minutes=10 * n)
        visit = reception.visit_register(site=site, procedure_codes=["nhi.enroll"], now=at)
        step = reception.step_call_next(counter=visit.steps.get(status=Step.Status.QUEUED).counter, clerk=clerk,
                                        now=at)
        reception.step_no_show(step=step, clerk=clerk, now=at + timedelta(minutes=3))
        reception.visit_add_procedures(visit=visit, procedure_codes=["seal.register"], actor=clerk,
                                       now=at + timedelta(minutes=4))
    return site


def test_the_counter_data_ranks_the_procedures_that_need_help(counter_days):
    found = ideas.ideas(fiscal_year=2026)

    handling = [(i.procedure.code, i.figure, i.cases) for i in found[ideas.HANDLING]]
    assert handling[:2] == [("juki.move_in", 40.0, 6), ("cert.juminhyo", 20.0, 6)]
    prefill = [(i.procedure.code, i.figure) for i in found[ideas.PREFILL]]
    assert prefill[0] == ("juki.move_in", 0.0)
    assert ("cert.juminhyo", 1.0) in prefill
    assert [(i.procedure.code, i.cases) for i in found[ideas.ADDED]] == [("seal.register", 5)]
    assert [(i.procedure.code, i.cases) for i in found[ideas.NO_SHOW]] == [("nhi.enroll", 5)]


def test_fewer_than_five_cases_make_no_idea(starter_catalog):
    site = Site.objects.get(code="honcho")
    clerk = UserFactory(role="administrator")
    for n in range(4):
        serve(site, ["juki.move_in"], at=timezone.now() - timedelta(hours=n + 1), minutes=90, clerk=clerk)

    assert ideas.ideas(fiscal_year=2026)[ideas.HANDLING] == []


def test_one_click_opens_a_consultation_for_the_procedures_section_and_only_one(counter_days):
    client = Client()
    client.force_login(UserFactory(role="dx_desk"))
    idea = ideas.ideas(fiscal_year=current_fiscal_year())[ideas.HANDLING][0]

    first = client.post("/staff/dx/ideas/open/", {"key": idea.key})
    second = client.post("/staff/dx/ideas/open/", {"key": idea.key})

    consultation = Consultation.objects.get()
    assert first["Location"] == second["Location"] == f"/staff/dx/{consultation.pk}/"
    assert consultation.origin == Origin.COUNTER_DATA
    assert consultation.section.department.code == "koseki" and consultation.section.is_counter
    assert consultation.procedure.code == "juki.move_in"
    assert (consultation.times_per_month, consultation.minutes_per_time) == (2, 40)
    page = client.get("/staff/dx/ideas/").content.decode()
    assert f"/staff/dx/{consultation.pk}/" in page


def test_an_unknown_idea_is_not_found(counter_days):
    client = Client()
    client.force_login(UserFactory(role="dx_desk"))

    assert client.post("/staff/dx/ideas/open/", {"key": "handling:nothing:2026"}).status_code == 404

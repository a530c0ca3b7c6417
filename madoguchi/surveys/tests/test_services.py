from datetime import timedelta

import pytest
from django.utils import timezone

from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.reception.models import Channel
from madoguchi.reception.tests.factories import VisitFactory
from madoguchi.surveys import services
from madoguchi.surveys.models import Receipt, Response

from .factories import ANSWERS, finished_visit


def test_a_response_keeps_the_visits_facts_and_nothing_that_names_it(clerk):
    visit = finished_visit(clerk, procedures=["cert.juminhyo"], channel=Channel.APPOINTMENT)
    response = services.response_submit(visit=visit, answers={**ANSWERS, "comment": "電話090-1111-2222へ"})
    assert response.procedures == ["cert.juminhyo"] and response.counters == ["koseki-cert"]
    assert response.channel == "appointment" and response.appointment and not response.preapplication
    assert response.wait_minutes is not None and response.handling_minutes is not None
    assert response.service_date == visit.service_date and response.version.number >= 1
    assert response.comment == "電話＊＊＊へ" and response.answers["comment"] == "電話＊＊＊へ"
    stored = {f.name: getattr(response, f.name) for f in Response._meta.fields}
    assert visit.ticket_number not in str(stored) and visit.status_token not in str(stored)
    assert not any(f.is_relation and f.related_model.__name__ == "Visit" for f in Response._meta.fields)


def test_a_second_response_for_the_same_visit_is_a_conflict(clerk):
    visit = finished_visit(clerk)
    services.response_submit(visit=visit, answers=ANSWERS)
    with pytest.raises(ConflictError):
        services.response_submit(visit=visit, answers=ANSWERS)
    assert Response.objects.count() == 1


def test_the_invitation_expires_fourteen_days_after_the_visit(clerk):
    visit = finished_visit(clerk)
    later = visit.completed_at + timedelta(days=14, minutes=1)
    with pytest.raises(services.InvitationExpired):
        services.response_submit(visit=visit, answers=ANSWERS, now=later)
    services.response_submit(visit=visit, answers=ANSWERS, now=visit.completed_at + timedelta(days=13))


def test_a_visit_not_finished_cannot_answer(site):
    visit = VisitFactory()
    with pytest.raises(services.InvitationUnknown):
        services.response_submit(visit=visit, answers=ANSWERS)


def test_an_invalid_answer_stores_nothing_at_all(clerk):
    visit = finished_visit(clerk)
    with pytest.raises(DomainError) as caught:
        services.response_submit(visit=visit, answers={**ANSWERS, "satisfaction": 6})
    assert caught.value.fields == ["answers.satisfaction"]
    assert not Response.objects.exists() and not Receipt.objects.exists()
    # and the visit may still answer
    services.response_submit(visit=visit, answers=ANSWERS, now=timezone.now())

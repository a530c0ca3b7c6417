"""Finished visits and responses for the survey's tests, made through the real services."""

from datetime import datetime

from madoguchi.reception import services as reception
from madoguchi.reception.models import Channel, Step
from madoguchi.reception.tests.factories import VisitFactory

from .. import services

# What a visitor typically answers to the standard survey (catalog/surveys/visit.yaml).
ANSWERS = {
    "aware_prefill": "used", "convenience_prefill": 5, "aware_cashless": "not_known",
    "aware_online": "knew_not_used", "reason_not_used": ["prefer_counter"],
    "satisfaction": 4, "wait_feeling": "acceptable", "age_band": "70s", "smartphone": "never",
}


def finished_visit(clerk, *, procedures=("cert.juminhyo",), channel=Channel.RECEPTION, now: datetime | None = None):
    """A visit served to the end at one counter by ``clerk`` (the ``clerk`` fixture serves koseki-cert)."""
    visit = VisitFactory(procedures=procedures, channel=channel, now=now)
    while True:
        queued = visit.steps.filter(status=Step.Status.QUEUED).first()
        if queued is None:
            break
        step = reception.step_call_next(counter=queued.counter, clerk=clerk, now=now)
        step = reception.step_start(step=step, clerk=clerk, now=now)
        reception.step_complete(step=step, clerk=clerk, now=now)
    visit.refresh_from_db()
    assert visit.status == visit.Status.DONE
    return visit


def response(clerk, *, answers=None, now=None, **kwargs):
    visit = finished_visit(clerk, now=now, **kwargs)
    return services.response_submit(visit=visit, answers=dict(ANSWERS if answers is None else answers), now=now)

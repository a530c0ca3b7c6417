"""Visits and Steps for tests, made through the real services (tickets, Steps, routing and events as
in production): a factory that wrote rows by hand would test a state the product never makes."""

from datetime import datetime

import factory

from madoguchi.catalog.models import Counter, Site
from madoguchi.reception import services
from madoguchi.reception.models import Channel, Step, Visit


class VisitFactory(factory.Factory):
    """``VisitFactory(procedures=["juki.move_in", "nhi.enroll"])`` → a registered visit, first Step queued.

    Needs the catalogue loaded (the ``starter_catalog`` fixture)."""

    class Meta:
        model = Visit

    site = factory.LazyFunction(lambda: Site.objects.get(code="honcho"))
    procedures = ("cert.juminhyo",)
    channel = Channel.RECEPTION
    needs = ()
    now: datetime | None = None

    @classmethod
    def _create(cls, model_class, *, site, procedures, channel, needs, now=None, **kwargs):
        return services.visit_register(site=site, procedure_codes=list(procedures), channel=channel,
                                       needs=list(needs), now=now, **kwargs)

    _build = _create


class StepFactory(factory.Factory):
    """The visit's queued Step called to ``clerk``'s desk (``started=True``: being served).

    ``StepFactory(visit=VisitFactory(procedures=[...]), clerk=clerk)``; the clerk must serve the counter."""

    class Meta:
        model = Step

    visit = factory.SubFactory(VisitFactory)
    clerk = None
    desk = 1
    started = False
    now: datetime | None = None

    @classmethod
    def _create(cls, model_class, *, visit, clerk, desk, started, now=None):
        queued = visit.steps.get(status=Step.Status.QUEUED)
        counter = Counter.objects.get(pk=queued.counter_id)
        step = services.step_call_next(counter=counter, clerk=clerk, desk=desk, now=now)
        assert step is not None and step.pk == queued.pk, "another visit was ahead at this counter"
        if started:
            step = services.step_start(step=step, clerk=clerk, now=now)
        return step

    _build = _create

"""The migration that puts one visitor per desk in the database keeps what an office already has: where the old
race left two visitors called to one desk, the later-called keeps their status and loses only the desk number."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from madoguchi.catalog.models import Site
from madoguchi.reception import services
from madoguchi.reception.models import Step

BEFORE = [("reception", "0006_queue_tail")]


@pytest.mark.django_db(transaction=True)
def test_two_visitors_at_one_desk_before_the_constraint_keep_their_state(starter_catalog):
    site = Site.objects.get(code="honcho")
    visits = [services.visit_register(site=site, procedure_codes=["cert.juminhyo"]) for _ in range(3)]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("reception")
    executor.migrate(BEFORE)
    try:
        # What the race left (no constraint yet): the first two both called to desk 1, the third at desk 2.
        for visit, desk in zip(visits, (1, 1, 2), strict=True):
            Step.objects.filter(visit=visit).update(status=Step.Status.CALLED, desk=desk, called_at=visit.arrived_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    desks = [Step.objects.get(visit=visit) for visit in visits]
    assert [(s.status, s.desk) for s in desks] == [("called", 1), ("called", None), ("called", 2)]

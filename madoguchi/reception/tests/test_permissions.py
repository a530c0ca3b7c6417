"""may_serve: a counter clerk at their counters only, read once per user object; supervisors anywhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.counters.selectors import counters_of
from madoguchi.reception.permissions import may_serve

pytestmark = pytest.mark.django_db


def test_a_clerk_s_counters_are_read_once_however_many_counters_are_asked_about(starter_catalog):
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-move", "kokuho"])
    counters = list(Counter.objects.filter(active=True))
    assert len(counters) > 5

    with CaptureQueriesContext(connection) as queries:
        allowed = {c.code for c in counters if may_serve(clerk, c)}

    assert allowed == {"koseki-move", "kokuho"}
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert {c.code for c in counters_of(clerk)} == {"koseki-move", "kokuho"}  # the console's list of counters
    assert len(queries) == 1  # the counters themselves; the clerk's were read already


def test_a_counter_assigned_or_taken_away_is_seen_at_once(starter_catalog):
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-move"])
    kokuho = Counter.objects.get(code="kokuho")
    assert not may_serve(clerk, kokuho)

    clerk.counters.add(kokuho)
    assert may_serve(clerk, kokuho)

    clerk.counters.remove(kokuho)
    assert not may_serve(clerk, kokuho)
    clerk.counters.set([kokuho])
    assert may_serve(clerk, kokuho) and not may_serve(clerk, Counter.objects.get(code="koseki-move"))


def test_supervisors_serve_anywhere_and_other_roles_nowhere(starter_catalog):
    counter = Counter.objects.get(code="kokuho")
    assert may_serve(UserFactory(role=Role.SUPERVISOR), counter)
    assert not may_serve(UserFactory(role=Role.RECEPTION, counters=["kokuho"]), counter)

"""Many kiosks and consoles at once, on PostgreSQL: tickets never repeat, no Step is served twice,
none is lost. (SQLite serialises writers, so the race this guards against cannot happen there.)"""

import random
import threading
import time
from collections import Counter as Tally

import pytest
from django.db import close_old_connections, connection

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.models import Step, StepEvent, Visit

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

REGISTERING_THREADS = int(__import__("os").environ.get("CONC_THREADS", 50))
VISITS_PER_THREAD = int(__import__("os").environ.get("CONC_VISITS", 40))
CONSOLES = 20
VISIT_KINDS = [["cert.juminhyo"], ["cert.tax"], ["cert.seal"], ["cert.juminhyo", "cert.koseki"],
               ["juki.move_in", "nhi.enroll"], ["juki.move_within"]]


def run_threads(targets):
    errors = []

    def wrap(target):
        try:
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    return threads, errors


def test_two_thousand_registrations_while_twenty_consoles_call_and_complete(starter_catalog):
    assert connection.vendor == "postgresql"
    site = Site.objects.get(code="honcho")
    # Every console gets a desk of its own: 3 counters × 7 desks ≥ 20 consoles.
    Counter.objects.filter(code__in=["koseki-cert", "koseki-move", "kokuho"]).update(desks=7)
    counters = list(Counter.objects.filter(code__in=["koseki-cert", "koseki-move", "kokuho"]).order_by("code"))
    clerks = [UserFactory(role=Role.COUNTER) for _ in range(CONSOLES)]
    registering_done = threading.Event()
    served: list[int] = []
    served_lock = threading.Lock()

    def register(seed):
        def work():
            close_old_connections()
            rng = random.Random(seed)
            for _ in range(VISITS_PER_THREAD):
                services.visit_register(site=site, procedure_codes=rng.choice(VISIT_KINDS), channel="kiosk")
        return work

    def console(index):
        def work():
            close_old_connections()
            counter = counters[index % len(counters)]
            desk = index // len(counters) + 1
            idle_after_done = 0
            while idle_after_done < 20:
                step = services.step_call_next(counter=counter, clerk=clerks[index], desk=desk)
                if step is None:
                    # Later Steps of multi-counter visits keep arriving from the other consoles
                    # for a while after the last registration.
                    idle_after_done += 1 if registering_done.is_set() else 0
                    time.sleep(0.2)
                    continue
                idle_after_done = 0
                services.step_complete(step=step, clerk=clerks[index])
                with served_lock:
                    served.append(step.pk)
        return work

    registrars, registrar_errors = run_threads([register(n) for n in range(REGISTERING_THREADS)])
    consoles, console_errors = run_threads([console(n) for n in range(CONSOLES)])
    for thread in registrars:
        thread.join()
    registering_done.set()
    for thread in consoles:
        thread.join()
    assert not registrar_errors, registrar_errors[:3]
    assert not console_errors, console_errors[:3]

    tickets = list(Visit.objects.values_list("ticket_number", flat=True))
    assert len(tickets) == REGISTERING_THREADS * VISITS_PER_THREAD
    assert len(set(tickets)) == len(tickets)
    assert sorted(Visit.objects.values_list("ticket_seq", flat=True)) == list(range(1, len(tickets) + 1))
    assert len(served) == len(set(served)), "a Step was served twice"
    calls = Tally(StepEvent.objects.filter(kind="called").values_list("step_id", flat=True))
    assert max(calls.values()) == 1
    # None lost: every Step at the three consoles' counters was served; the others still wait their turn.
    assert not Step.objects.filter(counter__in=counters, status__in=["queued", "called", "serving"]).exists()
    assert Step.objects.filter(status="done").count() == len(served)


def test_two_presses_at_one_desk_at_the_same_moment_call_one_visitor(starter_catalog):
    """A double click, or the console open in two tabs: both "call next" reach the server together. The
    database lets one desk hold one visitor, so one press calls and the other is told the desk is busy (409)."""
    site = Site.objects.get(code="honcho")
    counter = Counter.objects.get(code="koseki-cert")
    clerk = UserFactory(role=Role.SUPERVISOR)
    for round_ in range(15):
        for _ in range(2):
            services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
        barrier = threading.Barrier(2)
        called, refused = [], []

        def press(barrier=barrier, called=called, refused=refused):
            close_old_connections()
            barrier.wait()
            try:
                called.append(services.step_call_next(counter=counter, clerk=clerk, desk=1))
            except services.StepStateError:
                refused.append(True)

        threads, errors = run_threads([press, press])
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(called) == 1 and len(refused) == 1, (round_, called, refused)
        assert Step.objects.filter(counter=counter, desk=1, status__in=Step.ACTIVE).count() == 1
        services.step_complete(step=called[0], clerk=clerk)

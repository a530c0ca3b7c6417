"""Two residents racing for the last place of a slot: the database lets exactly one through.

PostgreSQL only: SQLite serialises every writer, so there is no race to lose there. The window between
counting a slot's bookings and inserting one is widened on purpose (the reference is drawn slowly), so
a booking that counted without the slot row's lock would over-book here.
"""

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from madoguchi.preapply import selectors, services
from madoguchi.preapply.models import Appointment
from madoguchi.preapply.refusals import AppointmentRefused

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=TOKYO)
SLOT = datetime(2026, 6, 2, 10, 0, tzinfo=TOKYO)


def race(count: int, group: str, procedure: str) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def attempt(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = services.appointment_book(group_code=group, starts_at=SLOT, procedure_codes=[procedure],
                                                       now=NOW)
        except AppointmentRefused as refusal:
            results[index] = refusal
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_reference(monkeypatch):
    draw = services._new_reference

    def slowly() -> str:
        time.sleep(0.2)
        return draw()

    monkeypatch.setattr(services, "_new_reference", slowly)


@pytest.mark.parametrize(("group", "procedure", "capacity"), [("family-register", "koseki.birth", 1),
                                                              ("moving", "juki.move_in", 2)])
def test_bookings_racing_for_a_slot_never_exceed_its_capacity(starter_catalog, slow_reference, group, procedure,
                                                               capacity):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: scripts/with_postgres.sh runs it (make test deselects it on SQLite)")
    services._slot_for(selectors.appointment_group(group), SLOT)  # the slot row exists: only the lock orders them
    results = race(6, group, procedure)
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, AppointmentRefused)]
    assert len(booked) == capacity and len(refused) == 6 - capacity, results
    assert Appointment.objects.filter(slot__starts_at=SLOT, slot__group_code=group).count() == capacity

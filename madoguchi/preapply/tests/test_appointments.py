"""Appointments: booking within the schedule and capacity, change and cancel by code, check-in with priority."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.preapply import selectors, services
from madoguchi.preapply.models import Appointment
from madoguchi.preapply.refusals import AppointmentRefused
from madoguchi.reception import services as reception

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
BOOKED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=TOKYO)  # a Monday
SLOT = datetime(2026, 6, 2, 10, 0, tzinfo=TOKYO)  # Tuesday 10:00


def book(starts_at=SLOT, *, group="moving", procedures=("juki.move_in",), contact="", now=BOOKED_AT):
    return services.appointment_book(group_code=group, starts_at=starts_at, procedure_codes=list(procedures),
                                     contact=contact, now=now)


@pytest.fixture
def reception_clerk(starter_catalog):
    return UserFactory(role=Role.RECEPTION)


def test_a_booking_gets_an_unambiguous_code_and_takes_a_place(starter_catalog):
    appointment = book()
    assert len(appointment.reference) == 8 and set(appointment.reference) <= set(services.REFERENCE_ALPHABET)
    assert appointment.slot.counter.code == "koseki-move" and appointment.status == Appointment.Status.BOOKED
    group = selectors.appointment_group("moving")
    assert selectors.places_left(appointment.slot, group) == group.capacity - 1
    event = Event.objects.get(action="appointment.booked")
    assert appointment.reference not in str(event.details)


def test_a_slot_past_its_capacity_is_refused(starter_catalog):
    book()
    book()
    with pytest.raises(AppointmentRefused):
        book()
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize("starts_at", [
    datetime(2026, 5, 5, 10, 0, tzinfo=TOKYO),  # こどもの日
    datetime(2026, 6, 6, 10, 0, tzinfo=TOKYO),  # a Saturday
    datetime(2026, 6, 2, 10, 10, tzinfo=TOKYO),  # not the start of a slot
    datetime(2026, 6, 2, 12, 0, tzinfo=TOKYO),  # lunch
    datetime(2026, 6, 1, 9, 30, tzinfo=TOKYO),  # within the notice
    datetime(2026, 5, 29, 10, 0, tzinfo=TOKYO),  # past
    datetime(2026, 8, 3, 10, 0, tzinfo=TOKYO),  # beyond the booking window
])
def test_times_outside_the_schedule_are_refused(starter_catalog, starts_at):
    with pytest.raises(AppointmentRefused):
        book(starts_at, now=BOOKED_AT if starts_at.month != 5 or starts_at.day != 5 else
             datetime(2026, 5, 1, 9, 0, tzinfo=TOKYO))
    assert not Appointment.objects.exists()


def test_a_holiday_offers_no_slots(starter_catalog):
    group = selectors.appointment_group("moving")
    golden_week = datetime(2026, 5, 1, 9, 0, tzinfo=TOKYO)
    days = [day for day, _free in selectors.open_days(group, now=golden_week)]
    for holiday in (3, 4, 5, 6):
        assert datetime(2026, 5, holiday).date() not in days
        assert selectors.slot_offers(group, now=golden_week, day=datetime(2026, 5, holiday).date()) == []
    assert datetime(2026, 5, 7).date() in days


def test_procedures_the_group_does_not_book_are_refused(starter_catalog):
    with pytest.raises(AppointmentRefused):
        book(procedures=["nhi.enroll"])
    with pytest.raises(AppointmentRefused):
        book(procedures=[])


@pytest.mark.parametrize("contact", ["4321-8765-2109", "not an address@", "12345"])
def test_a_contact_that_is_no_address_or_phone_is_refused(starter_catalog, contact):
    with pytest.raises(ValidationError) as error:
        book(contact=contact)
    assert "8765" not in " ".join(error.value.messages)


def test_a_phone_or_e_mail_contact_is_kept_until_the_retention_has_passed(starter_catalog):
    by_phone = book(contact="０９０－１２３４－５６７８")
    by_mail = book(contact="resident@example.jp")
    assert (by_phone.contact, by_mail.contact) == ("090-1234-5678", "resident@example.jp")
    assert services.appointment_contacts_purge(now=SLOT + timedelta(days=29)) == 0
    assert services.appointment_contacts_purge(now=SLOT + timedelta(days=31)) == 2
    assert not Appointment.objects.exclude(contact="").exists()


def test_cancelling_gives_the_place_back_and_only_once(starter_catalog):
    first, _second = book(), book()
    services.appointment_cancel(reference=first.reference_display.lower(), now=BOOKED_AT)
    assert Appointment.objects.get(pk=first.pk).status == Appointment.Status.CANCELLED
    book()  # the place is free again
    with pytest.raises(AppointmentRefused):
        services.appointment_cancel(reference=first.reference, now=BOOKED_AT)


def test_changing_moves_the_booking_and_keeps_its_code(starter_catalog):
    appointment = book()
    later = SLOT + timedelta(hours=1)
    changed = services.appointment_change(reference=appointment.reference, starts_at=later, now=BOOKED_AT)
    assert changed.reference == appointment.reference and changed.slot.starts_at == later
    book(later)
    with pytest.raises(AppointmentRefused):  # the later slot is full now
        services.appointment_change(reference=book().reference, starts_at=later, now=BOOKED_AT)


def test_an_unknown_code_is_refused(starter_catalog):
    with pytest.raises(AppointmentRefused):
        services.appointment_cancel(reference="ACDE-3479", now=BOOKED_AT)


def test_a_checked_in_booking_is_called_ahead_of_a_walk_in_who_came_earlier_within_the_priority(
        site, reception_clerk, settings):
    settings.APPOINTMENT_PRIORITY_MINUTES = 30
    appointment = book()
    long_before = reception.visit_register(site=site, procedure_codes=["juki.move_in"],
                                           now=SLOT - timedelta(minutes=40))
    shortly_before = reception.visit_register(site=site, procedure_codes=["juki.move_in"],
                                              now=SLOT - timedelta(minutes=10))
    visit = services.appointment_check_in(reference=appointment.reference, actor=reception_clerk, now=SLOT)
    assert visit.channel == "appointment" and visit.ticket_number.startswith("R-")
    assert visit.priority_at == SLOT - timedelta(minutes=30)
    counter = Counter.objects.get(code="koseki-move")
    clerk = UserFactory(role=Role.COUNTER)
    called = []
    for desk in (1, 2, 3):
        step = reception.step_call_next(counter=counter, clerk=clerk, desk=desk, now=SLOT + timedelta(minutes=1))
        called.append(step.visit_id)
    assert called == [long_before.pk, visit.pk, shortly_before.pk]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN and appointment.visit == visit


def test_arriving_early_buys_no_place_before_the_booked_time(site, reception_clerk, settings):
    settings.APPOINTMENT_PRIORITY_MINUTES = 30
    appointment = book()
    visit = services.appointment_check_in(reference=appointment.reference, actor=reception_clerk,
                                          now=SLOT - timedelta(minutes=20))
    assert visit.priority_at == SLOT - timedelta(minutes=30)
    assert visit.arrived_at == SLOT - timedelta(minutes=20)


def test_check_in_is_refused_too_early_on_another_day_and_twice(site, reception_clerk, settings):
    settings.APPOINTMENT_CHECKIN_EARLY_MINUTES = 60
    appointment = book()
    with pytest.raises(AppointmentRefused):
        services.appointment_check_in(reference=appointment.reference, actor=reception_clerk,
                                      now=SLOT - timedelta(minutes=61))
    with pytest.raises(AppointmentRefused):
        services.appointment_check_in(reference=appointment.reference, actor=reception_clerk,
                                      now=SLOT - timedelta(days=1))
    services.appointment_check_in(reference=appointment.reference, actor=reception_clerk, now=SLOT)
    with pytest.raises(AppointmentRefused):
        services.appointment_check_in(reference=appointment.reference, actor=reception_clerk, now=SLOT)
    assert appointment.slot.counter.site.visits.count() == 1


def test_a_late_check_in_lapses_the_booking_and_releases_its_place(site, reception_clerk, settings):
    settings.APPOINTMENT_GRACE_MINUTES = 15
    appointment = book()
    book()
    group = selectors.appointment_group("moving")
    assert selectors.places_left(appointment.slot, group) == 0
    with pytest.raises(AppointmentRefused):
        services.appointment_check_in(reference=appointment.reference, actor=reception_clerk,
                                      now=SLOT + timedelta(minutes=16))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW and not site.visits.exists()
    assert selectors.places_left(appointment.slot, group) == 1


def test_staff_mark_a_no_show_only_after_the_grace(site, reception_clerk, settings):
    settings.APPOINTMENT_GRACE_MINUTES = 15
    appointment = book()
    with pytest.raises(AppointmentRefused):
        services.appointment_no_show(appointment=appointment, actor=reception_clerk, now=SLOT + timedelta(minutes=5))
    services.appointment_no_show(appointment=appointment, actor=reception_clerk, now=SLOT + timedelta(minutes=16))
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.NO_SHOW


def test_the_daily_job_releases_every_booking_past_its_grace(site):
    overdue, on_time = book(), book(SLOT + timedelta(hours=3))
    assert services.appointment_no_shows_release(now=SLOT + timedelta(minutes=30)) == 1
    assert Appointment.objects.get(pk=overdue.pk).status == Appointment.Status.NO_SHOW
    assert Appointment.objects.get(pk=on_time.pk).status == Appointment.Status.BOOKED


def test_staff_see_the_days_bookings_per_counter(site):
    book(), book(group="health-insurance", procedures=["nhi.enroll"])
    cancelled = book(SLOT + timedelta(hours=1))
    services.appointment_cancel(reference=cancelled.reference, now=BOOKED_AT)
    day = selectors.day_bookings(day=SLOT.date(), site=site, user=UserFactory(role=Role.SUPERVISOR))
    assert [entry.counter.code for entry in day] == ["koseki-move", "kokuho"]
    assert [entry.booked for entry in day] == [1, 1]
    clerk = UserFactory(role=Role.COUNTER, counters=["kokuho"])
    assert [entry.counter.code for entry in selectors.day_bookings(day=SLOT.date(), site=site, user=clerk)] == [
        "kokuho"]

"""Appointment pages and API: book, find, change and cancel by a posted code; kiosk and reception check-in."""

import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.preapply.models import Appointment, AppointmentSlot
from madoguchi.reception.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _away_from_midnight(monkeypatch):
    """A booking "10 minutes from now" or "30 minutes ago" must fall on today: within 90 minutes of
    midnight (JST) the clock is moved two hours into the day (it still runs). Without it five tests
    failed in CI between 23:50 and 24:00 JST, when the slot 10 minutes ahead was tomorrow's."""
    real_now = timezone.now
    local = timezone.localtime(real_now())
    minutes = local.hour * 60 + local.minute
    if minutes < 90:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2))
    elif minutes >= 24 * 60 - 90:
        monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(hours=2))


def first_free_time(client, group="moving", *, times: int = 1) -> tuple[str, str]:
    """The first free time of the first day offered with at least ``times`` free times (late in the
    afternoon today may have only one left)."""
    day_text = None
    for _ in range(14):
        page = client.get(f"/appointments/{group}/" + (f"?day={day_text}" if day_text else "")).content.decode()
        day_text = re.search(r'name="day" value="([\d-]+)"', page).group(1)
        free = re.findall(r'name="starts_at" value="([^"]+)"', page)
        if len(free) >= times:
            return day_text, free[0]
        day_text = (date.fromisoformat(day_text) + timedelta(days=1)).isoformat()
    raise AssertionError(f"no day with {times} free times in two weeks")


def logged_in(role, **extra) -> Client:
    client = Client()
    user = UserFactory(role=role, **extra)
    client.force_login(user)
    return client


def booking_now(*, minutes_from_now: int = 10, contact: str = "") -> Appointment:
    """A booking for a slot about to start, made directly (check-in works any day and hour)."""
    start = timezone.now() + timedelta(minutes=minutes_from_now)
    slot = AppointmentSlot.objects.create(group_code="moving", counter=Counter.objects.get(code="koseki-move"),
                                          starts_at=start, ends_at=start + timedelta(minutes=30))
    return Appointment.objects.create(reference="ACDE3479", slot=slot, procedure_codes=["juki.move_in"],
                                      contact=contact, booked_at=timezone.now())


def test_the_groups_page_lists_what_can_be_booked(starter_catalog):
    page = Client().get("/appointments/").content.decode()
    for group in ("moving", "family-register", "health-insurance", "child-allowance"):
        assert f'href="/appointments/{group}/"' in page


def test_a_resident_books_a_time_and_gets_the_code_on_the_page_not_in_a_url(starter_catalog):
    client = Client()
    day, starts_at = first_free_time(client)
    response = client.post("/appointments/moving/", {"day": day, "starts_at": starts_at,
                                                     "procedures": ["juki.move_in"], "contact": "090-1234-5678"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    appointment = Appointment.objects.get()
    assert appointment.reference_display in response.content.decode()
    assert appointment.contact == "090-1234-5678"
    assert timezone.localtime(appointment.slot.starts_at).strftime("%Y-%m-%dT%H:%M") == starts_at


def test_a_booking_needs_a_time_and_a_procedure(starter_catalog):
    client = Client()
    day, _starts_at = first_free_time(client)
    response = client.post("/appointments/moving/", {"day": day})
    assert response.status_code == 422 and not Appointment.objects.exists()


def test_an_unknown_group_is_not_found(starter_catalog):
    assert Client().get("/appointments/nothing-here/").status_code == 404


def test_find_change_and_cancel_with_the_posted_code(starter_catalog):
    client = Client()
    day, starts_at = first_free_time(client, times=2)
    client.post("/appointments/moving/", {"day": day, "starts_at": starts_at, "procedures": ["juki.move_in"]})
    appointment = Appointment.objects.get()
    page = client.post("/appointments/manage/", {"reference": appointment.reference_display.lower(),
                                                  "action": "find"}).content.decode()
    assert 'id="booking"' in page and 'id="cancel"' in page

    page = client.post("/appointments/manage/", {"reference": appointment.reference,
                                                  "action": "change_day", "day": day}).content.decode()
    times = re.findall(r'name="starts_at" value="([^"]+)"', page)
    other = next(t for t in times if t != starts_at)
    response = client.post("/appointments/manage/", {"reference": appointment.reference, "action": "change",
                                                      "day": day, "starts_at": other,
                                                      "procedures": ["juki.move_in"]})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.slot.starts_at).strftime("%Y-%m-%dT%H:%M") == other

    asked = client.post("/appointments/manage/", {"reference": appointment.reference, "action": "cancel"})
    assert 'id="confirm-cancel"' in asked.content.decode()
    assert Appointment.objects.get().status == Appointment.Status.BOOKED  # asked first, nothing cancelled yet
    client.post("/appointments/manage/", {"reference": appointment.reference, "action": "cancel_confirmed"})
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def test_an_unknown_code_is_told_and_lookups_are_rate_limited(starter_catalog):
    client = Client()
    response = client.post("/appointments/manage/", {"reference": "ACDE-3479", "action": "find"})
    assert response.status_code == 404
    statuses = [client.post("/appointments/manage/", {"reference": "ACDE-3479"}).status_code for _ in range(30)]
    assert statuses[-1] == 429 and statuses.count(429) == 1
    assert "Retry-After" in client.post("/appointments/manage/", {"reference": "ACDE-3479"})


def test_public_forms_refuse_cross_site_posts(starter_catalog):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/appointments/manage/", {"reference": "ACDE-3479"}).status_code == 403
    assert client.post("/appointments/moving/", {"starts_at": "2026-06-02T10:00"}).status_code == 403


def test_the_kiosk_checks_in_by_code_and_shows_the_ticket(starter_catalog):
    appointment = booking_now()
    kiosk = logged_in(Role.KIOSK)
    response = kiosk.post("/kiosk/appointment/", {"reference": "acde 3479"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == f"/kiosk/ticket/{visit.status_token}/"
    assert visit.channel == "appointment" and visit.ticket_number.startswith("R-")
    response = kiosk.post("/kiosk/appointment/", {"reference": appointment.reference})
    assert response.status_code == 422 and 'id="checkin-error"' in response.content.decode()


def test_reception_checks_in_by_code_and_prints_the_route_sheet(starter_catalog):
    booking_now()
    response = logged_in(Role.RECEPTION).post("/staff/appointments/check-in", {"reference": "ACDE-3479"})
    visit = Visit.objects.get()
    assert response.url == f"/staff/visits/{visit.pk}/sheet/"


def test_a_clerk_sees_the_bookings_of_their_counter_and_a_contact_view_is_logged(starter_catalog):
    appointment = booking_now(contact="resident@example.jp")
    clerk = logged_in(Role.COUNTER, counters=["koseki-move"])
    page = clerk.get("/staff/appointments/").content.decode()
    assert "転入届" in page and "resident@example.jp" not in page
    assert appointment.reference_display not in page and "juki.move_in" not in page  # no codes on the list
    assert 'id="staff-check-in"' not in page  # counter clerks see, reception checks in
    page = clerk.get(f"/staff/appointments/{appointment.pk}/contact").content.decode()
    assert "resident@example.jp" in page
    assert PersonalDataAccess.objects.get().subject_id == str(appointment.pk)


def test_a_clerk_of_another_counter_neither_sees_nor_acts_on_a_booking(starter_catalog):
    appointment = booking_now(minutes_from_now=-30, contact="resident@example.jp")
    other = logged_in(Role.COUNTER, counters=["kokuho"])
    assert "転入届" not in other.get("/staff/appointments/").content.decode()
    assert other.get(f"/staff/appointments/{appointment.pk}/contact").status_code == 403
    assert other.get("/staff/appointments/999999/contact").status_code == 403  # missing and foreign alike
    assert other.post(f"/staff/appointments/{appointment.pk}/no-show").status_code == 403
    assert Appointment.objects.get().status == Appointment.Status.BOOKED
    assert not PersonalDataAccess.objects.exists()


def test_reception_sees_every_booking_but_no_contact(starter_catalog):
    appointment = booking_now(contact="resident@example.jp")
    reception = logged_in(Role.RECEPTION)
    page = reception.get("/staff/appointments/").content.decode()
    assert "転入届" in page and f"/staff/appointments/{appointment.pk}/contact" not in page
    assert reception.get(f"/staff/appointments/{appointment.pk}/contact").status_code == 403


def test_the_clerk_of_the_counter_marks_a_no_show_from_the_day_page(starter_catalog):
    appointment = booking_now(minutes_from_now=-30)
    logged_in(Role.COUNTER, counters=["koseki-move"]).post(f"/staff/appointments/{appointment.pk}/no-show")
    assert Appointment.objects.get().status == Appointment.Status.NO_SHOW


def test_residents_and_kiosks_cannot_open_the_staff_pages(starter_catalog):
    assert Client().get("/staff/appointments/").status_code == 302
    assert logged_in(Role.KIOSK).get("/staff/appointments/").status_code == 403
    assert logged_in(Role.COUNTER).post("/staff/appointments/check-in", {"reference": "x"}).status_code == 403
    assert Client().get("/kiosk/appointment/").status_code == 302


def test_the_api_lists_groups_and_slots_publicly_and_checks_in_for_staff(starter_catalog):
    client = Client()
    groups = client.get("/api/v1/appointments/groups").json()
    assert {g["code"] for g in groups} >= {"moving", "health-insurance"}
    slots = client.get("/api/v1/appointments/groups/moving/slots").json()
    assert slots and all(s["places_left"] == 2 for s in slots)
    assert client.get("/api/v1/appointments/groups/nothing/slots").status_code == 404
    booking_now()
    assert client.post("/api/v1/appointments/check-in", {"reference": "ACDE3479"},
                       content_type="application/json").status_code == 401
    response = logged_in(Role.RECEPTION).post("/api/v1/appointments/check-in", {"reference": "ACDE3479"},
                                              content_type="application/json")
    assert response.status_code == 201 and response.json()["ticket_number"].startswith("R-")


def test_the_booked_page_shows_when_check_in_opens(starter_catalog):
    client = Client()
    day, starts_at = first_free_time(client)
    page = client.post("/appointments/moving/", {"day": day, "starts_at": starts_at,
                                                 "procedures": ["juki.move_in"]}).content.decode()
    opens = (timezone.datetime.strptime(starts_at, "%Y-%m-%dT%H:%M") - timedelta(minutes=60)).strftime("%H:%M")
    assert opens in html.unescape(page)


def test_from_the_navigator_only_the_counters_for_its_procedures_are_offered_each_with_them_ticked(starter_catalog):
    client = Client()
    body = client.get("/appointments/?procedures=juki.move_in,mynumber.card_update,nhi.enroll,seal.register"
                      ).content.decode()
    assert 'id="asked-groups"' in body
    assert "/appointments/moving/?procedures=juki.move_in,mynumber.card_update" in body
    assert "/appointments/health-insurance/?procedures=nhi.enroll" in body
    assert "/appointments/family-register/" not in body
    page = client.get("/appointments/moving/?procedures=juki.move_in,mynumber.card_update").content.decode()
    for code in ("juki.move_in", "mynumber.card_update"):
        assert re.search(rf'value="{re.escape(code)}"[^>]*checked', page), code

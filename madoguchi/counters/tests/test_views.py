import re
from datetime import timedelta

import pytest
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory, logged_in
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.models import Desk, Step

pytestmark = pytest.mark.django_db


def test_a_clerk_cannot_open_a_console_of_a_counter_not_assigned(client, site):
    logged_in(client, Role.COUNTER, counters=["kokuho"])
    assert client.get("/staff/counters/kokuho/").status_code == 200
    assert client.get("/staff/counters/kosodate/").status_code == 403
    assert client.post("/staff/counters/kosodate/call-next").status_code == 403


def test_the_console_calls_completes_and_reports_the_handoff(client, site):
    visit = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"])
    logged_in(client, Role.COUNTER, counters=["koseki-move"])
    client.post("/staff/counters/koseki-move/call-next", {"desk": 2})
    step = visit.steps.get(counter__code="koseki-move")
    assert (step.status, step.desk) == ("called", 2)
    page = client.get("/staff/counters/koseki-move/").content.decode()
    assert visit.ticket_number in page
    response = client.post("/staff/counters/koseki-move/complete", {"step": step.pk, "memo": "済"}, follow=True)
    assert "kokuho" in str(visit.steps.get(status=Step.Status.QUEUED).counter.code)
    assert any("11" in str(m) for m in response.context["messages"])


def test_a_clerks_error_is_shown_not_raised(client, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    logged_in(client, Role.COUNTER, counters=["koseki-cert"])
    client.post("/staff/counters/koseki-cert/call-next")
    step = visit.steps.get()
    response = client.post("/staff/counters/koseki-cert/no-show", {"step": step.pk}, follow=True)
    assert response.status_code == 200
    assert any("秒待って" in str(m) for m in response.context["messages"])


def test_the_supervisor_closes_a_desk_and_the_wait_estimate_counts_it(client, site):
    logged_in(client, Role.SUPERVISOR)
    client.post("/staff/supervisor/desks/kokuho/2", {"open": "0"})
    assert not Desk.objects.get(counter__code="kokuho", number=2).is_open
    congestion = client.get("/api/v1/congestion").json()
    kokuho = next(c for s in congestion["sites"] for c in s["counters"] if c["code"] == "kokuho")
    assert kokuho["desks_open"] == 3


def test_the_supervisor_moves_a_waiting_visit(client, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.tax"])
    logged_in(client, Role.SUPERVISOR)
    step = visit.steps.get()
    client.post(f"/staff/supervisor/steps/{step.pk}/move", {"counter": "kazei"})
    step.refresh_from_db()
    assert step.counter.code == "kazei"


def test_the_daily_summary_is_computed_from_events(client, site):
    t0 = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], now=t0)
    clerk = UserFactory(role=Role.COUNTER)
    step = services.step_call_next(counter=visit.steps.get().counter, clerk=clerk, now=t0 + timedelta(minutes=6))
    services.step_start(step=step, clerk=clerk, now=t0 + timedelta(minutes=7))
    services.step_complete(step=step, clerk=clerk, now=t0 + timedelta(minutes=11))
    logged_in(client, Role.SUPERVISOR)
    rows = client.get(f"/staff/supervisor/summary/?date={t0.date()}").context["rows"]
    (row,) = rows
    figures = (row.counter.code, row.visits, row.served, row.mean_wait, row.mean_handling)
    assert figures == ("koseki-cert", 1, 1, 6.0, 4.0)


def test_the_display_board_answers_304_when_nothing_new_was_called(client, site):
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    logged_in(client, Role.DISPLAY)
    first = client.get("/display/calls?site=honcho")
    assert client.get("/display/calls?site=honcho", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    services.step_call_next(counter=Counter.objects.get(code="koseki-cert"), clerk=UserFactory(role=Role.COUNTER))
    changed = client.get("/display/calls?site=honcho", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "A-001" in changed.content.decode()
    assert "受付番号 A-001 の方" in changed.content.decode()


def test_a_display_device_reaches_only_its_screen(client, site):
    logged_in(client, Role.DISPLAY)
    assert client.get("/display/").status_code == 200
    assert client.get("/staff/reception/").status_code == 403
    assert client.get("/staff/counters/").status_code == 403


def test_the_congestion_page_has_counts_but_no_tickets(client, site):
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    body = client.get("/congestion/").content.decode()
    assert visit.ticket_number not in body
    assert "証明書" in body or "Certificates" in body


def test_a_board_for_a_counter_group_shows_only_its_counters(client, site):
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    kokuho_visit = services.visit_register(site=site, procedure_codes=["nhi.enroll"])
    clerk = UserFactory(role=Role.COUNTER)
    for code in ("koseki-cert", "kokuho"):
        services.step_call_next(counter=Counter.objects.get(code=code), clerk=clerk)
    logged_in(client, Role.DISPLAY)
    body = client.get("/display/calls?site=honcho&counters=kokuho,kouki").content.decode()
    assert kokuho_visit.ticket_number in body
    assert "A-001" not in body


def test_the_staff_navigator_adds_what_the_facts_imply_to_the_visit_at_my_desk(client, site):
    visit = services.visit_register(site=site, procedure_codes=["juki.move_in"])
    logged_in(client, Role.COUNTER, counters=["koseki-move"])
    client.post("/staff/counters/koseki-move/call-next")
    client.get("/staff/counters/koseki-move/")  # the console now knows the visitor at my desk
    response = client.post("/staff/counters/serving-visit/add",
                           {"codes": "juki.move_in,kosodate.child_allowance,gakumu.school_transfer"})
    assert response["Location"] == "/staff/counters/koseki-move/"
    codes = {p.code for s in visit.steps.all() for p in s.procedures.all()}
    assert codes == {"juki.move_in", "kosodate.child_allowance", "gakumu.school_transfer"}


def test_the_console_poll_answers_304_until_something_happens_at_the_counter(client, site):
    logged_in(client, Role.COUNTER, counters=["koseki-cert"])
    url = "/staff/counters/koseki-cert/queue"
    first = client.get(url)
    assert first.status_code == 200 and "<html" not in first.content.decode()  # the queue partial only
    etag = first["ETag"]

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "A-001" in changed.content.decode()


def test_the_console_poll_of_another_counter_is_refused(client, site):
    logged_in(client, Role.COUNTER, counters=["koseki-cert"])
    assert client.get("/staff/counters/kokuho/queue").status_code == 403


def test_the_congestion_page_says_closed_now_and_when_it_opens(client, site, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.core.cache import cache, caches

    from madoguchi.core.dates import OfficeState
    from madoguchi.counters import views

    opens = datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    monkeypatch.setattr(views, "office_state", lambda: OfficeState(False, opens))
    body = client.get("/congestion/").content.decode()
    assert 'id="closed-now"' in body and "12月7日（月）" in body and "8:30" in body
    assert "congestion-table" not in body
    # Someone still in line after hours (or on a Sunday opening): the table, not "closed".
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    cache.clear()  # the figures are cached for a few seconds, in each process and in the shared cache
    caches["shared"].clear()
    body = client.get("/congestion/").content.decode()
    assert "congestion-table" in body and 'id="closed-now"' not in body


def test_a_long_wait_is_marked_in_words_not_by_colour_alone(client, site, monkeypatch):
    from madoguchi.core.dates import OfficeState
    from madoguchi.counters import views

    monkeypatch.setattr(views, "office_state", lambda: OfficeState(True, None))
    monkeypatch.setattr(views, "LONG_WAIT_MINUTES", 1)
    for _ in range(12):
        services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    body = client.get("/congestion/", headers={"Accept-Language": "en"}).content.decode()
    row = re.search(r'<tr class="congestion-row--long">(.*?)</tr>', body, re.S)
    assert row is not None and "Long wait" in row.group(1) and "wait-long__mark" in row.group(1)


def test_the_next_counter_seeing_a_handoff_memo_is_logged_and_no_memo_logs_nothing(client, site):
    from madoguchi.audit.models import PersonalDataAccess

    visit = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"])
    logged_in(client, Role.COUNTER, counters=["koseki-move", "kokuho"])
    client.post("/staff/counters/koseki-move/call-next", {"desk": 1})
    client.get("/staff/counters/koseki-move/")
    assert not PersonalDataAccess.objects.exists()  # the first counter: no memo yet
    step = visit.steps.get(counter__code="koseki-move")
    client.post("/staff/counters/koseki-move/complete", {"step": step.pk, "memo": "耳が遠いのでゆっくり"})
    client.post("/staff/counters/kokuho/call-next", {"desk": 1})

    page = client.get("/staff/counters/kokuho/").content.decode()

    assert "耳が遠いのでゆっくり" in page
    access = PersonalDataAccess.objects.get()
    assert (access.subject_id, access.fields) == (str(visit.pk), ["handoff_memo"])

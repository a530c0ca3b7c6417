"""Issue 18 §4, lean request paths: what registration and the counter's three calls read and write, and
the work they leave out because it cannot apply. Query counts are the database round trips of one request
(authentication included); they are what a request costs the server, whatever the machine."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core import background
from madoguchi.core.roles import Role
from madoguchi.reception import notices, routing, selectors, services
from madoguchi.reception.models import StatusNotice, Step, StepEvent, Visit

from .test_api import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_auth(starter_catalog, capsys):
    from .test_api import token_for

    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.SUPERVISOR), capsys)}"}


@pytest.fixture
def reception_auth(starter_catalog, capsys):
    from .test_api import token_for

    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.RECEPTION), capsys)}"}


def queries_of(call) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, [q["sql"] for q in captured.captured_queries]


def test_routing_compares_only_the_counters_the_prerequisites_leave_open():
    move_in = routing.PendingStep(1, "koseki-move", frozenset({"juki.move_in"}))
    insurance = routing.PendingStep(2, "kokuho", frozenset({"nhi.enroll"}))
    certificate = routing.PendingStep(3, "koseki-cert", frozenset({"cert.juminhyo"}))
    cashier = routing.PendingStep(4, "kaikei", frozenset(), last=True)
    prerequisites = {"nhi.enroll": frozenset({"juki.move_in"})}
    assert routing.counters_compared([move_in, insurance, cashier], prerequisites) == {"koseki-move"}
    assert routing.counters_compared([move_in, certificate, insurance], prerequisites) == {"koseki-move",
                                                                                           "koseki-cert"}
    assert routing.counters_compared([], prerequisites) == set()


def test_registration_figures_no_queue_when_the_prerequisites_decide_and_tells_the_whole_queues_wait(
        site, monkeypatch):
    for _ in range(3):
        services.visit_register(site=site, procedure_codes=["juki.move_in"])
    figured = []
    real = selectors.expected_waits_by_code

    def spy(counters, **kwargs):
        figured.append(sorted(c.code for c in counters))
        return real(counters, **kwargs)

    monkeypatch.setattr(selectors, "expected_waits_by_code", spy)
    counter = Counter.objects.get(code="koseki-move")
    expected = selectors.queue_figures(desks={counter.pk: counter.desks}, now=timezone.now())[counter.pk]
    visit = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"])
    assert figured == []  # 国保 waits for the move-in: no queue decides anything
    queued = StepEvent.objects.get(visit=visit, kind=StepEvent.Kind.QUEUED)
    # Joined at the kept tail, the wait told is the one the whole queue figured a moment before gives.
    assert queued.details["estimated_wait_minutes"] == pytest.approx(expected.wait_for_new_arrival, abs=0.1)


def test_a_registration_joins_the_kept_tail_reads_no_queue_and_answers_from_what_it_wrote(client, reception_auth):
    post(client, "/api/v1/visits", {"procedures": ["juki.move_in"]}, **reception_auth)
    response, sql = queries_of(lambda: post(client, "/api/v1/visits", {"procedures": ["juki.move_in", "nhi.enroll"]},
                                            **reception_auth))
    assert response.status_code == 201
    reads_of_steps = [q for q in sql if q.startswith("SELECT") and '"reception_step"' in q.split("FROM", 1)[1][:40]]
    # The first registration laid the counter's queue out; the second joins its tail: no Step read at all.
    assert reads_of_steps == []
    assert not [q for q in sql if q.startswith("SELECT") and ("catalog_procedure" in q.split("FROM", 1)[-1][:40]
                                                              or "catalog_site" in q.split("FROM", 1)[-1][:40])]
    assert len(sql) <= 12, sql
    # … and says what a read would: the same answer as GET /visits/{id}.
    body = response.json()
    assert body == client.get(f"/api/v1/visits/{body['id']}", **reception_auth).json()
    queued = [s for s in body["steps"] if s["status"] == "queued"]
    assert len(queued) == 1 and len(body["steps"]) == 2
    assert queued[0]["counter_name"] == Counter.objects.get(code="koseki-move").name_ja


def test_call_and_start_is_one_update_and_one_insert_with_both_events(client, reception_auth, supervisor_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    answer, sql = queries_of(lambda: post(client, "/api/v1/counters/koseki-cert/call-next",
                                          {"desk": 1, "start": True}, **supervisor_auth))
    assert answer.status_code == 200 and answer.json()["step"]["status"] == "serving"
    assert len([q for q in sql if q.startswith("UPDATE") and '"reception_step"' in q]) == 1
    assert len([q for q in sql if q.startswith("INSERT") and '"reception_stepevent"' in q]) == 1
    step = Step.objects.get(pk=answer.json()["step"]["id"])
    assert step.called_at == step.started_at is not None and step.desk == 1
    assert list(StepEvent.objects.filter(step=step).order_by("id").values_list("kind", flat=True)) == [
        StepEvent.Kind.QUEUED, StepEvent.Kind.CALLED, StepEvent.Kind.SERVING]


def test_start_and_complete_lock_the_row_once_and_look_for_no_notice(client, reception_auth, supervisor_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    step_id = post(client, "/api/v1/counters/koseki-cert/call-next", **supervisor_auth).json()["step"]["id"]
    started, sql = queries_of(lambda: post(client, f"/api/v1/steps/{step_id}/start", **supervisor_auth))
    assert started.status_code == 200 and started.json()["status"] == "serving"
    assert sum(1 for q in sql if '"reception_step"' in q and q.startswith("SELECT")) == 1  # the lock
    assert not [q for q in sql if "reception_statusnotice" in q]  # service starting moves nobody in a queue
    completed, sql = queries_of(lambda: post(client, f"/api/v1/steps/{step_id}/complete", **supervisor_auth))
    assert completed.status_code == 200
    body = completed.json()
    assert body["status"] == "done" and body["steps"][0]["procedures"] == ["cert.juminhyo"]
    assert body["survey_url"] and body["status_url"].endswith(f"/v/{Visit.objects.get().status_token}/")
    # The visit's own notice is discarded (it ended); no "turn is near" check (nobody's place moved).
    assert [q for q in sql if "reception_statusnotice" in q] == [
        q for q in sql if q.startswith("DELETE") and "reception_statusnotice" in q]
    assert len(sql) <= 12, sql


def test_a_completion_answers_what_the_database_then_holds_without_reading_it_again(
        client, reception_auth, supervisor_auth):
    visit_id = post(client, "/api/v1/visits", {"procedures": ["juki.move_in", "nhi.enroll"]}, **reception_auth
                    ).json()["id"]
    for status in ("active", "done"):  # handed on to its second counter, then done
        counter = Step.objects.get(visit_id=visit_id, status=Step.Status.QUEUED).counter.code
        step_id = post(client, f"/api/v1/counters/{counter}/call-next", **supervisor_auth).json()["step"]["id"]
        completed, sql = queries_of(lambda step_id=step_id: post(client, f"/api/v1/steps/{step_id}/complete",
                                                                    **supervisor_auth))
        assert completed.status_code == 200 and completed.json()["status"] == status
        assert completed.json() == client.get(f"/api/v1/visits/{visit_id}", **supervisor_auth).json()
        # Nothing read after its last write: the answer is what it read before and what it wrote.
        last_write = max(i for i, q in enumerate(sql) if q.startswith(("INSERT", "UPDATE", "DELETE")))
        assert not [q for q in sql[last_write:] if q.startswith("SELECT")], sql[last_write:]
        # Handed on with one Step left, no wait is compared: the next counter's queue is figured once, for the wait
        # told (its queue, and the visitors who will be handed in: two reads).
        queue_reads = [q for q in sql if q.startswith("SELECT") and "'queued', 'called', 'serving'" in q]
        assert len(queue_reads) == (2 if status == "active" else 0), queue_reads


def test_a_counter_clerk_serves_in_as_many_round_trips_as_a_supervisor(client, reception_auth, supervisor_auth,
                                                                        capsys):
    from .test_api import token_for

    # Whether the counter is the clerk's comes with the counter (call-next) and with the locked Step (start,
    # complete): no query of its own.
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    clerk_auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(clerk, capsys)}"}
    counts = {}
    for who, auth in (("supervisor", supervisor_auth), ("clerk", clerk_auth)):
        post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
        called, on_call = queries_of(lambda auth=auth: post(client, "/api/v1/counters/koseki-cert/call-next", **auth))
        step_id = called.json()["step"]["id"]
        started, on_start = queries_of(lambda auth=auth, step_id=step_id: post(
            client, f"/api/v1/steps/{step_id}/start", **auth))
        completed, on_complete = queries_of(lambda auth=auth, step_id=step_id: post(
            client, f"/api/v1/steps/{step_id}/complete", **auth))
        assert (called.status_code, started.status_code, completed.status_code) == (200, 200, 200)
        counts[who] = (len(on_call), len(on_start), len(on_complete))
        # No query of its own for the clerk's counters: an EXISTS in the statement that reads the counter or the Step.
        assert not [q for q in on_call + on_start + on_complete if "accounts_user_counters" in q and "EXISTS" not in q]
    assert counts["clerk"] == counts["supervisor"], counts


def test_a_clerk_of_another_counter_gets_404_and_nothing_changes(client, reception_auth, capsys):
    from .test_api import token_for

    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    step = Step.objects.get()
    step.status, step.desk = Step.Status.CALLED, 1
    step.save()
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory(role=Role.COUNTER, counters=['kokuho']), capsys)}"}
    for action in ("start", "complete", "recall", "no-show"):
        assert post(client, f"/api/v1/steps/{step.pk}/{action}", **other).status_code == 404
    step.refresh_from_db()
    assert step.status == Step.Status.CALLED and step.started_at is None and step.recall_count == 0


def test_only_changes_that_move_a_queue_look_for_due_notices(site, clerk, django_capture_on_commit_callbacks):
    visit = services.visit_register(site=site, procedure_codes=["juki.move_in", "nhi.enroll"])
    counter = Counter.objects.get(code="koseki-move")
    with django_capture_on_commit_callbacks() as called:
        step = services.step_call_next(counter=counter, clerk=clerk)
    assert len(called) == 1  # the queue moved up
    with django_capture_on_commit_callbacks() as started:
        services.step_start(step=step, clerk=clerk)
    assert started == []
    with django_capture_on_commit_callbacks() as completed:
        services.step_complete(step=step, clerk=clerk)
    assert len(completed) == 1  # handed on: queued at 国保, where a notice may now be due
    assert visit.steps.get(status=Step.Status.QUEUED).counter.code == "kokuho"


def test_notices_of_earlier_days_go_at_the_first_check_of_the_day_not_at_every_check(site, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(notices, "_discarded_on", None)
    old = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    Visit.objects.filter(pk=old.pk).update(service_date=timezone.localdate() - timedelta(days=1))
    StatusNotice.objects.create(visit=old, channel="sms", address="09012345678", language="ja",
                                created_at=timezone.now())
    counter = Counter.objects.get(code="koseki-cert")
    notices.status_notices_send_due(counter_ids=[counter.pk])
    assert not StatusNotice.objects.exists()
    _sent, sql = queries_of(lambda: notices.status_notices_send_due(counter_ids=[counter.pk]))
    assert not [q for q in sql if q.startswith("DELETE")] and len(sql) == 1


def test_call_next_answers_with_the_step_it_wrote(client, reception_auth, supervisor_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    response, sql = queries_of(lambda: post(client, "/api/v1/counters/koseki-cert/call-next", {"desk": 3},
                                            **supervisor_auth))
    body = response.json()
    assert body["step"]["status"] == "called" and body["step"]["desk"] == 3
    assert body["step"]["procedures"] == ["cert.juminhyo"]
    assert len(sql) <= 12, json.dumps(sql, ensure_ascii=False)


def test_call_and_start_in_one_request_writes_both_events_in_order(client, reception_auth, supervisor_auth):
    post(client, "/api/v1/visits", {"procedures": ["cert.juminhyo"]}, **reception_auth)
    response = post(client, "/api/v1/counters/koseki-cert/call-next", {"desk": 2, "start": True}, **supervisor_auth)
    assert response.status_code == 200 and response.json()["step"]["status"] == "serving"
    step = Step.objects.get()
    assert step.status == Step.Status.SERVING and step.called_at == step.started_at and step.desk == 2
    assert list(step.events.order_by("id").values_list("kind", flat=True)) == ["queued", "called", "serving"]
    assert post(client, f"/api/v1/steps/{step.pk}/complete", **supervisor_auth).json()["status"] == "done"


def test_the_turn_is_near_check_reads_the_front_of_the_queue_not_all_of_it(site, clerk,
                                                                           django_capture_on_commit_callbacks):
    """A March queue of 60 where ten visitors asked to be told: each call looks at the three at the front
    (the only ones a notice can be due to), in one query when none of them asked — and tells the one who did."""
    from django.core import mail

    counter = Counter.objects.get(code="koseki-cert")
    visits = [services.visit_register(site=site, procedure_codes=["cert.juminhyo"]) for _ in range(60)]
    for visit in visits[10:60:5]:
        notices.status_notice_subscribe(visit=visit, channel="email", address="hanako@example.jp", language="ja")
    for _ in range(7):
        services.step_complete(step=services.step_call_next(counter=counter, clerk=clerk), clerk=clerk)
    # visits[7..9] are now at the front
    notices.status_notices_send_due(counter_ids=[counter.pk])  # (the day's first check also clears earlier days)
    _sent, sql = queries_of(lambda: notices.status_notices_send_due(counter_ids=[counter.pk]))
    assert len(sql) == 1 and "LIMIT 3" in sql[0], sql  # nobody at the front asked
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.step_call_next(counter=counter, clerk=clerk)  # visits[10] has two ahead now
    assert background.wait() and len(mail.outbox) == 1 and visits[10].ticket_number in mail.outbox[0].subject
    assert "2" in mail.outbox[0].body

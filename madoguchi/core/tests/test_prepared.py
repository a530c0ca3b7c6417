"""Querysets compiled once (core.prepared): each prepared query of the project reads what its plain
queryset reads — the same rows, fields, related objects and annotations, in one query — on the database
under test; and a queryset that cannot be prepared is refused when it is compiled, not run wrong."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core import api_auth
from madoguchi.core.models import ApiToken
from madoguchi.core.prepared import PreparedQuery
from madoguchi.core.roles import Role
from madoguchi.reception import services
from madoguchi.reception.models import Step
from madoguchi.reception.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def same(prepared, plain, fields: list[str], related: list[str] = (), annotations: list[str] = ()) -> None:
    assert type(prepared) is type(plain) and prepared.pk == plain.pk
    assert prepared._state.db == plain._state.db and not prepared._state.adding
    for name in fields:
        assert getattr(prepared, name) == getattr(plain, name), name
    for name in related:  # loaded with the row: reading it asks the database nothing
        with CaptureQueriesContext(connection) as queries:
            assert getattr(prepared, name) == getattr(plain, name)
        assert not queries.captured_queries, name
    for name in annotations:
        assert getattr(prepared, name) == getattr(plain, name), name


def test_the_api_token_with_its_user_is_read_as_the_queryset_reads_it(starter_catalog):
    user = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    token = api_token_get_or_create(user=user)
    plain = ApiToken.objects.select_related("user").get(pk=token.pk)
    with CaptureQueriesContext(connection) as queries:
        prepared = api_auth._TOKEN_WITH_ITS_USER.one(pk=token.pk)
    assert len(queries.captured_queries) == 1
    same(prepared, plain, ["salt", "created_at", "last_used_at", "user_id"], related=["user"])
    same(prepared.user, plain.user, ["username", "role", "is_active", "password", "last_login"])
    assert prepared.matches(token.key.partition(".")[2])
    with pytest.raises(ApiToken.DoesNotExist):
        api_auth._TOKEN_WITH_ITS_USER.one(pk=token.pk + 1000)


def test_the_locked_step_and_the_next_visitor_are_read_as_their_querysets_read_them(starter_catalog):
    first = VisitFactory(procedures=["juki.move_in", "nhi.enroll"])
    VisitFactory(procedures=["juki.move_in"])
    move = Counter.objects.get(code="koseki-move")
    with transaction.atomic():
        plain = services._first_waiting(move.pk, 1).first()
        with CaptureQueriesContext(connection) as queries:
            prepared = services._FIRST_WAITING.first(counter_id=move.pk, desk=1)
        assert len(queries.captured_queries) == 1
        assert prepared.visit_id == first.pk  # the first in the queue
        same(prepared, plain, ["status", "priority_at", "counter_id", "desk"], related=["visit"],
             annotations=["procedure_codes_joined"])
        assert services._FIRST_WAITING.first(counter_id=move.pk + 1000, desk=1) is None

        plain = (Step.objects.select_related("visit", "counter").get(pk=prepared.pk))
        locked = services._lock_step(prepared.pk)
        same(locked, plain, ["status", "priority_at", "visit_id", "counter_id"], related=["visit", "counter"])
        assert locked.procedure_codes_joined in ("juki.move_in", "juki.move_in,nhi.enroll", "nhi.enroll,juki.move_in")


def test_a_desk_with_its_visitor_takes_nobody_through_the_prepared_query(starter_catalog):
    VisitFactory(procedures=["cert.juminhyo"])
    VisitFactory(procedures=["cert.juminhyo"])
    cert = Counter.objects.get(code="koseki-cert")
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    services.step_call_next(counter=cert, clerk=clerk, desk=1)
    with transaction.atomic():
        assert services._FIRST_WAITING.first(counter_id=cert.pk, desk=1) is None  # desk 1 still has its visitor
        assert services._FIRST_WAITING.first(counter_id=cert.pk, desk=2) is not None


def test_the_counter_of_a_call_is_read_as_the_queryset_reads_it(starter_catalog):
    from madoguchi.reception import api

    plain = Counter.objects.get(code="koseki-cert", active=True)
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    other = UserFactory(role=Role.COUNTER, counters=["kokuho"])
    same(api._ACTIVE_COUNTER.first(code="koseki-cert"), plain, ["code", "name_ja", "desks", "site_id", "active"])
    read = api._ACTIVE_COUNTER_OF_CLERK.first(code="koseki-cert", user_id=clerk.pk)
    same(read, plain, ["code", "name_ja", "desks", "site_id", "active"])
    assert read.assigned is True
    assert api._ACTIVE_COUNTER_OF_CLERK.first(code="koseki-cert", user_id=other.pk).assigned is False
    Counter.objects.filter(pk=plain.pk).update(active=False)
    assert api._ACTIVE_COUNTER.first(code="koseki-cert") is None and api._ACTIVE_COUNTER.first(code="") is None
    assert api._ACTIVE_COUNTER_OF_CLERK.first(code="koseki-cert", user_id=clerk.pk) is None


def test_the_locked_step_says_whether_its_counter_is_the_clerk_s(starter_catalog):
    step = VisitFactory(procedures=["cert.juminhyo"]).steps.get()
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    other = UserFactory(role=Role.COUNTER, counters=["kokuho"])
    with transaction.atomic():
        locked = services._lock_step(step.pk, clerk.pk)
        same(locked, services._lock_step(step.pk), ["status", "priority_at", "visit_id", "counter_id"],
             related=["visit", "counter"], annotations=["procedure_codes_joined"])
        assert locked.clerk_assigned is True and services._lock_step(step.pk, other.pk).clerk_assigned is False


def test_the_visit_summary_is_the_rows_of_its_queryset(starter_catalog):
    from madoguchi.reception import selectors

    visit = VisitFactory(procedures=["juki.move_in", "nhi.enroll", "cert.juminhyo"])
    prepared = selectors._SUMMARY_OF_VISIT.all(pk=visit.pk)
    assert prepared == list(selectors._summary_rows(Step.objects.filter(visit_id=visit.pk))) and len(prepared) >= 3
    assert selectors._SUMMARY_OF_VISIT.all(pk=visit.pk + 1000) == []


def test_the_status_polls_reads_are_the_rows_of_their_querysets(starter_catalog):
    from madoguchi.reception import selectors
    from madoguchi.reception.models import Desk, StepEvent, Visit

    visit = VisitFactory(procedures=["juki.move_in", "nhi.enroll"])
    move = Counter.objects.get(code="koseki-move")
    services.desk_set_open(counter=move, number=2, is_open=False)
    plain = Visit.objects.select_related("site").get(status_token=visit.status_token)
    same(selectors.visit_by_token(visit.status_token), plain, ["ticket_number", "status", "site_id"], related=["site"])
    assert selectors.visit_by_token("no-such-token") is None
    assert sorted(selectors._VERSION_STEPS.all(visit_id=visit.pk)) == sorted(
        Step.objects.filter(visit_id=visit.pk).values_list("id", "counter_id", "status"))  # no ORDER BY: as a set
    last = StepEvent.objects.filter(counter_id=move.pk).order_by("-at", "-id").values_list("id", flat=True).first()
    assert last is not None and selectors._VERSION_LAST_EVENT.first(counter_id=move.pk) == last
    closed = Desk.objects.filter(counter_id=move.pk, is_open=False).order_by("number").values_list("number", flat=True)
    assert selectors._VERSION_CLOSED_DESKS.all(counter_id=move.pk) == list(closed) == [2]


def test_a_values_list_with_an_annotation_cannot_be_prepared(starter_catalog):
    from django.db.models import Count

    counted = PreparedQuery(lambda pk: Step.objects.filter(visit_id=pk).annotate(n=Count("procedures"))
                            .values_list("id", "n"), pk=int)
    with pytest.raises(ValueError, match="cannot be prepared"):
        counted.all(pk=1)


def test_values_of_another_type_or_name_are_refused():
    with pytest.raises(TypeError):
        api_auth._TOKEN_WITH_ITS_USER.one(pk="7")
    with pytest.raises(TypeError):
        api_auth._TOKEN_WITH_ITS_USER.one(id=7)
    with pytest.raises(TypeError):
        PreparedQuery(lambda day: Step.objects.filter(called_at__date=day), day=object)


def test_a_value_that_does_not_reach_the_sql_as_itself_cannot_be_prepared():
    wrapped = PreparedQuery(lambda code: Counter.objects.filter(code__icontains=code), code=str)
    with pytest.raises(ValueError, match="cannot be prepared"):
        wrapped.all(code="cert")  # the parameter is %code%, not the value


@pytest.mark.postgres_only  # SQLite has no FOR UPDATE
@pytest.mark.django_db(transaction=True)  # outside the test's own transaction
def test_a_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it(starter_catalog):
    visit = VisitFactory(procedures=["cert.juminhyo"])
    with pytest.raises(TransactionManagementError):
        services._lock_step(visit.steps.get().pk)


def test_the_counter_s_queue_tail_is_read_and_locked_as_its_queryset_reads_it(starter_catalog):
    from madoguchi.reception.models import QueueTail

    cert = Counter.objects.get(code="koseki-cert")
    VisitFactory(procedures=["cert.juminhyo"])
    services.visit_register(site=cert.site, procedure_codes=["cert.juminhyo"])  # the tail is kept from here
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        prepared = services._TAIL_LOCKED.one(counter_id=cert.pk)
    plain = QueueTail.objects.get(counter_id=cert.pk)
    same(prepared, plain, ["figured_at", "desks", "desk_free_at", "incoming_later"])
    assert isinstance(prepared.desk_free_at, list) and prepared.desk_free_at  # the JSON read back, not its text
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries.captured_queries[0]["sql"]
    with transaction.atomic():
        assert services._TAIL_LOCKED.all(counter_id=cert.pk + 1000) == []
        created = services._locked_tail(Counter.objects.get(code="kokuho").pk)  # none yet: made, then locked
    assert created.figured_at == services.TAIL_DROPPED


def test_the_queue_tail_is_written_as_save_with_update_fields_writes_it(starter_catalog):
    from datetime import timedelta

    from django.db import DatabaseError
    from django.utils import timezone

    from madoguchi.core.prepared import PreparedUpdate
    from madoguchi.reception.models import QueueTail

    cert, move = Counter.objects.get(code="koseki-cert"), Counter.objects.get(code="koseki-move")
    at = timezone.now().replace(microsecond=123456)
    values = {"figured_at": at, "desks": 3, "desk_free_at": [0.5, 2.25, 7.0], "incoming_later": [[4.5, 10.0, 1]]}
    for counter in (cert, move):
        QueueTail.objects.create(counter=counter, figured_at=at - timedelta(hours=1))
    prepared, plain = QueueTail.objects.get(counter=cert), QueueTail.objects.get(counter=move)
    for name, value in values.items():
        setattr(prepared, name, value)
        setattr(plain, name, value)
    services._TAIL_FIGURED.save(prepared)
    plain.save(update_fields=list(values))
    written, expected = QueueTail.objects.get(counter=cert), QueueTail.objects.get(counter=move)
    for name, value in values.items():
        assert getattr(written, name) == getattr(expected, name) == value, name
    prepared.desk_free_at = [1.0]
    services._TAIL_MOVED_ON.save(prepared)  # the other fields untouched
    assert QueueTail.objects.get(counter=cert).desk_free_at == [1.0]
    assert QueueTail.objects.get(counter=cert).desks == 3

    QueueTail.objects.filter(counter=cert).delete()
    with pytest.raises(QueueTail.DoesNotExist):
        services._TAIL_MOVED_ON.save(prepared)  # as save(update_fields=…) refuses a row that is gone
    with pytest.raises(DatabaseError):
        prepared.save(update_fields=["desk_free_at"])
    with pytest.raises(ValueError, match="counter"):
        PreparedUpdate(QueueTail, "counter")  # the key is not written


def _columns(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if not field.primary_key}


def test_a_visit_its_steps_their_procedures_and_events_are_inserted_as_the_orm_inserts_them(starter_catalog):
    from datetime import timedelta

    from django.utils import timezone

    from madoguchi.catalog.models import Procedure
    from madoguchi.reception.models import StepEvent, Visit

    cert, move = Counter.objects.get(code="koseki-cert"), Counter.objects.get(code="koseki-move")
    site = cert.site
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    at = timezone.now().replace(microsecond=654321)
    made = {}
    for way, seq in (("prepared", 901), ("orm", 902)):
        visit = Visit(site=site, service_date=at.date(), ticket_seq=seq, ticket_number=f"A-{seq}", channel="kiosk",
                      needs=["priority", "interpreter"], interpreter_language="vi", life_event="move_in",
                      event_date=at.date(), arrived_at=at, priority_at=at - timedelta(minutes=5), registered_by=clerk)
        steps = [Step(visit=visit, counter=cert, status=Step.Status.QUEUED, priority_at=at, queued_at=at),
                 Step(visit=visit, counter=move, handoff_memo="窓口２へ")]
        with CaptureQueriesContext(connection) as queries:
            if way == "prepared":
                services._VISITS_INSERTED.save(visit)
                services._STEPS_INSERTED.bulk(steps)
            else:
                visit.save(force_insert=True)
                Step.objects.bulk_create(steps)
        assert len(queries.captured_queries) == 2, way  # one statement each, the keys returned by it
        links = [Step.procedures.through(step_id=steps[0].pk, procedure_id=Procedure.objects.get(code=code).pk)
                 for code in ("cert.juminhyo", "cert.koseki")]
        events = [services._new_event(steps[0], StepEvent.Kind.CALLED, at=at, actor=clerk, desk=2, told=[1.5, "x"]),
                  services._new_event(steps[0], StepEvent.Kind.SERVING, at=at, actor=None, desk=None)]
        if way == "prepared":
            services._STEP_PROCEDURES_INSERTED.bulk(links)
            services._EVENTS_INSERTED.bulk(events)
        else:
            Step.procedures.through.objects.bulk_create(links)
            StepEvent.objects.bulk_create(events)
        made[way] = [visit, *steps, *links, *events]
    for one, twin in zip(made["prepared"], made["orm"], strict=True):
        assert one.pk is not None and not one._state.adding and one._state.db == "default"
        written, twin_written = _columns(type(one).objects.get(pk=one.pk)), _columns(type(twin).objects.get(pk=twin.pk))
        assert written == _columns(one)  # the row is the instance
        own = {"visit_id", "step_id", "ticket_seq", "ticket_number", "status_token"}  # each way its own visit
        for name in written.keys() - own:
            assert written[name] == twin_written[name], name
    visit, steps = made["prepared"][0], made["prepared"][1:3]
    assert [step.pk for step in steps] == sorted(step.pk for step in visit.steps.all())  # keys in the rows' order
    assert set(visit.steps.get(pk=steps[0].pk).procedures.values_list("code", flat=True)) == \
        {"cert.juminhyo", "cert.koseki"}


def test_a_prepared_insert_refuses_what_the_orm_refuses_and_leaves_rows_with_a_key_to_it(starter_catalog):
    from madoguchi.core.prepared import PreparedInsert
    from madoguchi.reception.models import QueueTail, Visit

    with pytest.raises(ValueError, match="automatic key"):
        PreparedInsert(QueueTail)  # its key is the counter's
    unsaved = Visit(ticket_seq=1)
    with pytest.raises(ValueError, match="unsaved related object"):
        services._STEPS_INSERTED.save(Step(visit=unsaved, counter=Counter.objects.first()))
    assert not Step.objects.exists()
    visit = VisitFactory(procedures=["cert.juminhyo"])
    step = Step(pk=visit.steps.get().pk + 1000, visit=visit, counter=Counter.objects.get(code="koseki-move"))
    services._STEPS_INSERTED.save(step)  # a key of its own: the ORM inserts it as given
    assert Step.objects.get(pk=step.pk).visit_id == visit.pk
    assert services._STEPS_INSERTED.bulk([]) == []


def test_a_prepared_insert_that_breaks_a_constraint_fails_its_transaction_as_the_orm_does(starter_catalog):
    from django.db import IntegrityError

    first = VisitFactory(procedures=["cert.juminhyo"])
    twin = first.__class__(**{f.attname: getattr(first, f.attname) for f in first._meta.concrete_fields
                              if not f.primary_key and f.attname != "status_token"})
    with transaction.atomic():
        with pytest.raises(IntegrityError):  # the same ticket number at the same site on the same day
            services._VISITS_INSERTED.save(twin)
        assert transaction.get_rollback()  # the block is marked: nothing in it commits, as with save()
    with pytest.raises(TypeError, match="expression"):
        from django.db.models import F

        twin.ticket_seq = F("ticket_seq")
        services._VISITS_INSERTED.save(twin)


def test_what_a_prepared_insert_cannot_do_as_the_orm_does_goes_through_the_orm(starter_catalog, monkeypatch):
    from django.db.models.signals import post_save

    from madoguchi.reception.models import StepEvent

    visit = VisitFactory(procedures=["cert.juminhyo"])
    step = visit.steps.get()

    def events(n, **details):
        return [services._new_event(step, StepEvent.Kind.CALLED, at=visit.arrived_at, desk=n, **details)
                for n in range(n)]

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(receiver, sender=StepEvent)
    try:
        event = events(1)[0]
        services._EVENTS_INSERTED.save(event)  # a receiver is connected: save() runs, and it hears of the row
    finally:
        post_save.disconnect(receiver, sender=StepEvent)
    assert heard == [(event.pk, True)]
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    several = services._EVENTS_INSERTED.bulk(events(3))
    monkeypatch.undo()
    assert all(e.pk is None for e in several) or [e.desk for e in several] == \
        [StepEvent.objects.get(pk=e.pk).desk for e in several]  # bulk_create's own answer, keys or none
    assert StepEvent.objects.filter(step=step, kind=StepEvent.Kind.CALLED).count() == 4
    many = events(connection.ops.bulk_batch_size(services._EVENTS_INSERTED.fields, events(1)) + 1)
    with CaptureQueriesContext(connection) as queries:
        services._EVENTS_INSERTED.bulk(many)  # more than one statement takes: bulk_create's batches
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) >= 2 or \
        connection.ops.bulk_batch_size(services._EVENTS_INSERTED.fields, many) >= len(many)
    assert [StepEvent.objects.get(pk=e.pk).desk for e in many[-3:]] == [e.desk for e in many[-3:]]


def test_a_step_s_change_is_written_as_save_with_update_fields_writes_it(starter_catalog):
    from django.utils import timezone

    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert"])
    prepared, plain = (VisitFactory(procedures=["cert.juminhyo"]).steps.get() for _ in range(2))
    at = timezone.now().replace(microsecond=250001)
    for step, desk in ((prepared, 3), (plain, 4)):  # one visitor per desk
        step.status, step.called_at, step.desk, step.clerk = Step.Status.CALLED, at, desk, clerk
    with CaptureQueriesContext(connection) as queries:
        services._step_update(("status", "called_at", "desk", "clerk")).save(prepared)
    assert len(queries.captured_queries) == 1
    plain.save(update_fields=["status", "called_at", "desk", "clerk"])
    for name in ("status", "called_at", "desk", "clerk_id", "priority_at", "queued_at", "visit_id", "counter_id"):
        assert getattr(Step.objects.get(pk=prepared.pk), name) == getattr(prepared, name), name
    written, twin = Step.objects.get(pk=prepared.pk), Step.objects.get(pk=plain.pk)
    assert (written.status, written.called_at, written.desk, written.clerk_id) == (Step.Status.CALLED, at, 3, clerk.pk)
    assert (twin.status, twin.called_at, twin.desk, twin.clerk_id) == (Step.Status.CALLED, at, 4, clerk.pk)
    assert services._step_update(("status", "called_at", "desk", "clerk")) is \
        services._step_update(("status", "called_at", "desk", "clerk"))  # made once per set of fields

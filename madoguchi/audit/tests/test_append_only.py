"""The audit tables are append-only in the database itself (migration 0002), on SQLite and PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event, PersonalDataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return Event.objects.create(action="test.happened", actor_label="system", details={"n": 1})


@pytest.fixture
def access():
    user = UserFactory()
    return PersonalDataAccess.objects.create(
        actor=user, actor_label=user.username, subject_type="accounts.user", subject_id=str(user.pk),
        purpose="test", fields=["name"],
    )


def refused(operation) -> bool:
    # A savepoint, so that PostgreSQL's aborted statement does not end the test's transaction.
    try:
        with transaction.atomic():
            operation()
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_an_event_cannot_be_updated(event):
    assert refused(lambda: Event.objects.filter(pk=event.pk).update(action="test.rewritten"))
    event.refresh_from_db()
    assert event.action == "test.happened"


def test_an_event_cannot_be_saved_again(event):
    event.details = {"n": 2}

    assert refused(event.save)


def test_an_event_cannot_be_deleted(event):
    assert refused(lambda: Event.objects.filter(pk=event.pk).delete())
    assert Event.objects.filter(pk=event.pk).exists()


def test_an_event_cannot_be_changed_with_raw_sql(event):
    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_event SET action = %s WHERE id = %s", ["test.rewritten", event.pk])

    assert refused(raw_update)


def test_a_personal_data_access_cannot_be_updated(access):
    assert refused(lambda: PersonalDataAccess.objects.filter(pk=access.pk).update(purpose="rewritten"))


def test_a_personal_data_access_cannot_be_deleted(access):
    assert refused(lambda: PersonalDataAccess.objects.filter(pk=access.pk).delete())
    assert PersonalDataAccess.objects.filter(pk=access.pk).exists()


def test_new_events_can_still_be_added(event):
    Event.objects.create(action="test.another")

    assert Event.objects.count() == 2

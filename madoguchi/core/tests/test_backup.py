"""manage.py backup and restore, on the database the suite runs on (SQLite in the first run, PostgreSQL
with pg_dump/pg_restore in the second): a day's queue backed up, the database wiped, restored, and
the queue found as it was — tickets, Steps, events, positions and the next ticket number."""

import io
import sqlite3
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from madoguchi.audit.models import Event
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.backup import BackupError, backups_prune, sqlite_copy
from madoguchi.reception import services
from madoguchi.reception.models import Step, StepEvent, Visit
from madoguchi.reception.selectors import queue_snapshot
from madoguchi.reception.tests.factories import StepFactory, VisitFactory

transactional = pytest.mark.django_db(transaction=True)


def make_a_days_queue(clerk) -> None:
    """A morning in progress: visits waiting, called, served, handed on, a no-show, a memo."""
    served = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    services.step_complete(step=served, clerk=clerk, memo="転入届 受理済み")
    StepFactory(visit=VisitFactory(procedures=["cert.juminhyo"]), clerk=clerk, started=True)
    for procedures in (["cert.juminhyo"], ["cert.tax", "cert.seal"], ["cert.juminhyo"], ["nhi.enroll"]):
        VisitFactory(procedures=procedures)
    earlier = timezone.now() - timedelta(minutes=5)
    absent = StepFactory(visit=VisitFactory(procedures=["juki.move_out"], now=earlier), clerk=clerk, now=earlier)
    services.step_no_show(step=absent, clerk=clerk)  # after the grace: back in line once


def queue_state(now) -> dict:
    """Everything about the queue, the estimated waits as seen at ``now``."""
    cache.clear()  # the handling speeds are cached for a few seconds; read them from this database
    return {
        "visits": sorted(Visit.objects.values_list("ticket_number", "status", "channel", "priority_at")),
        "steps": sorted(Step.objects.values_list("visit__ticket_number", "counter__code", "status", "desk",
                                                 "handoff_memo", "no_show_count")),
        "events": sorted(StepEvent.objects.values_list("visit__ticket_number", "counter__code", "kind", "at")),
        "queues": {queue.counter.code: [(w.position, w.step.visit.ticket_number, round(w.estimated_wait_minutes, 6))
                                        for w in queue.waiting]
                   for queue in queue_snapshot(now=now).values()},
    }


def wipe_database() -> None:
    """Leave an empty database where the suite's was, as a new server (or a lost disk) would."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for path in (name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")):
            path.unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    with pytest.raises(DatabaseError):
        Visit.objects.count()
    connection.close()


def backup(tmp_path) -> Path:
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    (path,) = [p for p in (tmp_path / "backups").iterdir()]
    return path


@transactional
def test_a_days_queue_survives_backup_wipe_and_restore(starter_catalog, clerk, tmp_path):
    make_a_days_queue(clerk)
    moment = timezone.now()
    before = queue_state(moment)
    assert len(before["visits"]) == 7 and before["queues"]["koseki-cert"]
    path = backup(tmp_path)

    wipe_database()
    call_command("restore", str(path), yes=True, stdout=io.StringIO())

    assert queue_state(moment) == before
    # The office carries on from where the backup left it: the next ticket number, call-next at a counter.
    visit = VisitFactory(procedures=["cert.juminhyo"])
    assert visit.ticket_number == "A-008"
    first_waiting = before["queues"]["koseki-cert"][0][1]
    called = services.step_call_next(counter=Counter.objects.get(code="koseki-cert"), clerk=clerk, desk=2)
    assert called.visit.ticket_number == first_waiting


@transactional
def test_restore_replaces_what_changed_after_the_backup(starter_catalog, clerk, tmp_path):
    make_a_days_queue(clerk)
    moment = timezone.now()
    before = queue_state(moment)
    path = backup(tmp_path)
    VisitFactory(procedures=["cert.juminhyo"])
    services.step_call_next(counter=Counter.objects.get(code="koseki-cert"), clerk=clerk, desk=2)
    assert queue_state(moment) != before

    call_command("restore", str(path), yes=True, stdout=io.StringIO())

    assert queue_state(moment) == before


@transactional
def test_restore_keeps_the_audit_log_append_only(starter_catalog, clerk, tmp_path):
    Event.objects.create(action="test.before_backup")
    path = backup(tmp_path)
    call_command("restore", str(path), yes=True, stdout=io.StringIO())

    with pytest.raises(DatabaseError):
        Event.objects.filter(action="test.before_backup").update(action="test.changed")


@transactional
def test_restore_without_yes_refuses_and_changes_nothing(starter_catalog, clerk, tmp_path):
    make_a_days_queue(clerk)
    path = backup(tmp_path)
    VisitFactory(procedures=["cert.juminhyo"])
    moment = timezone.now()
    before = queue_state(moment)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))

    assert queue_state(moment) == before


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    wrong = tmp_path / "madoguchi-20261201-031500.dump"
    wrong.write_bytes(b"SELECT 1; -- not a backup\n")
    Site.objects.create(code="test-site", name_ja="テスト", name_en="Test")

    with pytest.raises(CommandError, match=r"not a \w+ backup"):
        call_command("restore", str(wrong), yes=True)

    assert Site.objects.filter(code="test-site").exists()


@transactional
def test_a_backup_is_readable_by_its_owner_only(starter_catalog, tmp_path):
    path = backup(tmp_path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob("*.partial"))


def test_old_backups_are_deleted_and_other_files_left_alone(tmp_path):
    now = timezone.localtime()
    names = [f"madoguchi-{now - timedelta(days=days):%Y%m%d-%H%M%S}.dump" for days in (0, 6, 8, 30)]
    for name in [*names, "notes.txt"]:
        (tmp_path / name).write_bytes(b"x")

    deleted = backups_prune(directory=tmp_path, keep_days=7, now=now)

    assert sorted(p.name for p in deleted) == sorted(names[2:])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[:2], "notes.txt"])


def test_sqlite_backup_is_consistent_while_another_process_writes(tmp_path):
    """The online backup API against a database being written: every copy holds whole transactions
    (each writes a pair of rows), never half of one."""
    source = tmp_path / "live.sqlite3"
    db = sqlite3.connect(source)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE pair (n INTEGER, side TEXT)")
    db.commit()
    db.close()
    stop = threading.Event()

    def write():
        writer = sqlite3.connect(source, timeout=30)
        n = 0
        while not stop.is_set() and n < 5000:
            with writer:
                writer.execute("INSERT INTO pair VALUES (?, 'a')", (n,))
                writer.execute("INSERT INTO pair VALUES (?, 'b')", (n,))
            n += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        counts = []
        for i in range(5):
            copy = tmp_path / f"copy-{i}.sqlite3"
            sqlite_copy(source, copy)
            check = sqlite3.connect(copy)
            a, b = (check.execute("SELECT count(*) FROM pair WHERE side = ?", (side,)).fetchone()[0] for side in "ab")
            check.close()
            counts.append(a)
            assert a == b
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    finally:
        stop.set()
        thread.join()
    assert counts[-1] > 0


def test_sqlite_backup_of_a_missing_database_says_so(tmp_path):
    with pytest.raises(BackupError, match="No SQLite database"):
        sqlite_copy(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")


@pytest.mark.postgres_only
@transactional
def test_postgresql_backup_is_a_pg_dump_archive_pg_restore_can_list(starter_catalog, tmp_path):
    import subprocess

    from madoguchi.core.backup import pg_tool

    path = backup(tmp_path)

    assert path.suffix == ".dump" and path.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run([pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public reception_visit" in listing.stdout
    assert "audit_append_only" in listing.stdout

"""Backups of the whole database, and their restore (``manage.py backup`` / ``manage.py restore``).

PostgreSQL: ``pg_dump -Fc`` (one consistent snapshot, taken while the app runs) and ``pg_restore``
in one transaction. SQLite: the online backup API (``sqlite3.Connection.backup``), which copies a
consistent state of the file while the app keeps reading and writing it — never ``cp``, which can
copy a half-written page.

A backup holds everything the database holds, residents' identities and answers included: it is
written owner-only (0600 in a 0700 directory), under a temporary name until complete, and backups
older than ``BACKUP_RETENTION_DAYS`` are deleted so that purged personal data does not live on in
old copies for longer than that.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection as default_connection
from django.utils import timezone

NAME_PATTERN = re.compile(r"^madoguchi-(\d{8}-\d{6})\.(dump|sqlite3)$")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: from ``PG_BIN_DIR``, else the PATH, else the newest
    /usr/lib/postgresql/*/bin (Debian's server packages), as scripts/with_postgres.sh finds initdb."""
    candidates = []
    if settings.PG_BIN_DIR:
        candidates.append(Path(settings.PG_BIN_DIR) / name)
    if found := shutil.which(name):
        candidates.append(Path(found))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(re.sub(r"\D", "", d) or 0))
    candidates += [Path(d) / name for d in reversed(versions)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} not found: install PostgreSQL's client programs or set PG_BIN_DIR.")


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the database: the password never appears on a command line (``ps``)."""
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                          ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run(args: list[str], **options) -> subprocess.CompletedProcess:
    # A PostgreSQL program found by pg_tool, arguments from settings and the operator's command line.
    return subprocess.run(args, check=False, **options)  # noqa: S603


def _stderr(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode(errors="replace").strip()


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def database_backup(*, output_dir: Path, connection=None, now: datetime | None = None) -> Path:
    """Write a backup of the database to ``output_dir`` and return its path (``madoguchi-YYYYmmdd-HHMMSS.*``).

    MUST: leave no file that looks complete unless it is (written under ``.partial``, then renamed);
    be readable by its owner only; never put the database password on a command line."""
    connection = connection or default_connection
    now = timezone.localtime(now or timezone.now())
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    target = output_dir / f"madoguchi-{now:%Y%m%d-%H%M%S}.{suffix}"
    if target.exists():
        raise BackupError(f"{target} exists already.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            sqlite_copy(Path(connection.settings_dict["NAME"]), partial)
        elif connection.vendor == "postgresql":
            with _private_file(partial) as out:
                result = _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"],
                              stdout=out, stderr=subprocess.PIPE, env=_pg_environment(connection.settings_dict))
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {_stderr(result)}")
        else:
            raise BackupError(f"No backup for a {connection.vendor} database.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` (a new file, 0600) with SQLite's online backup:
    a consistent state even while other processes write to ``source``."""
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    _private_file(target).close()
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    writer = sqlite3.connect(target)
    try:
        with writer:
            reader.backup(writer)
    finally:
        reader.close()
        writer.close()


def backups_prune(*, directory: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete the backups in ``directory`` taken more than ``keep_days`` days ago (by the time in their
    name, which a copy keeps); other files are left alone. Returns what was deleted."""
    now = timezone.localtime(now or timezone.now())
    cutoff = now - timedelta(days=keep_days)
    deleted = []
    for path in sorted(Path(directory).iterdir()):
        match = NAME_PATTERN.match(path.name)
        if not match or not path.is_file():
            continue
        taken = timezone.make_aware(datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"))
        if taken < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


def _file_kind(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    return "unknown"


def database_restore(*, path: Path, connection=None) -> None:
    """Replace the whole database with the backup at ``path`` (all or nothing).

    MUST: refuse a file that is not a backup of this kind of database before touching anything;
    leave the database as it was when the restore fails."""
    connection = connection or default_connection
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No file at {path}.")
    kind = _file_kind(path)
    if kind != connection.vendor:
        raise BackupError(f"{path} is not a {connection.vendor} backup made by manage.py backup.")
    connection.close()
    if kind == "sqlite":
        _sqlite_restore(path, Path(connection.settings_dict["NAME"]))
    else:
        env = _pg_environment(connection.settings_dict)
        listing = _run([pg_tool("pg_restore"), "--list", str(path)], capture_output=True, env=env)
        if listing.returncode != 0:
            raise BackupError(f"{path} is not readable by pg_restore: {_stderr(listing)}")
        result = _run(
            [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(path)],
            capture_output=True, env=env)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed, nothing changed: {_stderr(result)}")


def _sqlite_restore(source: Path, target: Path) -> None:
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check = reader.execute("PRAGMA quick_check").fetchone()[0]
        has_migrations = reader.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'").fetchone()
        if check != "ok" or not has_migrations:
            raise BackupError(f"{source} is damaged or not a madoguchi database ({check}).")
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not target.exists():
            _private_file(target).close()
        writer = sqlite3.connect(target, timeout=30)
        try:
            # The online backup API the other way round: the target's pages are replaced in one
            # transaction, which other connections see whole or not at all.
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()

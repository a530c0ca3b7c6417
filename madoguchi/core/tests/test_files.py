"""What holds personal data on disk is readable by the app's user only."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_fresh_var_directory_and_sqlite_database_are_owner_only(tmp_path):
    var = tmp_path / "var"
    env = {**os.environ, "MADOGUCHI_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DATABASE_URL": f"sqlite:///{var / 'madoguchi.sqlite3'}"}
    env.pop("CI", None)
    old = os.umask(0o022)  # a usual umask: files would be world-readable without the app's care
    try:
        # One app's migrations: the database file, its key and the var directory are made as by the whole
        # migrate of `make run` (the connection makes the file; the rest of the migrations add tables to it).
        subprocess.run([sys.executable, "manage.py", "migrate", "contenttypes", "--noinput", "-v0"], cwd=ROOT,
                       env=env, check=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    database = var / "madoguchi.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "secret_key").stat().st_mode) == 0o600

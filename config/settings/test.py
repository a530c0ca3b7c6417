"""The suite: fast hashing, a fixed secret; the database comes from DATABASE_URL (SQLite by default)."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: the live server's threads (browser tests with
    # several pages polling at once) then wait for each other's write lock instead of failing with
    # "database table is locked". Durability does not matter for a test database.
    # One file per test process, so two suites running at once never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405

# One process runs the suite: the shared cache in its memory, cleared between tests (conftest). The
# tests that start real servers (two processes on one PostgreSQL) use the database cache as deployed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}

# E-mail notices through Django's own mail path (the test runner's outbox); SMS to the log.
RESIDENT_NOTICE_SENDERS = {
    "sms": "madoguchi.core.senders.console.ConsoleSmsSender",
    "email": "madoguchi.core.senders.email.EmailSender",
}

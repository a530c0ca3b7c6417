"""An office deployment behind HTTPS. Refuses to start without its secrets.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL; SQLite only with ALLOW_SQLITE=1).
See README "Deploy" and deploy/README.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env_int, env_list, logging_config

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (at least 50 random characters) for production."
    )
if not env_list("ALLOWED_HOSTS", ""):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")
# Without it the office would silently run on the pilot's SQLite file under var/.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in the environment for production (postgres://…).")
# SQLite is one file on one machine: one writer at a time, no second app server, and a copy of the
# residents' data wherever the file is copied. A one-machine pilot may choose it, knowingly.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get("ALLOW_SQLITE") != "1":
    raise ImproperlyConfigured(
        "DATABASE_URL points to SQLite: an office runs on PostgreSQL. "
        "Set ALLOW_SQLITE=1 to run a one-machine pilot on SQLite anyway."
    )

# One JSON object per log line, for the office's log collector (LOG_FORMAT=plain for people).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
# Probes and a scraper on the app's own port (127.0.0.1:8000, plain HTTP) get their answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

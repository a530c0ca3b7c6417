"""Settings shared by every environment; everything that differs comes from the environment.

Modules: ``local`` (``make run``, a pilot on one machine), ``production`` (an office),
``test`` (the suite). They only set what differs from here.
"""

import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MADOGUCHI_VAR_DIR", BASE_DIR / "var"))
# var/ holds the SQLite database, the development secret and the pre-application keys: owner only.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_mode & 0o077 and os.access(VAR_DIR, os.W_OK):
    VAR_DIR.chmod(0o700)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "madoguchi.core",
    "madoguchi.accounts",
    "madoguchi.audit",
    "madoguchi.catalog",
    "madoguchi.navigator",
    "madoguchi.reception",
    "madoguchi.counters",
    "madoguchi.prefill",
    "madoguchi.payments",
    "madoguchi.insights",
    "madoguchi.preapply",
    "madoguchi.surveys",
    "madoguchi.talent",
    "madoguchi.dxdesk",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # First: its duration covers every other middleware (latency for /metrics, one log line per request).
    "madoguchi.core.observability.RequestObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the usual policy built once (see the class).
    "madoguchi.core.middleware.ContentSecurityPolicyMiddleware",
    "madoguchi.core.middleware.ApiErrorShapeMiddleware",
    # The public congestion answer, past the headers above and none of the page machinery below (see the class).
    "madoguchi.counters.middleware.CongestionAnswerMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's, with the storage made only when a message is added or read (see the class).
    "madoguchi.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the CSRF check: a resident page's language from its own post or address; staff pages in ja/en.
    "madoguchi.core.i18n.PageLanguageMiddleware",
    "madoguchi.core.middleware.AccessPolicyMiddleware",
    # After access (a stranger is sent to the login page first), before any view reads what was typed.
    "madoguchi.core.middleware.TypedTextGuardMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "madoguchi.core.context_processors.layout",
                "madoguchi.counters.context_processors.serving_visit",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'madoguchi.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check of each request's reused connection that asks the socket instead of
    # sending SELECT 1 (a round trip on every request): madoguchi/core/postgresql/base.py.
    DATABASES["default"]["ENGINE"] = "madoguchi.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one SQLite file: wait for the write lock instead of failing,
    # and take it at the start of a write transaction so two writers never deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" is each process's own memory: hot, read-mostly data (the routing index, the
# handling speeds) that may be a few seconds old. "shared" is one store for every process and
# survives restarts: the rate limits (per client, however many workers and servers) and what must be
# computed once for all. The database cache table by default (created by `migrate`'s companion
# `createcachetable`, run by `make setup`); CACHE_URL=redis://… or memcached://… uses that server
# (with its Python client installed: redis, or pymemcache).
CACHE_URL = os.environ.get("CACHE_URL", "")


def _shared_cache(url: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("memcached://"):
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": url.removeprefix("memcached://")}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "madoguchi_cache"}


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": _shared_cache(CACHE_URL),
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five failed logins for one user name lock it for fifteen minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "madoguchi.accounts.views.locked_out"
# The lockout table keeps login names: never one that holds an individual number.
AXES_USERNAME_CALLABLE = "madoguchi.accounts.forms.lockout_username"
AXES_VERBOSE = False
# axes.W006 warns that locking by client fingerprint can be dodged by rotating user agents;
# we lock the user name itself, which no rotation gets around.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# axes would otherwise log the user name and address of every attempt; the audit log records them.
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Staff sessions end after 30 minutes without a request; device screens stay signed in longer
# (see accounts.views.LoginView). Every request renews the idle clock.
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
DEVICE_SESSION_SECONDS = env_int("DEVICE_SESSION_SECONDS", 24 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token travels in hx-headers on <body>

LANGUAGE_CODE = "ja"
# Staff pages: Japanese and English. Resident pages add やさしい日本語 (easy Japanese), which falls back
# to Japanese wherever a phrase has no easier wording yet, and the languages of the ward's largest
# foreign communities: Chinese (simplified), Korean, Vietnamese and Nepali (their .po files translate
# the resident pages' messages; the catalogue's texts come from catalog/translations/). Each name is its own.
LANGUAGES = [
    ("ja", "日本語"),
    ("en", "English"),
    ("ja-easy", "やさしい日本語"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("vi", "Tiếng Việt"),
    ("ne", "नेपाली"),
]
STAFF_LANGUAGES = ["ja", "en"]
RESIDENT_LANGUAGES = [code for code, _name in LANGUAGES]
# A staff page opened in a language staff pages do not have (a resident's choice left in the browser)
# shows in this one instead: easy Japanese as Japanese, the foreign languages as English.
STAFF_LANGUAGE_FALLBACK = {"ja-easy": "ja"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The ward's data: departments, counters, procedures, life events (see catalog/README).
CATALOG_DIR = Path(os.environ.get("CATALOG_DIR", BASE_DIR / "catalog"))

# Personal data of a visit (identity, form answers) is kept this many days, then purged.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 30)

# The no-writing counter's card reader agent on the counter PC (python -m madoguchi.cardreader). The
# console page's JavaScript sends the card PIN there directly; it never reaches this server.
CARD_READER_AGENT_URL = os.environ.get("CARD_READER_AGENT_URL", "http://127.0.0.1:8765")

# The largest request body the JSON API reads (a visit's identity with a full household is a few kB).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)

# Content-Security-Policy on every response: everything from this origin only, no inline script or
# style, no framing. The no-writing counter's page adds the card reader agent to connect-src (and
# only that page: see prefill.views). Data URIs for images: the pre-application QR codes to save.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

NINJA_PAGINATION_PER_PAGE = 100

# Fees (madoguchi.payments). The ward's name as its receipts print it (領収書).
WARD_NAME = os.environ.get("WARD_NAME", "〇〇区")
# The payment terminal adapter (card, e-money, QR): "simulated" (development, demos, tests), "none"
# (cash only) or a real adapter registered by a module listed in PAYMENT_TERMINAL_MODULES; its
# options as JSON in PAYMENT_TERMINAL_OPTIONS. The simulator keeps its state in its own file.
PAYMENT_TERMINAL_MODULES = env_list("PAYMENT_TERMINAL_MODULES", "")
PAYMENT_TERMINAL = {
    "backend": os.environ.get("PAYMENT_TERMINAL", "simulated"),
    "options": json.loads(os.environ.get("PAYMENT_TERMINAL_OPTIONS", "{}")),
}
if PAYMENT_TERMINAL["backend"] == "simulated":
    PAYMENT_TERMINAL["options"].setdefault(
        "path", os.environ.get("PAYMENT_TERMINAL_SIMULATOR_PATH", str(VAR_DIR / "payment-terminal-simulator.sqlite3")))
    PAYMENT_TERMINAL["options"].setdefault("time_zone", os.environ.get("TIME_ZONE", "Asia/Tokyo"))
# A charge the terminal has no record of is given up (its key burned, nothing charged) only after this
# long: before, its request may still be on its way.
PAYMENT_TERMINAL_TIMEOUT_SECONDS = env_int("PAYMENT_TERMINAL_TIMEOUT_SECONDS", 90)
# The change fund put in each register's drawer at opening (釣銭準備金), counted back at the close.
PAYMENT_REGISTER_FLOAT_YEN = env_int("PAYMENT_REGISTER_FLOAT_YEN", 30000)
# The counters' opening hours on an open day (the congestion page says "closed now, opens at …" outside
# them; madoguchi.core.dates has the closed days). Appointment hours are per group in catalog/appointments.
OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "08:30-17:15")
# The lunch rotation (昼休みの交代): the counters stay open while staff take lunch in turns. The staffing
# plan keeps it: in these hours each section has this share of its staff fewer (a sixth by default), and
# the plan moves no one who is at lunch. LUNCH_HOURS="" when the office has none.
LUNCH_HOURS = os.environ.get("LUNCH_HOURS", "12:00-13:00")
LUNCH_SHARE = os.environ.get("LUNCH_SHARE", "0.17")

# Notices to residents who ask on their ticket's status page to be told when their turn is near: one
# sender class per channel (see madoguchi.core.senders for the interface a ward's SMS gateway
# implements). A channel set to "" is not offered. Development writes them to the log.
RESIDENT_NOTICE_SENDERS = {
    "sms": os.environ.get("NOTICE_SMS_SENDER", "madoguchi.core.senders.console.ConsoleSmsSender"),
    "email": os.environ.get("NOTICE_EMAIL_SENDER", "madoguchi.core.senders.console.ConsoleEmailSender"),
}


def logging_config(log_format: str) -> dict:
    """LOG_FORMAT=json: one JSON object per line, for a log collector (production's default);
    plain: for people reading a terminal (``make run``)."""
    if log_format not in ("plain", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {
                # The request line's fields (method, view, status, duration_ms, queries, user_id) come as
                # the record's extras; see madoguchi.core.observability.
                "()": "madoguchi.core.observability.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        # A line holding an individual number (a path someone typed it into) is written as a placeholder.
        "filters": {"no_individual_number": {"()": "madoguchi.core.logmask.NoIndividualNumberFilter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format,
                                 "filters": ["no_individual_number"]}},
        "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        "loggers": {"axes": {"level": "WARNING"}},
    }


LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = logging_config(LOG_FORMAT)

SITE_NAME = _("madoguchi one-stop counter")

# Reception and queues.
# Ticket prefix per reception point (channel): A-023 from the desk, K-024 from a kiosk … The
# number is one sequence per site and day, whatever the prefix.
TICKET_PREFIXES = {"reception": "A", "kiosk": "K", "navigator": "A", "preapplication": "P", "appointment": "R",
                   "api": "A"}
# A visitor with a priority need (pregnancy, illness, disability) is queued as if they had come this much earlier.
PRIORITY_NEED_ADVANCE_MINUTES = env_int("PRIORITY_NEED_ADVANCE_MINUTES", 30)
# A kiosk left alone this long (no touch, no key) goes back to Japanese and its start screen, so the next
# visitor never finds the last one's choices or language.
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 30)
# The supervisor's wallboard flags a counter where someone has waited this long (minutes).
SUPERVISOR_WAIT_ALERT_MINUTES = env_int("SUPERVISOR_WAIT_ALERT_MINUTES", 30)
# How long a called visitor has to reach the desk before the clerk may mark a no-show.
NO_SHOW_GRACE_SECONDS = env_int("NO_SHOW_GRACE_SECONDS", 120)

# How many reverse proxies stand in front of the app: the rate limits then key on the client's real
# address from X-Forwarded-For. 0 (the default) trusts no header and uses the connection's address.
NINJA_NUM_PROXIES = env_int("NUM_PROXIES", 0)

# Pre-application (事前申請) and appointments (窓口予約): madoguchi.preapply.
# A pre-application lives only in its QR code, sealed to the office's public key; the office opens
# codes younger than this many days with its private keys (made and rotated by manage.py preapply_keys).
PREAPPLY_MAX_AGE_DAYS = env_int("PREAPPLY_MAX_AGE_DAYS", 14)
PREAPPLY_PRIVATE_KEY_DIR = Path(os.environ.get("PREAPPLY_PRIVATE_KEY_DIR", VAR_DIR / "preapply_keys"))
# The only key file the public side needs.
PREAPPLY_PUBLIC_KEY_FILE = Path(os.environ.get("PREAPPLY_PUBLIC_KEY_FILE", PREAPPLY_PRIVATE_KEY_DIR / "public.key"))
# Make a key pair on first use when none exists: a pilot or demo only (config.settings.local).
PREAPPLY_CREATE_MISSING_KEYS = False
# An appointment checking in is queued up to this many minutes ahead of walk-ins (never before its slot time).
APPOINTMENT_PRIORITY_MINUTES = env_int("APPOINTMENT_PRIORITY_MINUTES", 30)
# Check-in opens this long before the slot; a booking not checked in this long after its start is a no-show.
APPOINTMENT_CHECKIN_EARLY_MINUTES = env_int("APPOINTMENT_CHECKIN_EARLY_MINUTES", 60)
APPOINTMENT_GRACE_MINUTES = env_int("APPOINTMENT_GRACE_MINUTES", 15)

# Operations (see deploy/README.md). /metrics answers only clients in these networks (CIDR; the
# address is the connection's, or behind NUM_PROXIES proxies the one they forwarded): loopback and
# the private ranges by default, i.e. the office network and a Prometheus on the same host.
METRICS_ALLOWED_NETWORKS = env_list(
    "METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
)
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not a network ({error}).") from None

# Backups (manage.py backup / restore). A backup holds the residents' data like the database does.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
# Older backups are deleted by each `manage.py backup`: purged personal data then lives on in backups
# at most this many days beyond PERSONAL_DATA_RETENTION_DAYS.
BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 7)
# Where pg_dump and pg_restore are (empty: the PATH, then /usr/lib/postgresql/*/bin, newest first).
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

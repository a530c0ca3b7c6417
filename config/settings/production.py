"""An office deployment behind HTTPS. Refuses to start without its secrets.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL). See README "Deploy on PostgreSQL".
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_int, env_list

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

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Residents' notices go only through senders the office configured (an SMS gateway's class; e-mail:
# madoguchi.core.senders.email.EmailSender with EMAIL_HOST …): none is offered otherwise.
RESIDENT_NOTICE_SENDERS = {
    "sms": os.environ.get("NOTICE_SMS_SENDER", ""),
    "email": os.environ.get("NOTICE_EMAIL_SENDER", ""),
}

"""One measurement per request, two outputs: the latency histogram of ``/metrics`` and one log line.

The log line (logger ``madoguchi.requests``) holds the method, the view's URL name, the status,
the duration, the number of database queries and the user's id — never the path, the query
string, a body or a name, so nothing a resident or clerk typed can land in a log. With
``LOG_FORMAT=json`` each line is one JSON object with those fields (see ``config/settings/base.py``).
"""

import logging
import time

from django.conf import settings
from django.db import connection
from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from . import metrics

logger = logging.getLogger("madoguchi.requests")


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter, keeping only plain values of a record's extras.

    Django passes the request object itself with its error and 4xx records (``extra={"request": …}``);
    written out, its repr would carry the full URL with the query string. Numbers, text and flags
    that code chose to log stay; objects are left out."""

    def process_log_record(self, log_data):
        return {key: value for key, value in super().process_log_record(log_data).items()
                if value is None or isinstance(value, str | int | float | bool)}


class _QueryCounter:
    """Counts the queries the request's thread runs on the default database (a wrapper call each)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def view_label(request) -> str:
    """The URL pattern's name (``reception:status``), or a fixed word for requests that reached no view."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match._func_path
    if request.path_info.startswith(settings.STATIC_URL):
        return metrics.STATIC_VIEW
    return metrics.UNRESOLVED_VIEW


def user_id(request) -> int | None:
    # Only if authentication already ran (the access middleware reads it on every page): a request
    # that never needed the session must not load it just to be logged.
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestObservationMiddleware:
    """First in ``MIDDLEWARE``, so the duration covers every other middleware too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        view, user = view_label(request), user_id(request)
        metrics.observe_request(view=view, method=request.method, status=response.status_code, seconds=seconds)
        logger.info(
            "%s %s %s %.1fms queries=%d user=%s", request.method, view, response.status_code, seconds * 1000,
            queries.count, user if user is not None else "-",
            extra={"method": request.method, "view": view, "status": response.status_code,
                   "duration_ms": round(seconds * 1000, 1), "queries": queries.count, "user_id": user},
        )
        return response

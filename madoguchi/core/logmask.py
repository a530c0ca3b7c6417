"""No individual number in any log line, whatever a person typed into a URL.

The logs keep the path (never the query string or a body: ``config/gunicorn.conf.py``,
``core.observability``). A path is ours — ids, codes, random tokens — but a person can type anything after
the host: ``/v/1234-5678-9018/`` reaches gunicorn's access log, and Django's "Not Found: /v/…" warning,
before any view can refuse it. Both write such a line with the path (or the message) replaced by a
placeholder, whatever the number's shape (the typed-text guard's detector; a WSGI path is its bytes decoded
as Latin-1, so it is read in UTF-8 too, where full-width digits show).
"""

import logging

from gunicorn.glogging import Logger

from madoguchi.core.mynumber import contains_individual_number

MASKED_PATH = "[a path holding an individual number]"
MASKED_MESSAGE = "[a log line holding an individual number]"
# Its lines hold the view's name, the status and figures, never a path or anything typed (core.observability).
_NOTHING_TYPED = "madoguchi.requests"


def _holds_a_number(text: str) -> bool:
    readings = [text]
    try:
        readings.append(text.encode("latin-1").decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return any(contains_individual_number(reading) for reading in readings)


class PathMaskingLogger(Logger):
    """gunicorn's logger (``logger_class``): the access log line's path masked when it holds a number, and its
    error log ("Invalid request … 'GET /v/…'") filtered as the app's log is. Never raises: gunicorn calls
    ``atoms`` outside its error handling (a malformed request has no path at all)."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(NoIndividualNumberFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = atoms.get("U")
        try:
            holds = isinstance(path, str) and _holds_a_number(path)
        except Exception:  # a log line must never fail a request: unread means masked
            holds = True
        if holds:
            atoms["U"] = MASKED_PATH
        return atoms


def _text_of(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # badly formatted: logging reports it later; the filter reads what it can
        message = repr(record.msg)
    extra = ""
    if record.exc_info:
        extra += logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        extra += record.exc_text
    return message + extra + (record.stack_info or "")


class NoIndividualNumberFilter(logging.Filter):
    """On the log handler: a record whose message, traceback or stack holds a number is written as a
    placeholder instead (without them). Never raises into the code that logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == _NOTHING_TYPED:
            return True
        try:
            holds = _holds_a_number(_text_of(record))
        except Exception:  # unread means masked
            holds = True
        if holds:
            record.msg, record.args = MASKED_MESSAGE, ()
            record.exc_info = record.exc_text = record.stack_info = None
        return True

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
    """gunicorn's logger (``logger_class``): the access log line's path masked when it holds a number."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if _holds_a_number(atoms.get("U", "")):
            atoms["U"] = MASKED_PATH
        return atoms


class NoIndividualNumberFilter(logging.Filter):
    """On the log handler: a record whose message holds a number is written as a placeholder instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != _NOTHING_TYPED:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                message = str(record.msg)
            if _holds_a_number(message):
                record.msg, record.args = MASKED_MESSAGE, ()
        return True

"""No individual number in a log line (core.logmask): Django's "Not Found: <path>" and gunicorn's access
line with a path someone typed one into are written as placeholders; other lines are left as they are."""

import logging
from datetime import timedelta

from madoguchi.core.logmask import MASKED_MESSAGE, NoIndividualNumberFilter
from madoguchi.core.mynumber import is_valid_individual_number

NUMBER = next(f"43218765093{d}" for d in "0123456789" if is_valid_individual_number(f"43218765093{d}"))


def _record(name: str, msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)


def test_a_line_holding_the_number_in_any_shape_is_written_as_a_placeholder():
    full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for path in (f"/v/{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}/", f"/v/{full_width}/",
                 f"/v/{full_width}/".encode().decode("latin-1")):  # as WSGI hands a path over
        record = _record("django.request", "Not Found: %s", path)
        assert NoIndividualNumberFilter().filter(record) and record.getMessage() == MASKED_MESSAGE


def test_other_lines_are_left_as_they_are():
    plain = _record("django.request", "Not Found: %s", "/v/abc-123/")
    assert NoIndividualNumberFilter().filter(plain) and plain.getMessage() == "Not Found: /v/abc-123/"
    request_line = _record("madoguchi.requests", "%s %s %s", "GET", "reception:status", 200)
    assert NoIndividualNumberFilter().filter(request_line) and request_line.getMessage() == "GET reception:status 200"


def test_a_record_that_cannot_be_formatted_or_holds_the_number_in_its_traceback_never_raises():
    broken = _record("django.request", "%(a)s", {"b": 1})
    assert NoIndividualNumberFilter().filter(broken)  # logging reports the bad format itself, later
    try:
        int(f"{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}")
    except ValueError:
        import sys

        failed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/x/",), sys.exc_info())
    assert NoIndividualNumberFilter().filter(failed)
    assert failed.getMessage() == MASKED_MESSAGE and failed.exc_info is None


def test_gunicorn_s_access_line_of_a_request_without_a_path_is_written_not_raised():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from madoguchi.core.logmask import MASKED_PATH, PathMaskingLogger

    logger = PathMaskingLogger(Config())
    response = SimpleNamespace(status="400 Bad Request", sent=0, headers=[], response_length=0)
    # gunicorn's answer to a malformed request (two Content-Length headers): its environ has no path at all.
    malformed = {"REQUEST_METHOD": "POST", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}
    request = SimpleNamespace(headers=[])
    assert logger.atoms(response, request, malformed, timedelta(0))["U"] is None
    typed = {**malformed, "PATH_INFO": f"/v/{NUMBER}/", "RAW_URI": f"/v/{NUMBER}/"}
    assert logger.atoms(response, request, typed, timedelta(0))["U"] == MASKED_PATH

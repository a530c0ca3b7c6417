"""No individual number in a log line (core.logmask): Django's "Not Found: <path>" and gunicorn's access
line with a path someone typed one into are written as placeholders; other lines are left as they are."""

import logging

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

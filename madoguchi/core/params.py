"""Reading numbers people (and URLs) give: ASCII digits only, in range, or nothing.

``int("²")`` and ``int("１")`` are Python's business, not a resident's: a query string or a form field
that is not a plain number is treated as absent, never as a crash.
"""

import re
from datetime import date

from django.utils.dateparse import parse_date

_INTEGER = re.compile(r"^-?[0-9]{1,9}$")


def int_or_none(text, *, low: int | None = None, high: int | None = None) -> int | None:
    """``text`` as an int when it is a plain (ASCII) integer within [low, high]; else None."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and _INTEGER.match(text.strip()):
        value = int(text.strip())
    else:
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


def date_or_none(text) -> date | None:
    """An ISO date (``2026-12-02``) that exists; anything else (``2026-02-30``, ``x``) is None."""
    if not isinstance(text, str):
        return None
    try:
        return parse_date(text.strip())
    except ValueError:  # well formed, but no such day
        return None

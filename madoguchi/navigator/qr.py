"""The text of the navigator's QR code, which reception scans to register a visit. Pure: no Django.

    MDGNAV1|move_in|2026-04-01|juki.move_in,nhi.enroll,kosodate.child_allowance

Four fields separated by ``|``: the format and its version, the life event, the event date
(ISO 8601) and the procedure codes separated by ``,`` in the order shown to the resident. Only
catalogue codes: nothing about the household, so the code may be printed, photographed or lost.
A handheld scanner types the text into a focused field and may add a line break; it is ignored.
"""

import re
from dataclasses import dataclass
from datetime import date

PREFIX = "MDGNAV1"
SEPARATOR = "|"
CODE_SEPARATOR = ","
MAX_CODES = 40
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
_LIFE_EVENT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Selection:
    life_event: str
    event_date: date
    procedure_codes: tuple[str, ...]


def _check(life_event: str, procedure_codes: tuple[str, ...]) -> None:
    if not _LIFE_EVENT.match(life_event):
        raise ValueError(f"life event {life_event!r} is not a catalogue code")
    if not procedure_codes:
        raise ValueError("no procedure codes")
    if len(procedure_codes) > MAX_CODES:
        raise ValueError(f"{len(procedure_codes)} procedure codes: at most {MAX_CODES}")
    for code in procedure_codes:
        if not _CODE.match(code):
            raise ValueError(f"procedure code {code!r} is not a catalogue code")
    duplicates = sorted({code for code in procedure_codes if procedure_codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"procedure code(s) listed twice: {', '.join(duplicates)}")


def encode_selection(life_event: str, event_date: date, procedure_codes) -> str:
    """The QR text for these procedures. Raises ValueError for a code that could not be decoded."""
    codes = tuple(procedure_codes)
    _check(life_event, codes)
    return SEPARATOR.join((PREFIX, life_event, event_date.isoformat(), CODE_SEPARATOR.join(codes)))


def decode_selection(text: str) -> Selection:
    """The selection in a scanned QR text. Raises ValueError saying what is wrong with it."""
    text = text.strip()
    parts = text.split(SEPARATOR)
    if parts[0] != PREFIX:
        raise ValueError(f"not a navigator QR code: it should start with {PREFIX}{SEPARATOR}")
    if len(parts) != 4:
        raise ValueError(f"a navigator QR code has 4 fields separated by '{SEPARATOR}', this one has {len(parts)}")
    _, life_event, date_text, codes_text = parts
    if not _DATE.match(date_text):
        raise ValueError(f"event date {date_text!r} is not a date (YYYY-MM-DD)")
    try:
        event_date = date.fromisoformat(date_text)
    except ValueError:
        raise ValueError(f"event date {date_text!r} does not exist") from None
    codes = tuple(codes_text.split(CODE_SEPARATOR)) if codes_text else ()
    _check(life_event, codes)
    return Selection(life_event, event_date, codes)

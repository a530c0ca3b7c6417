"""The text of the navigator's QR code, which reception scans to register a visit. Pure: no Django.

    MDGNAV1|move_in|2026-04-01|juki.move_in,nhi.enroll,kosodate.child_allowance
    MDGNAV1|marriage+move_in|2026-04-01|koseki.marriage,juki.move_in

Four fields separated by ``|``: the format and its version, the life event (several of one visit
joined with ``+``; the first is the visit's), the event date (ISO 8601) and the procedure codes
separated by ``,`` in the order shown to the resident. Only
catalogue codes: nothing about the household, so the code may be printed, photographed or lost.
A handheld scanner types the text into a focused field and may add a line break; it is ignored.
"""

import re
from dataclasses import dataclass
from datetime import date

PREFIX = "MDGNAV1"
SEPARATOR = "|"
CODE_SEPARATOR = ","
EVENT_SEPARATOR = "+"
MAX_CODES = 40
MAX_EVENTS = 4
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
_LIFE_EVENT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Selection:
    life_events: tuple[str, ...]
    event_date: date
    procedure_codes: tuple[str, ...]

    def __post_init__(self):
        if isinstance(self.life_events, str):
            object.__setattr__(self, "life_events", (self.life_events,))

    @property
    def life_event(self) -> str:
        """The first life event: the one a visit records."""
        return self.life_events[0]


def _check(life_events: tuple[str, ...], procedure_codes: tuple[str, ...]) -> None:
    if not life_events or len(life_events) > MAX_EVENTS:
        raise ValueError(f"from 1 to {MAX_EVENTS} life events, not {len(life_events)}")
    for life_event in life_events:
        if not _LIFE_EVENT.match(life_event):
            raise ValueError(f"life event {life_event!r} is not a catalogue code")
    if len(set(life_events)) != len(life_events):
        raise ValueError("a life event is listed twice")
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


def encode_selection(life_events, event_date: date, procedure_codes) -> str:
    """The QR text for these procedures. ``life_events``: one code or several. Raises ValueError for
    a code that could not be decoded."""
    events = (life_events,) if isinstance(life_events, str) else tuple(life_events)
    codes = tuple(procedure_codes)
    _check(events, codes)
    return SEPARATOR.join((PREFIX, EVENT_SEPARATOR.join(events), event_date.isoformat(), CODE_SEPARATOR.join(codes)))


def decode_selection(text: str) -> Selection:
    """The selection in a scanned QR text. Raises ValueError saying what is wrong with it."""
    text = text.strip()
    parts = text.split(SEPARATOR)
    if parts[0] != PREFIX:
        raise ValueError(f"not a navigator QR code: it should start with {PREFIX}{SEPARATOR}")
    if len(parts) != 4:
        raise ValueError(f"a navigator QR code has 4 fields separated by '{SEPARATOR}', this one has {len(parts)}")
    _, events_text, date_text, codes_text = parts
    if not _DATE.match(date_text):
        raise ValueError(f"event date {date_text!r} is not a date (YYYY-MM-DD)")
    try:
        event_date = date.fromisoformat(date_text)
    except ValueError:
        raise ValueError(f"event date {date_text!r} does not exist") from None
    codes = tuple(codes_text.split(CODE_SEPARATOR)) if codes_text else ()
    events = tuple(events_text.split(EVENT_SEPARATOR))
    _check(events, codes)
    return Selection(events, event_date, codes)

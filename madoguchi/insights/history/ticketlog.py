"""The old reception system's ticket log (CSV), read and checked. Pure (no Django).

One row per step — a ticket at one counter::

    ticket,issued_at,counter,procedure,channel,called_at,started_at,completed_at
    A-023,2025-04-01T09:02:11+09:00,koseki-move,juki.move_in,reception,2025-04-01T09:20:40+09:00,...

Times are ISO 8601 with their UTC offset. ``procedure`` may be empty (or several codes joined by
``+``), ``channel`` may be empty (reception); ``called_at``, ``started_at``, ``completed_at`` may be
empty (never called, or the old system did not record the start). Rows sharing a ticket on the same
(local) day are one visit, at one site. Every problem is reported as ``FILE:LINE: field: message``
and the file is refused whole.
"""

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

COLUMNS = ("ticket", "issued_at", "counter", "procedure", "channel", "called_at", "started_at", "completed_at")
TICKET_MAX = 12


@dataclass(frozen=True)
class LogRow:
    line: int
    ticket: str
    issued_at: datetime
    counter: str
    procedures: tuple[str, ...]
    channel: str
    called_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None


@dataclass
class LogVisit:
    site: str
    day: date
    ticket: str
    rows: list[LogRow] = field(default_factory=list)

    @property
    def arrived_at(self) -> datetime:
        return min(r.issued_at for r in self.rows)

    @property
    def channel(self) -> str:
        return sorted(self.rows, key=lambda r: r.issued_at)[0].channel


class LogInvalid(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _moment(text: str) -> datetime | None:
    """An ISO 8601 date-time with its offset; None when it is not one."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None and value.utcoffset() is not None else None


def read_log(text: str, *, name: str, counters: Mapping[str, str], procedures: set[str], channels: set[str],
             timezone: tzinfo, refuse_text: Callable[[str], bool] = lambda text: False) -> list[LogVisit]:
    """The visits of the log ``text`` (file ``name``). ``counters``: code → site code of every counter the
    ward knows; ``timezone``: the office's (a visit's day is its local date); ``refuse_text``: True for a
    text that may not be stored (an individual number). Raises ``LogInvalid`` listing every problem."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(COLUMNS):
        raise LogInvalid([f"{name}:1: the header must be {','.join(COLUMNS)}"])
    rows: list[LogRow] = []
    seen: dict[tuple, int] = {}
    for index, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        row = _row(record, index, name, counters, procedures, channels, refuse_text, problems)
        if row is None:
            continue
        key = (row.ticket, row.issued_at, row.counter)
        if key in seen:
            problems.append(f"{name}:{index}: ticket: the same step as line {seen[key]}")
            continue
        seen[key] = index
        rows.append(row)
    visits: dict[tuple, LogVisit] = {}
    for row in rows:
        day = row.issued_at.astimezone(timezone).date()
        visit = visits.setdefault((day, row.ticket), LogVisit(counters[row.counter], day, row.ticket))
        if counters[row.counter] != visit.site:
            problems.append(f"{name}:{row.line}: counter: ticket {row.ticket} on {day} is at site {visit.site}, "
                            f"counter {row.counter!r} at site {counters[row.counter]}")
            continue
        visit.rows.append(row)
    if problems:
        raise LogInvalid(problems)
    return list(visits.values())


def _row(record: list[str], line: int, name: str, counters, procedures, channels, refuse_text,
         problems: list[str]) -> LogRow | None:
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(f"{name}:{line}: {column}: {message}")

    if len(record) != len(COLUMNS):
        problem("", f"{len(record)} columns instead of {len(COLUMNS)}")
        return None
    cells = dict(zip(COLUMNS, (cell.strip() for cell in record), strict=True))
    for column, value in cells.items():
        # Before any message quotes a value: a 12-digit number is refused without being repeated. A
        # well-formed time cannot hold one, so the check runs on the other cells and on bad times only.
        if (not column.endswith("_at") or (value and _moment(value) is None)) and refuse_text(value):
            problem(column, "looks like an individual number (12 digits): never stored")
            return None
    ticket = cells["ticket"]
    if not ticket:
        problem("ticket", "empty")
    elif len(ticket) > TICKET_MAX:
        problem("ticket", f"longer than {TICKET_MAX} characters")
    times = {}
    for column in ("issued_at", "called_at", "started_at", "completed_at"):
        text = cells[column]
        if not text:
            if column == "issued_at":
                problem(column, "empty")
            times[column] = None
            continue
        moment = _moment(text)
        if moment is None:
            problem(column, f"{text!r} is not an ISO 8601 date-time with its UTC offset (2025-04-01T09:02:11+09:00)")
        times[column] = moment
    if cells["counter"] not in counters:
        problem("counter", f"unknown counter {cells['counter']!r}")
    codes = tuple(c.strip() for c in cells["procedure"].replace(";", "+").split("+") if c.strip())
    unknown = [c for c in codes if c not in procedures]
    if unknown:
        problem("procedure", f"unknown procedure {', '.join(map(repr, unknown))}")
    channel = cells["channel"] or "reception"
    if channel not in channels:
        problem("channel", f"unknown channel {channel!r} (known: {', '.join(sorted(channels))})")
    order = [(c, times.get(c)) for c in ("issued_at", "called_at", "started_at", "completed_at")]
    present = [(c, t) for c, t in order if t is not None]
    for (first, earlier), (second, later) in itertools.pairwise(present):
        if later < earlier:
            problem(second, f"is before {first}")
    if times.get("completed_at") is not None and times.get("called_at") is None:
        problem("called_at", "empty, but the step was completed")
    if len(problems) > before:
        return None
    return LogRow(line, ticket, times["issued_at"], cells["counter"], codes, channel, times["called_at"],
                  times["started_at"], times["completed_at"])


def days_of(visits: Iterable[LogVisit]) -> set[date]:
    return {v.day for v in visits}

"""The terminal's settlement report (CSV) and its reconciliation with the payments. Pure: no Django.

The format, one row per sale or refund, header first (columns in any order, more columns ignored;
UTF-8, a byte-order mark allowed):

    transaction_id,terminal_id,datetime,method,amount_yen,kind
    T20261126-000012,koseki-cert-1,2026-11-26T10:02:11+09:00,card,450,sale
    T20261120-000003-R,koseki-cert-1,2026-11-26T11:40:00+09:00,qr,-300,refund

``amount_yen`` is whole yen, negative for a refund; ``kind`` is ``sale`` or ``refund``; ``method`` is
``card``, ``emoney`` or ``qr``. Reconciliation matches by transaction id: every row on one side
without its match on the other is listed, and so is a match whose amounts differ.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

COLUMNS = ("transaction_id", "terminal_id", "datetime", "method", "amount_yen", "kind")
METHODS = ("card", "emoney", "qr")
KINDS = ("sale", "refund")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class SettlementLine:
    transaction_id: str
    terminal_id: str
    at: datetime
    method: str
    amount_yen: int
    kind: str
    line: int = 0


@dataclass(frozen=True)
class CsvProblem:
    """Why a row (or the file) is refused: its line, the column, a ``kind`` the caller puts in words."""

    line: int
    column: str
    kind: str
    value: str = ""


class SettlementInvalid(ValueError):
    def __init__(self, problems: list[CsvProblem]):
        self.problems = problems
        super().__init__("; ".join(f"line {p.line}: {p.column}: {p.kind}" for p in problems))


def parse_settlement_csv(text: str) -> list[SettlementLine]:
    """Every row of ``text``; raises ``SettlementInvalid`` with every problem (line, column)."""
    try:
        return _parse(text.lstrip("\ufeff"))
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end …
        raise SettlementInvalid([CsvProblem(0, "", "unreadable", str(error)[:80])]) from error


def _parse(text: str) -> list[SettlementLine]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SettlementInvalid([CsvProblem(1, c, "missing_column") for c in missing])
    reader.fieldnames = header
    problems: list[CsvProblem] = []
    lines: list[SettlementLine] = []
    seen: dict[str, int] = {}
    for row in reader:
        number = reader.line_num
        if number > MAX_ROWS:
            problems.append(CsvProblem(number, "", "too_many_rows"))
            break
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        if not any(values.values()):
            continue
        before = len(problems)
        if not values["transaction_id"]:
            problems.append(CsvProblem(number, "transaction_id", "required"))
        elif values["transaction_id"] in seen:
            problems.append(CsvProblem(number, "transaction_id", "duplicate", values["transaction_id"]))
        else:
            seen[values["transaction_id"]] = number
        try:
            at = datetime.fromisoformat(values["datetime"])
        except ValueError:
            problems.append(CsvProblem(number, "datetime", "not_a_datetime", values["datetime"]))
        if values["method"] not in METHODS:
            problems.append(CsvProblem(number, "method", "unknown_method", values["method"]))
        if values["kind"] not in KINDS:
            problems.append(CsvProblem(number, "kind", "unknown_kind", values["kind"]))
        try:
            amount = int(values["amount_yen"])
        except ValueError:
            problems.append(CsvProblem(number, "amount_yen", "not_whole_yen", values["amount_yen"]))
        else:
            if (values["kind"] == "sale" and amount <= 0) or (values["kind"] == "refund" and amount >= 0):
                problems.append(CsvProblem(number, "amount_yen", "sign", values["amount_yen"]))
        if len(problems) == before:
            lines.append(SettlementLine(values["transaction_id"], values["terminal_id"], at, values["method"],
                                        amount, values["kind"], number))
    if problems:
        raise SettlementInvalid(problems)
    return lines


@dataclass(frozen=True)
class Expected:
    """A cashless sale or refund as madoguchi recorded it."""

    transaction_id: str
    method: str
    amount_yen: int  # negative for a refund
    reference: str  # the receipt number, shown beside an unmatched row


@dataclass
class Reconciliation:
    matched: list[tuple[Expected, SettlementLine]] = field(default_factory=list)
    amount_differs: list[tuple[Expected, SettlementLine]] = field(default_factory=list)
    only_ours: list[Expected] = field(default_factory=list)  # recorded here, missing from the terminal's report
    only_terminal: list[SettlementLine] = field(default_factory=list)  # on the report, unknown here

    @property
    def balanced(self) -> bool:
        return not (self.amount_differs or self.only_ours or self.only_terminal)

    def expected_by_method(self) -> dict[str, int]:
        out = dict.fromkeys(METHODS, 0)
        for item in [e for e, _ in self.matched] + [e for e, _ in self.amount_differs] + self.only_ours:
            out[item.method] = out.get(item.method, 0) + item.amount_yen
        return out

    def settled_by_method(self) -> dict[str, int]:
        out = dict.fromkeys(METHODS, 0)
        for line in [s for _, s in self.matched] + [s for _, s in self.amount_differs] + self.only_terminal:
            out[line.method] = out.get(line.method, 0) + line.amount_yen
        return out


def reconcile(expected: Iterable[Expected], settled: Iterable[SettlementLine]) -> Reconciliation:
    """Match ``expected`` with ``settled`` by transaction id (order kept: ours, then the report's)."""
    by_id = {line.transaction_id: line for line in settled}
    result = Reconciliation()
    used: set[str] = set()
    for item in expected:
        line = by_id.get(item.transaction_id)
        if line is None:
            result.only_ours.append(item)
            continue
        used.add(item.transaction_id)
        (result.matched if line.amount_yen == item.amount_yen else result.amount_differs).append((item, line))
    result.only_terminal = [line for tid, line in by_id.items() if tid not in used]
    return result

"""Pricing a charge, giving change, counting a cash drawer. Pure: no Django.

The server computes every amount from the catalogue; a client sends what it wants (fee item,
copies, exemption) and never a price or a total. Amounts are whole yen (int) throughout.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_COPIES = 99
# Japanese notes and coins, largest first: how a drawer is counted (金種).
DENOMINATIONS: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)


@dataclass(frozen=True)
class FeeRow:
    """A fee item as pricing sees it (from the catalogue)."""

    code: str
    procedure: str
    amount_yen: int
    revenue_code: str


@dataclass(frozen=True)
class ExemptionRow:
    """An exemption reason; ``fee_items`` empty means every fee item."""

    code: str
    note_required: bool
    fee_items: frozenset[str] = frozenset()

    def applies_to(self, fee_item: str) -> bool:
        return not self.fee_items or fee_item in self.fee_items


@dataclass(frozen=True)
class Requested:
    """One line a clerk asks for: a fee item, copies, and optionally an exemption with its note."""

    fee_item: str
    quantity: int
    exemption: str = ""
    note: str = ""


@dataclass(frozen=True)
class PricedLine:
    fee_item: str
    procedure: str
    revenue_code: str
    quantity: int
    unit_yen: int
    exemption: str
    note: str
    amount_yen: int


@dataclass(frozen=True)
class Problem:
    """Why a request cannot be priced: ``field`` (``items[1].quantity``), a ``kind`` the caller turns
    into words, and the values it names."""

    field: str
    kind: str
    values: tuple[tuple[str, object], ...] = ()


class PricingRefused(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.kind}" for p in problems))


def price(requested: Sequence[Requested], fees: Mapping[str, FeeRow],
          exemptions: Mapping[str, ExemptionRow]) -> tuple[list[PricedLine], int]:
    """The lines and the total of ``requested``; raises ``PricingRefused`` with every problem.

    MUST: a line's amount is unit × copies, or 0 under an exemption that applies to its fee item
    (with a note when the reason needs one); one line per fee item; at least one line.
    """
    problems: list[Problem] = []
    lines: list[PricedLine] = []
    seen: set[str] = set()
    if not requested:
        problems.append(Problem("items", "empty"))
    for index, item in enumerate(requested):
        where = f"items[{index}]"
        fee = fees.get(item.fee_item)
        if fee is None:
            problems.append(Problem(f"{where}.fee_item", "unknown_fee_item", (("fee_item", item.fee_item),)))
            continue
        if item.fee_item in seen:
            problems.append(Problem(f"{where}.fee_item", "duplicate", (("fee_item", item.fee_item),)))
            continue
        seen.add(item.fee_item)
        if not 1 <= item.quantity <= MAX_COPIES:
            problems.append(Problem(f"{where}.quantity", "quantity", (("max", MAX_COPIES),)))
            continue
        amount = fee.amount_yen * item.quantity
        if item.exemption:
            reason = exemptions.get(item.exemption)
            if reason is None:
                problems.append(Problem(f"{where}.exemption", "unknown_exemption", (("exemption", item.exemption),)))
                continue
            if not reason.applies_to(item.fee_item):
                problems.append(Problem(f"{where}.exemption", "exemption_not_for_item",
                                        (("exemption", item.exemption), ("fee_item", item.fee_item))))
                continue
            if reason.note_required and not item.note.strip():
                problems.append(Problem(f"{where}.note", "note_required"))
                continue
            amount = 0
        lines.append(PricedLine(item.fee_item, fee.procedure, fee.revenue_code, item.quantity, fee.amount_yen,
                                item.exemption, item.note.strip() if item.exemption else "", amount))
    if problems:
        raise PricingRefused(problems)
    return lines, sum(line.amount_yen for line in lines)


def change_due(total_yen: int, tendered_yen: int) -> int:
    """おつり: what goes back to the resident; ValueError when the tendered cash does not cover the total."""
    if tendered_yen < total_yen:
        raise ValueError("tendered cash does not cover the total")
    return tendered_yen - total_yen


def counted_cash(counts: Mapping[int, int]) -> int:
    """The yen in a drawer counted by denomination ({10000: 3, 1000: 5, …}); ValueError on an unknown
    denomination or a negative count."""
    total = 0
    for denomination, count in counts.items():
        if denomination not in DENOMINATIONS:
            raise ValueError(f"unknown denomination {denomination}")
        if count < 0:
            raise ValueError(f"negative count for {denomination}")
        total += denomination * count
    return total


def totals_by(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum amounts per key, keys in first-seen order."""
    out: dict[str, int] = {}
    for key, amount in pairs:
        out[key] = out.get(key, 0) + amount
    return out

"""The cashless share and the time at the desk with and without cashless: pure figures over plain rows.

Inputs are what ``payments.selectors`` reads (paid payments per day, counter and method; one fact per
Step that took a fee) and each Step's service time. No Django here: the page's selector feeds it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median

CASHLESS_METHODS = ("card", "emoney", "qr")
METHODS = ("cash", *CASHLESS_METHODS)


@dataclass(frozen=True)
class Taken:
    """Paid payments of one method at one counter on one day (a payment of 0 yen is not counted)."""

    day: date
    counter: str
    method: str
    payments: int
    amount_yen: int


@dataclass
class Share:
    """Payments by method of one day or one counter, and the cashless share of them."""

    key: object  # a date (per day) or a counter code (per counter)
    payments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))
    amount_yen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))

    @property
    def total(self) -> int:
        return sum(self.payments.values())

    @property
    def cashless(self) -> int:
        return sum(self.payments[m] for m in CASHLESS_METHODS)

    @property
    def cashless_percent(self) -> int | None:
        """The cashless share of the payments, in whole percent (None without payments)."""
        return round(100 * self.cashless / self.total) if self.total else None

    @property
    def total_yen(self) -> int:
        return sum(self.amount_yen.values())

    def counts(self) -> list[int]:
        return [self.payments[m] for m in METHODS]


def _share(rows: Iterable[Taken], key) -> list[Share]:
    shares: dict[object, Share] = {}
    for row in rows:
        if row.method not in METHODS:
            raise ValueError(f"unknown payment method {row.method!r}")
        share = shares.setdefault(key(row), Share(key(row)))
        share.payments[row.method] += row.payments
        share.amount_yen[row.method] += row.amount_yen
    return [shares[k] for k in sorted(shares)]


def share_by_day(rows: Iterable[Taken]) -> list[Share]:
    """One ``Share`` per day with a payment, oldest first."""
    return _share(rows, key=lambda r: r.day)


def share_by_counter(rows: Iterable[Taken]) -> list[Share]:
    """One ``Share`` per counter over the whole period, by counter code."""
    return _share(rows, key=lambda r: r.counter)


def overall(rows: Iterable[Taken]) -> Share:
    """Every payment of the period in one ``Share``."""
    shares = _share(rows, key=lambda r: "all")
    return shares[0] if shares else Share("all")


@dataclass(frozen=True)
class DeskTime:
    """One Step that took a fee: its counter, whether it was paid cashless, its minutes at the desk
    (service start to completion)."""

    counter: str
    cashless: bool
    minutes: float


@dataclass(frozen=True)
class DeskTimeRow:
    counter: str
    cashless_steps: int
    cashless_median: float | None
    cash_steps: int
    cash_median: float | None

    @property
    def difference(self) -> float | None:
        """Cashless minus cash, in minutes (negative: cashless is quicker); None unless both were seen."""
        if self.cashless_median is None or self.cash_median is None:
            return None
        return round(self.cashless_median - self.cash_median, 1)


def desk_time(samples: Iterable[DeskTime]) -> list[DeskTimeRow]:
    """Per counter: how many Steps paid cashless and in cash, and the median minutes at the desk of each."""
    minutes: dict[str, dict[bool, list[float]]] = defaultdict(lambda: {True: [], False: []})
    for sample in samples:
        if sample.minutes < 0:
            raise ValueError("a Step cannot end before it starts")
        minutes[sample.counter][sample.cashless].append(sample.minutes)

    def middle(values: list[float]) -> float | None:
        return round(median(values), 1) if values else None

    return [DeskTimeRow(counter, len(m[True]), middle(m[True]), len(m[False]), middle(m[False]))
            for counter, m in sorted(minutes.items())]

"""The payment terminal adapter: the one small interface between madoguchi and a card / e-money /
QR payment terminal (決済端末). Pure: no Django.

A real integration is a subclass of ``PaymentTerminal`` registered under a name
(``terminals.register``) and chosen with the ``PAYMENT_TERMINAL`` setting. madoguchi calls it like
this, and relies on exactly these promises:

1. ``charge(key=…)`` is called AFTER the payment is stored as pending under ``key``. The adapter
   MUST pass ``key`` to the terminal or its gateway as the idempotency key (or keep its own
   key → transaction mapping durable on the device side): a second ``charge`` with the same key
   MUST NOT take money twice; it answers the first outcome.
2. ``charge`` answers APPROVED, DECLINED or CANCELLED (the resident cancelled on the terminal), or
   raises ``TerminalTimeout`` when it cannot say (no answer in time, the connection dropped). The
   money may or may not have been taken: madoguchi never charges again, it asks ``status``.
3. ``status(key=…)`` says what became of a key: APPROVED / DECLINED / CANCELLED (final),
   IN_PROGRESS (the terminal is still working on it: ask later) or NOT_FOUND (the request never
   reached the terminal). It may raise ``TerminalTimeout`` too.
4. ``cancel(key=…)`` reverses an approved charge — the same day a void (取消: the sale leaves the
   day's settlement), later a refund (返品: a negative settlement row). It is idempotent per key.
   On a key the terminal never saw it MUST make sure the key can no longer be charged and answer
   NOT_FOUND: madoguchi calls it before it gives up on a payment whose request was lost, so a
   late-arriving request cannot take money for a payment marked failed.
5. ``settlement_report(day=…)`` returns the terminal's (or acquirer's) settlement of ``day`` as
   CSV text in the format ``settlement.parse_settlement_csv`` reads; an adapter whose vendor uses
   another format converts it. The day close matches it with the payments by transaction id.

Amounts are whole yen. ``terminal_id`` names the physical terminal at a register; it is the id the
settlement report prints.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # the resident cancelled on the terminal
    IN_PROGRESS = "in_progress"
    NOT_FOUND = "not_found"
    REVERSED = "reversed"  # an approved charge voided or refunded by ``cancel``

    @property
    def is_final(self) -> bool:
        return self in (Outcome.APPROVED, Outcome.DECLINED, Outcome.CANCELLED, Outcome.REVERSED)


@dataclass(frozen=True)
class TerminalResult:
    outcome: Outcome
    transaction_id: str = ""  # the terminal's id of the sale (or of the reversal, from ``cancel``)
    message: str = ""  # the terminal's words for a decline, shown to the clerk as they are


class TerminalTimeout(Exception):
    """The terminal gave no answer: the outcome is unknown and must be asked with ``status``."""


class PaymentTerminal(ABC):
    """One kind of payment terminal. Subclasses are registered with ``terminals.register``."""

    #: card / e-money / QR: the methods this terminal takes (``Payment.Method`` values)
    methods: frozenset[str] = frozenset({"card", "emoney", "qr"})

    def __init__(self, **options):
        self.options = options

    @abstractmethod
    def charge(self, *, key: str, terminal_id: str, amount_yen: int, method: str) -> TerminalResult:
        """Take ``amount_yen`` by ``method`` on ``terminal_id``, idempotently per ``key``."""

    @abstractmethod
    def status(self, *, key: str) -> TerminalResult:
        """What became of the charge ``key``."""

    @abstractmethod
    def cancel(self, *, key: str) -> TerminalResult:
        """Reverse the charge ``key`` (void the same day, refund later); idempotent."""

    @abstractmethod
    def settlement_report(self, *, day: date) -> str:
        """The settlement of ``day`` for every terminal, as CSV (see ``settlement``)."""

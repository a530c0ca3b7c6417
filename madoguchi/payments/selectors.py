"""Reads of fees and payments: the console's panel, a day's payments, a register's close, the
accounting export, and the figures the insights pages use.

For insights (which may import payments, a layer below it):

- ``cashless_share(start=, end=)`` → ``CashlessShareRow(day, counter, method, payments, amount_yen)``:
  the paid payments (voided ones left out; a later refund does not unmake the day's payment; a
  payment of 0 yen — every line exempt — is not a payment method choice and is left out) per
  local day, counter code and method. Cashless share of a day and counter = the card, e-money and
  QR rows' ``payments`` over all its rows' ``payments``.
- ``step_payment_facts(start=, end=)`` → ``StepPaymentFact(step_id, visit_id, counter, day, method,
  cashless, total_yen, paid_at)``: one per Step that took a fee at the desk, so the time at the
  desk (from the Step's events) can be compared with and without cashless.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q

from madoguchi.catalog.models import Counter, FeeExemption, FeeItem, Procedure
from madoguchi.reception.models import Step, Visit

from . import settlement
from .models import CASHLESS, DayClose, Method, Payment, PaymentLine, Refund, Register, SettlementRow
from .terminals import get_terminal

# Payments whose money the day kept (a later refund is its own entry on the refund's day).
COUNTED = (Payment.Status.PAID, Payment.Status.REFUNDED)


@dataclass
class FeeChoice:
    """One fee item the panel offers: its procedure, the copies it starts at, the reasons it may be waived."""

    fee_item: FeeItem
    procedure: Procedure
    default_quantity: int
    exemptions: list[FeeExemption]


@dataclass
class Panel:
    visit: Visit
    step: Step | None  # the visit's Step at a desk now (called or being served)
    choices: list[FeeChoice] = field(default_factory=list)
    at_cashier: list[Procedure] = field(default_factory=list)  # paid at the 会計窓口, not here
    payments: list[Payment] = field(default_factory=list)
    methods: list[tuple[str, str]] = field(default_factory=list)

    @property
    def default_total(self) -> int:
        return sum(c.fee_item.amount_yen * c.default_quantity for c in self.choices)


def active_step(visit: Visit) -> Step | None:
    """The Step the visitor is at now (called or being served), with its counter."""
    return (visit.steps.filter(status__in=Step.ACTIVE).select_related("counter", "counter__site")
            .order_by("-called_at").first())


def available_methods() -> list[tuple[str, str]]:
    """Cash, and the cashless methods the configured terminal takes."""
    taken = get_terminal().methods
    return [(value, label) for value, label in Method.choices if value == Method.CASH or value in taken]


def visit_panel(visit: Visit, *, step: Step | None) -> Panel:
    """What the payment panel shows for ``visit`` at the desk of ``step``: the fees still to pay here,
    those paid at the cashier instead, and the visit's payments."""
    panel = Panel(visit=visit, step=step, methods=available_methods())
    panel.payments = list(visit.payments.select_related("register", "clerk").prefetch_related(
        Prefetch("lines", queryset=PaymentLine.objects.select_related("fee_item", "exemption").order_by("id"))))
    if step is None:
        return panel
    counter = step.counter
    has_cashier = Counter.objects.filter(site_id=visit.site_id, is_cashier=True, active=True).exists()
    steps = visit.steps.exclude(status=Step.Status.CANCELLED).prefetch_related(
        Prefetch("procedures", queryset=Procedure.objects.prefetch_related(
            Prefetch("fee_items", queryset=FeeItem.objects.filter(active=True).order_by("sort_order", "code")))))
    settled = set(PaymentLine.objects.filter(visit=visit, live=True).values_list("procedure_id", flat=True))
    candidates: list[Procedure] = []
    for visit_step in steps:
        for procedure in visit_step.procedures.all():
            if not procedure.fee_items.all() or procedure.pk in settled or procedure in candidates:
                continue
            at_cashier = procedure.paid_at_cashier and has_cashier
            if counter.is_cashier:
                candidates.append(procedure)
            elif visit_step.counter_id == counter.pk:
                (panel.at_cashier if at_cashier else candidates).append(procedure)
    exemptions = list(FeeExemption.objects.filter(active=True).prefetch_related("fee_items"))
    for procedure in candidates:
        for index, fee_item in enumerate(procedure.fee_items.all()):
            applicable = [x for x in exemptions if not x.fee_items.all() or fee_item in x.fee_items.all()]
            panel.choices.append(FeeChoice(fee_item, procedure, 1 if index == 0 else 0, applicable))
    return panel


def pending_payments(visit: Visit) -> list[Payment]:
    return list(visit.payments.filter(status=Payment.Status.PENDING).select_related("register"))


def day_payments(*, day: date, register: Register | None = None):
    payments = Payment.objects.filter(service_date=day).select_related(
        "register", "clerk", "visit", "refund").prefetch_related("lines__fee_item").order_by("created_at", "id")
    return payments.filter(register=register) if register is not None else payments


def registers() -> list[Register]:
    return list(Register.objects.select_related("counter").order_by("code"))


# --- the day's close ----------------------------------------------------------------------------


@dataclass
class MethodFigure:
    method: str
    label: str
    count: int = 0
    amount_yen: int = 0
    refunded_yen: int = 0  # refunds made today from this register by this method


@dataclass
class CloseFigures:
    register: Register
    day: date
    float_yen: int
    cash_paid_yen: int
    cash_refunded_yen: int
    methods: list[MethodFigure]
    voided: list[Payment]
    expected: list[settlement.Expected]  # cashless sales and refunds as recorded here
    reconciliation: settlement.Reconciliation | None  # None: no settlement report imported for the day
    close: DayClose | None
    # Rows of the day's report from a terminal no register uses: no register's close would list them.
    unknown_terminal: list[SettlementRow] = field(default_factory=list)

    @property
    def expected_cash_yen(self) -> int:
        return self.float_yen + self.cash_paid_yen - self.cash_refunded_yen

    @property
    def close_outdated(self) -> bool:
        """The register was closed, then a payment, void, refund or settlement import changed its figures:
        the close no longer states the day and must be made again."""
        return self.close is not None and (self.close.expected_cash_yen != self.expected_cash_yen
                                           or self.close.cashless != cashless_summary(self))


def cashless_summary(figures: CloseFigures) -> dict:
    """The cashless side of a close as it is stored with it (JSON): totals and unmatched transaction ids."""
    reconciliation = figures.reconciliation
    summary: dict = {"imported": reconciliation is not None}
    if reconciliation is not None:
        summary.update(
            expected=reconciliation.expected_by_method(), settled=reconciliation.settled_by_method(),
            only_ours=[e.transaction_id for e in reconciliation.only_ours],
            only_terminal=[line.transaction_id for line in reconciliation.only_terminal],
            amount_differs=[e.transaction_id for e, _line in reconciliation.amount_differs],
            unmatched=len(reconciliation.only_ours) + len(reconciliation.only_terminal)
            + len(reconciliation.amount_differs),
        )
    if figures.unknown_terminal:
        summary["unknown_terminal"] = [row.transaction_id for row in figures.unknown_terminal]
    return summary


def close_figures(*, register: Register, day: date) -> CloseFigures:
    """A register's day: cash the drawer should hold, each method's takings and refunds, and the
    cashless entries reconciled with the terminal's settlement report (when one is imported)."""
    figures = {value: MethodFigure(value, str(label)) for value, label in Method.choices}
    expected: list[settlement.Expected] = []
    voided = []
    for payment in Payment.objects.filter(register=register, service_date=day).order_by("created_at", "id"):
        if payment.status == Payment.Status.VOIDED:
            voided.append(payment)
        if payment.status not in COUNTED:
            continue
        figure = figures[payment.method]
        figure.count += 1
        figure.amount_yen += payment.total_yen
        if payment.method in CASHLESS:
            expected.append(settlement.Expected(payment.transaction_id, payment.method, payment.total_yen,
                                                payment.receipt_number))
    for refund in Refund.objects.filter(register=register, service_date=day).select_related("payment"):
        figures[refund.method].refunded_yen += refund.amount_yen
        if refund.method in CASHLESS:
            expected.append(settlement.Expected(refund.transaction_id, refund.method, -refund.amount_yen,
                                                refund.payment.receipt_number))
    rows = list(SettlementRow.objects.filter(settlement__service_date=day, terminal_id=register.terminal_id))
    reconciliation = None
    if rows or settlement_imported(day):
        reconciliation = settlement.reconcile(expected, [
            settlement.SettlementLine(r.transaction_id, r.terminal_id, r.at, r.method, r.amount_yen, r.kind)
            for r in rows])
    return CloseFigures(
        register=register, day=day, float_yen=register.float_yen, cash_paid_yen=figures[Method.CASH].amount_yen,
        cash_refunded_yen=figures[Method.CASH].refunded_yen, methods=list(figures.values()), voided=voided,
        expected=expected, reconciliation=reconciliation,
        close=DayClose.objects.filter(register=register, service_date=day).first(),
        unknown_terminal=list(SettlementRow.objects.filter(settlement__service_date=day).exclude(
            terminal_id__in=Register.objects.values("terminal_id")).order_by("at", "transaction_id")),
    )


def settlement_imported(day: date) -> bool:
    return SettlementRow.objects.filter(settlement__service_date=day).exists()


# --- the accounting export ---------------------------------------------------------------------------


@dataclass
class AccountingRow:
    """One revenue item (歳入科目) at one register on one day, for the ward's accounting system."""

    day: date
    register: str
    account_code: str
    revenue_item: str
    copies: int = 0
    exempt_copies: int = 0
    cash_yen: int = 0
    cashless_yen: int = 0
    refunded_yen: int = 0

    @property
    def net_yen(self) -> int:
        return self.cash_yen + self.cashless_yen - self.refunded_yen


def accounting_rows(*, day: date) -> list[AccountingRow]:
    """Every (register, revenue item) of ``day``: copies charged and exempted, cash and cashless
    takings, refunds made that day; booked to the account code the line was charged under."""
    rows: dict[tuple[str, str], AccountingRow] = {}

    def row(register: str, code: str, name: str) -> AccountingRow:
        return rows.setdefault((register, code), AccountingRow(day, register, code, name))

    taken = PaymentLine.objects.filter(payment__service_date=day, payment__status__in=COUNTED).values_list(
        "payment__register__code", "account_code", "revenue_item__name_ja", "payment__method", "quantity",
        "exemption_id", "amount_yen")
    for register, code, name, method, quantity, exemption, amount in taken:
        target = row(register, code, name)
        if exemption:
            target.exempt_copies += quantity
        else:
            target.copies += quantity
        if method == Method.CASH:
            target.cash_yen += amount
        else:
            target.cashless_yen += amount
    refunded = PaymentLine.objects.filter(payment__refund__service_date=day).values_list(
        "payment__refund__register__code", "account_code", "revenue_item__name_ja", "amount_yen")
    for register, code, name, amount in refunded:
        row(register, code, name).refunded_yen += amount
    return sorted(rows.values(), key=lambda r: (r.register, r.account_code))


# --- for insights ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashlessShareRow:
    day: date
    counter: str
    method: str
    payments: int
    amount_yen: int

    @property
    def cashless(self) -> bool:
        return self.method in CASHLESS


def cashless_share(*, start: date, end: date) -> list[CashlessShareRow]:
    """Paid payments per day, counter and method for ``start`` ≤ day ≤ ``end`` (see the module docstring)."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for day, counter, method, total in Payment.objects.filter(
        service_date__gte=start, service_date__lte=end, status__in=COUNTED, total_yen__gt=0
    ).values_list("service_date", "register__counter__code", "method", "total_yen"):
        entry = counts[(day, counter, method)]
        entry[0] += 1
        entry[1] += total
    return [CashlessShareRow(day, counter, method, n, amount) for (day, counter, method), (n, amount)
            in sorted(counts.items())]


@dataclass(frozen=True)
class StepPaymentFact:
    step_id: int
    visit_id: int
    counter: str
    day: date
    method: str  # the method of the Step's (last) paid payment
    cashless: bool  # any of the Step's paid payments was cashless
    total_yen: int
    paid_at: datetime


def step_payment_facts(*, start: date, end: date) -> list[StepPaymentFact]:
    """One fact per Step at which a fee was paid (``start`` ≤ day ≤ ``end``), oldest first."""
    by_step: dict[int, StepPaymentFact] = {}
    for step_id, visit_id, counter, day, method, total, paid_at in Payment.objects.filter(
        Q(step__isnull=False), service_date__gte=start, service_date__lte=end, status__in=COUNTED, total_yen__gt=0,
    ).order_by("finalised_at", "id").values_list("step_id", "visit_id", "register__counter__code", "service_date",
                                                  "method", "total_yen", "finalised_at"):
        before = by_step.get(step_id)
        by_step[step_id] = StepPaymentFact(
            step_id, visit_id, counter, day, method, method in CASHLESS or bool(before and before.cashless),
            total + (before.total_yen if before else 0), paid_at)
    return sorted(by_step.values(), key=lambda f: (f.paid_at, f.step_id))

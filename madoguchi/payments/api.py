"""Fees over JSON: charge a visit's fees (idempotent), the day's payments, void, a register's close.

Amounts are whole yen; every amount is computed here from the catalogue — a client sends fee items,
copies and exemptions, never a price or a total.
"""

import datetime as dt
import re
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, field_validator

from madoguchi.catalog.models import Counter
from madoguchi.core.api import ObjectId
from madoguchi.core.api_auth import staff
from madoguchi.core.errors import DomainError
from madoguchi.core.roles import Capability
from madoguchi.reception.models import Step, Visit
from madoguchi.reception.permissions import may_serve

from . import selectors, services
from .models import CASHLESS, Method, Payment, Register

router = Router(tags=["payments"])

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MethodName = Literal[tuple(Method.values)]  # type: ignore[valid-type]


class PaymentItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    fee_item: str = Field(max_length=64, description="Fee item code from the catalogue, e.g. koseki.full")
    quantity: int = Field(1, ge=1, le=99, description="Copies")
    exemption: str = Field("", max_length=64, description="Exemption reason code (公用請求 …); the line is then 0 yen")
    exemption_note: str = Field("", max_length=200, description="What proves the exemption, when the reason needs it")


class PaymentChargeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[PaymentItemIn] = Field(min_length=1, max_length=40)
    method: MethodName  # type: ignore[valid-type]
    idempotency_key: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="Chosen by the client, one per charge: a retry with the same key returns the same payment (200)")
    counter: str = Field(max_length=64, description="Counter code where the fee is taken")
    desk: int = Field(1, ge=1, le=99)
    tendered_yen: int | None = Field(None, ge=0, le=10_000_000, description="Cash received (cash only)")
    addressee: str = Field("", max_length=100, description="宛名 printed on the receipt (optional)")


class PaymentLineOut(Schema):
    fee_item: str
    name_ja: str
    procedure: str
    quantity: int
    unit_yen: int
    exemption: str | None
    amount_yen: int
    account_code: str


class PaymentOut(Schema):
    id: int
    visit: int
    ticket_number: str
    status: str
    method: str
    total_yen: int
    tendered_yen: int | None
    change_yen: int | None
    receipt_number: str | None
    receipt_url: str | None
    register_code: str
    transaction_id: str
    terminal_message: str
    service_date: dt.date
    created_at: dt.datetime
    lines: list[PaymentLineOut]


class PaymentVoidIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)


class _IsoDate(Schema):
    """A ``date`` query parameter written YYYY-MM-DD (pydantic alone would read "0" as 1970-01-01)."""

    date: dt.date | None = Field(None, description="Local date, YYYY-MM-DD; today when omitted")

    @field_validator("date", mode="before")
    @classmethod
    def _iso_only(cls, value):
        if isinstance(value, str) and not ISO_DATE.fullmatch(value):
            raise ValueError("a date written YYYY-MM-DD")
        return value


class PaymentDayQuery(_IsoDate):
    register_code: str | None = Field(None, alias="register", max_length=80,
                                      description="Register code, e.g. koseki-cert-1; every register when omitted")


class PaymentCloseQuery(_IsoDate):
    register_code: str = Field(alias="register", max_length=80, description="Register code, e.g. koseki-cert-1")


class PaymentCloseMethodOut(Schema):
    method: str
    payments: int
    taken_yen: int
    refunded_yen: int


class PaymentCloseCashOut(Schema):
    float_yen: int
    taken_yen: int
    refunded_yen: int
    expected_yen: int
    counted_yen: int | None
    variance_yen: int | None
    variance_reason: str
    counts: dict[str, int] | None


class PaymentUnmatchedOut(Schema):
    transaction_id: str
    amount_yen: int
    receipt_number: str = ""


class PaymentCloseCashlessOut(Schema):
    imported: bool
    expected_by_method: dict[str, int]
    settled_by_method: dict[str, int]
    matched: int
    only_ours: list[PaymentUnmatchedOut]
    only_terminal: list[PaymentUnmatchedOut]
    amount_differs: list[PaymentUnmatchedOut]
    unknown_terminal: list[PaymentUnmatchedOut] = Field(
        description="rows of the day's report from a terminal no register uses (listed on every register's close)")


class PaymentCloseOut(Schema):
    date: dt.date
    register_code: str
    closed: bool
    closed_at: dt.datetime | None
    close_outdated: bool = Field(description="closed, then a payment, void, refund or import changed the figures")
    methods: list[PaymentCloseMethodOut]
    cash: PaymentCloseCashOut
    cashless: PaymentCloseCashlessOut


def payment_out(request, payment: Payment) -> PaymentOut:
    paid = payment.status == Payment.Status.PAID
    return PaymentOut(
        id=payment.pk, visit=payment.visit_id, ticket_number=payment.visit.ticket_number, status=payment.status,
        method=payment.method, total_yen=payment.total_yen, tendered_yen=payment.tendered_yen,
        change_yen=payment.change_yen, receipt_number=payment.receipt_number,
        receipt_url=request.build_absolute_uri(reverse("payments:receipt", args=[payment.pk])) if paid else None,
        register_code=payment.register.code, transaction_id=payment.transaction_id,
        terminal_message=payment.terminal_message, service_date=payment.service_date, created_at=payment.created_at,
        lines=[PaymentLineOut(fee_item=line.fee_item.code, name_ja=line.fee_item.name_ja,
                              procedure=line.procedure.code, quantity=line.quantity, unit_yen=line.unit_yen,
                              exemption=line.exemption.code if line.exemption_id else None,
                              amount_yen=line.amount_yen, account_code=line.account_code)
               for line in payment.lines.select_related("fee_item", "procedure", "exemption").order_by("id")],
    )


def prefers_async(request) -> bool:
    """``Prefer: respond-async`` (RFC 7240), among other preferences or not."""
    preferences = request.headers.get("Prefer", "")
    return any(p.split(";")[0].split("=")[0].strip().lower() == "respond-async" for p in preferences.split(","))


@router.post("/visits/{visit_id}/payments", response={200: PaymentOut, 201: PaymentOut, 202: PaymentOut},
             auth=staff(Capability.PAYMENT_TAKE),
             summary="Charge fees of a visit: 201 with the new payment, 200 with the same one when the key was seen",
             description="With `Prefer: respond-async` a card, e-money or QR payment is answered at once, "
                         "202 with the payment pending and `Location` to poll (`GET /payments/{id}`) until it is "
                         "final; the server does not wait for the resident at the terminal. Without it the "
                         "answer waits for the terminal.",
             openapi_extra={"parameters": [{
                 "in": "header", "name": "Prefer", "required": False, "schema": {"type": "string"},
                 "description": "`respond-async`: answer 202 at once for a cashless payment (RFC 7240)"}]})
def charge(request, response: HttpResponse, visit_id: ObjectId, payload: PaymentChargeIn):
    visit = get_object_or_404(Visit, pk=visit_id)
    counter = Counter.objects.filter(code=payload.counter, active=True).first()
    if counter is None:
        raise DomainError(_("Unknown counter %(counter)s."), field="counter", counter=payload.counter)
    if not may_serve(request.auth, counter):
        raise PermissionDenied
    step = visit.steps.filter(counter=counter, status__in=Step.ACTIVE).first()
    respond_async = prefers_async(request)
    result = services.payment_charge(
        visit=visit, method=payload.method, idempotency_key=payload.idempotency_key,
        items=[services.ChargeItem(i.fee_item, i.quantity, i.exemption, i.exemption_note) for i in payload.items],
        register=services.register_for(counter=counter, desk=payload.desk), clerk=request.auth,
        tendered_yen=payload.tendered_yen, addressee=payload.addressee, step=step, wait=not respond_async,
    )
    if respond_async and result.payment.status == Payment.Status.PENDING:
        response["Preference-Applied"] = "respond-async"
        response["Location"] = request.build_absolute_uri(reverse("api:payment", args=[result.payment.pk]))
        return Status(202, payment_out(request, result.payment))
    return Status(201 if result.created else 200, payment_out(request, result.payment))


@router.get("/payments/{payment_id}", response=PaymentOut, url_name="payment",
            auth=staff(Capability.PAYMENT_TAKE, Capability.CASHIER_CLOSE),
            summary="One payment, to poll after a 202; a pending one is asked of the terminal when due (never charged "
                    "again)")
def payment(request, payment_id: ObjectId):
    found = get_object_or_404(Payment.objects.select_related("register", "visit"), pk=payment_id)
    return payment_out(request, services.payment_polled(payment=found, actor=request.auth))


@router.get("/payments", response=list[PaymentOut], auth=staff(Capability.PAYMENT_TAKE, Capability.CASHIER_CLOSE),
            summary="The payments of a day, of one register or all (a pending one is asked of the terminal when due)")
def list_payments(request, filters: Query[PaymentDayQuery]):
    register = None
    if filters.register_code:
        register = Register.objects.filter(code=filters.register_code).first()
        if register is None:
            raise DomainError(_("Unknown register %(register)s."), field="register", register=filters.register_code)
    day = filters.date or timezone.localdate()
    for pending in selectors.day_payments(day=day, register=register).filter(status=Payment.Status.PENDING):
        services.payment_polled(payment=pending, actor=request.auth)
    return [payment_out(request, p) for p in selectors.day_payments(day=day, register=register)]


@router.post("/payments/{payment_id}/void", response=PaymentOut, auth=staff(Capability.PAYMENT_TAKE),
             summary="Void a payment the same day (the clerk who took it, or a supervisor), with the reason")
def void(request, payment_id: ObjectId, payload: PaymentVoidIn):
    payment = get_object_or_404(Payment, pk=payment_id)
    return payment_out(request, services.payment_void(payment=payment, actor=request.auth, reason=payload.reason))


@router.get("/cashier/close", response=PaymentCloseOut, auth=staff(Capability.CASHIER_CLOSE),
            summary="A register's day: expected vs counted cash, cashless vs the terminal's settlement report")
def close(request, filters: Query[PaymentCloseQuery]):
    register = Register.objects.filter(code=filters.register_code).first()
    if register is None:
        raise DomainError(_("Unknown register %(register)s."), field="register", register=filters.register_code)
    figures = selectors.close_figures(register=register, day=filters.date or timezone.localdate())
    closed = figures.close
    r = figures.reconciliation
    return PaymentCloseOut(
        date=figures.day, register_code=register.code, closed=closed is not None,
        closed_at=closed.closed_at if closed else None, close_outdated=figures.close_outdated,
        methods=[PaymentCloseMethodOut(method=m.method, payments=m.count, taken_yen=m.amount_yen,
                                       refunded_yen=m.refunded_yen) for m in figures.methods],
        cash=PaymentCloseCashOut(
            float_yen=figures.float_yen, taken_yen=figures.cash_paid_yen, refunded_yen=figures.cash_refunded_yen,
            expected_yen=figures.expected_cash_yen, counted_yen=closed.counted_cash_yen if closed else None,
            variance_yen=closed.variance_yen if closed else None,
            variance_reason=closed.variance_reason if closed else "", counts=closed.counts if closed else None),
        cashless=PaymentCloseCashlessOut(
            imported=r is not None,
            expected_by_method=r.expected_by_method() if r else {m.value: 0 for m in CASHLESS},
            settled_by_method=r.settled_by_method() if r else {m.value: 0 for m in CASHLESS},
            matched=len(r.matched) if r else 0,
            only_ours=[PaymentUnmatchedOut(transaction_id=e.transaction_id, amount_yen=e.amount_yen,
                                           receipt_number=e.reference) for e in (r.only_ours if r else [])],
            only_terminal=[PaymentUnmatchedOut(transaction_id=line.transaction_id, amount_yen=line.amount_yen)
                           for line in (r.only_terminal if r else [])],
            amount_differs=[PaymentUnmatchedOut(transaction_id=e.transaction_id, amount_yen=line.amount_yen,
                                                receipt_number=e.reference)
                            for e, line in (r.amount_differs if r else [])],
            unknown_terminal=[PaymentUnmatchedOut(transaction_id=row.transaction_id, amount_yen=row.amount_yen)
                              for row in figures.unknown_terminal],
        ),
    )

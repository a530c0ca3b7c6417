"""Every write of fees at the counter: charge, resolve, void, refund, receipt.

Never twice — the protocol ``payment_charge`` keeps:

1. One short transaction locks the visit row, refuses fee items another payment of the visit
   already holds (paid, or pending at another desk), and writes the payment *pending* under its
   idempotency key with its lines. The key is unique and a fee item has at most one live line per
   visit (partial unique constraint): the database is the backstop when two requests race.
2. Only after that commit is the terminal asked to charge, with the same key (no lock held while
   the resident taps a card). The console and an API client that says ``Prefer: respond-async`` do
   not wait for it: the terminal is asked on a thread of its own (``core.background``) and the
   request answers with the pending payment, which the console then polls (``payment_resolve``).
3. Its answer finalises the payment in a second short transaction. No answer (a timeout, a
   crash, a killed process) leaves it pending; ``payment_resolve`` then asks the terminal for
   the status of that key — on a poll of the payment (the panel's, the API's: ``payment_polled``),
   on the next access to the visit's panel, on a repeated request with the key, and from
   ``manage.py payments_resolve``. Nothing ever charges a key again.

The day's close, the settlement import and the accounting export are in ``closing``.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.catalog.models import FeeExemption, FeeItem
from madoguchi.core import background
from madoguchi.core.errors import ConflictError, DomainError
from madoguchi.core.fonts import fonts
from madoguchi.core.mynumber import contains_individual_number
from madoguchi.core.roles import Capability
from madoguchi.reception.models import Step, Visit

from . import fees, receipt
from .models import CASHLESS, Method, Payment, PaymentLine, ReceiptSequence, Refund, Register
from .terminals import Outcome, TerminalResult, TerminalTimeout, get_terminal
from .terminals import backend_name as terminal_backend_name

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REASON_MAX = 200
ADDRESSEE_MAX = 100

PRICING_MESSAGES = {
    "empty": _("Choose at least one fee item with one copy or more."),
    "unknown_fee_item": _("Unknown fee item %(fee_item)s."),
    "duplicate": _("The fee item %(fee_item)s is listed twice: give its copies once."),
    "quantity": _("Copies must be a whole number from 1 to %(max)d."),
    "unknown_exemption": _("Unknown exemption %(exemption)s."),
    "exemption_not_for_item": _("The exemption %(exemption)s does not apply to %(fee_item)s."),
    "note_required": _("This exemption needs a note (e.g. the requesting office and its document number)."),
}


@dataclass(frozen=True)
class ChargeItem:
    """What the clerk (or an API client) asks for: a fee item by code, copies, an optional exemption."""

    fee_item: str
    quantity: int = 1
    exemption: str = ""
    note: str = ""


@dataclass(frozen=True)
class ChargeResult:
    payment: Payment
    created: bool  # False: the key was seen before and this is that payment


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def clean_free_text(value: str, *, field: str, max_length: int, label) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise DomainError(_("%(label)s: at most %(max)d characters."), field=field, label=label, max=max_length)
    if contains_individual_number(value):
        # Never echo the digits: an error message can end up in a log.
        raise DomainError(_("%(label)s looks like it holds an individual number (12 digits): it is not accepted."),
                          field=field, label=label)
    return value


def register_for(*, counter, desk: int) -> Register:
    """The register of ``desk`` at ``counter`` (made on first use: code and terminal id ``<counter>-<desk>``)."""
    if not 1 <= desk <= counter.desks:
        raise DomainError(_("Counter %(counter)s has desks 1–%(desks)d."), field="desk", counter=counter.name,
                          desks=counter.desks)
    code = f"{counter.code}-{desk}"
    register = Register.objects.filter(counter=counter, desk=desk).first()
    if register is None:
        try:
            with transaction.atomic():
                register = Register.objects.create(code=code, counter=counter, desk=desk, terminal_id=code,
                                                   float_yen=settings.PAYMENT_REGISTER_FLOAT_YEN)
        except IntegrityError:  # another request made it first
            register = Register.objects.get(counter=counter, desk=desk)
    return register


def _digest(*, visit_id: int, items: list[ChargeItem], method: str, tendered_yen: int | None, addressee: str) -> str:
    body = {"visit": visit_id, "method": method, "tendered": tendered_yen, "addressee": addressee.strip(),
            "items": sorted([i.fee_item, i.quantity, i.exemption, i.note.strip()] for i in items)}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _priced(visit: Visit, items: list[ChargeItem]) -> tuple[list[fees.PricedLine], int, dict[str, FeeItem],
                                                             dict[str, FeeExemption]]:
    codes = [i.fee_item for i in items]
    fee_items = {f.code: f for f in FeeItem.objects.filter(code__in=codes, active=True)
                 .select_related("procedure", "revenue_item")}
    exemptions = {x.code: x for x in FeeExemption.objects.filter(
        code__in=[i.exemption for i in items if i.exemption], active=True).prefetch_related("fee_items")}
    rows = {code: fees.FeeRow(code, f.procedure.code, f.amount_yen, f.revenue_item.account_code)
            for code, f in fee_items.items()}
    rules = {code: fees.ExemptionRow(code, x.note_required, frozenset(f.code for f in x.fee_items.all()))
             for code, x in exemptions.items()}
    try:
        lines, total = fees.price([fees.Requested(i.fee_item, i.quantity, i.exemption, i.note) for i in items],
                                  rows, rules)
    except fees.PricingRefused as refused:
        # Name what the catalogue knows by its name (a clerk never reads an internal code).
        known = {"fee_item": {c: f.name for c, f in fee_items.items()},
                 "exemption": {c: x.name for c, x in exemptions.items()}}
        raise DomainError.collect(
            DomainError(PRICING_MESSAGES[p.kind], field=p.field,
                        **{k: known.get(k, {}).get(v, v) for k, v in p.values}) for p in refused.problems
        ) from refused
    in_visit = set(Step.procedures.through.objects.filter(
        step__visit=visit).exclude(step__status=Step.Status.CANCELLED).values_list("procedure__code", flat=True))
    outside = [DomainError(_("%(fee)s is not for a procedure of this visit."), field=f"items[{index}].fee_item",
                           fee=fee_items[line.fee_item].name)
               for index, line in enumerate(lines) if line.procedure not in in_visit]
    if outside:
        raise DomainError.collect(outside)
    return lines, total, fee_items, exemptions


def payment_charge(*, visit: Visit, items: list[ChargeItem], method: str, idempotency_key: str, register: Register,
                   clerk, tendered_yen: int | None = None, addressee: str = "", step: Step | None = None,
                   now: datetime | None = None, wait: bool = True) -> ChargeResult:
    """Charge the fees of ``items`` for ``visit`` at ``register``, at most once per key and per fee item.

    MUST: compute every amount here (never trust a client's total); write the payment pending before
    the terminal is asked; answer a key seen before with that payment (refusing it with other
    content, ``ConflictError`` on ``idempotency_key``); refuse a fee item another live payment of the
    visit holds (``ConflictError``, naming whether it is paid or being paid); never call the
    terminal twice for a key. Cash is paid at once (tendered ≥ total, change computed); a total of 0
    (every line exempt) is recorded as cash without a terminal.

    ``wait=False``: a cashless payment is answered pending at once and the terminal is asked on a
    thread of its own after the commit, which finalises it (a worker then never waits for a card).
    """
    now = _now(now)
    if not KEY_PATTERN.match(idempotency_key or ""):
        raise DomainError(_("The idempotency key must be 8–64 letters, digits, '-' or '_'."), field="idempotency_key")
    addressee = clean_free_text(addressee, field="addressee", max_length=ADDRESSEE_MAX, label=_("Addressee"))
    unprintable = fonts().unprintable(addressee) if addressee else []
    if unprintable:
        raise DomainError(_("The receipt cannot print %(characters)s: write the addressee another way."),
                          field="addressee", characters=" ".join(unprintable))
    items = [ChargeItem(i.fee_item, i.quantity, i.exemption, clean_free_text(
        i.note, field=f"items[{n}].note", max_length=REASON_MAX, label=_("Exemption note")))
        for n, i in enumerate(items)]
    digest = _digest(visit_id=visit.pk, items=items, method=method, tendered_yen=tendered_yen, addressee=addressee)
    seen = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if seen is not None:
        return ChargeResult(_repeated(seen, digest, now=now), created=False)

    if method not in Method.values:
        raise DomainError(_("Unknown payment method %(method)s."), field="method", method=method)
    terminal = get_terminal()
    lines, total, fee_items, exemptions = _priced(visit, items)
    if total == 0:
        method, tendered_yen = Method.CASH, 0  # every line exempt: nothing to take
    elif method in CASHLESS and method not in terminal.methods:
        raise DomainError(_("This office takes no %(method)s payments."), field="method",
                          method=Method(method).label)
    change = None
    if method == Method.CASH:
        if tendered_yen is None:
            raise DomainError(_("Enter the cash received."), field="tendered_yen")
        try:
            change = fees.change_due(total, tendered_yen)
        except ValueError:
            raise DomainError(_("The cash received (%(tendered)s yen) is less than the total (%(total)s yen)."),
                              field="tendered_yen", tendered=f"{tendered_yen:,}", total=f"{total:,}") from None
    else:
        tendered_yen = None

    try:
        payment = _write(visit=visit, lines=lines, total=total, fee_items=fee_items, exemptions=exemptions,
                         method=method, key=idempotency_key, digest=digest, register=register, clerk=clerk,
                         tendered_yen=tendered_yen, change=change, addressee=addressee, step=step,
                         terminal=terminal, now=now)
    except IntegrityError:
        seen = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if seen is not None:  # the same key raced us: that request's payment is the answer
            return ChargeResult(_repeated(seen, digest, now=now), created=False)
        # The backstop: another payment took one of these fee items between our check and our insert.
        raise ConflictError(_("These fees are already being paid at another desk."), field="items") from None
    if payment.status == Payment.Status.PENDING:
        if wait:
            payment = _ask_terminal(payment, terminal=terminal, actor=clerk)
        else:
            background.after_commit(_ask_terminal, payment, terminal=terminal, actor=clerk,
                                    name=f"payment-{payment.pk}")
    return ChargeResult(payment, created=True)


def _repeated(payment: Payment, digest: str, *, now: datetime) -> Payment:
    if payment.request_digest != digest:
        raise ConflictError(_("This idempotency key was used for another charge: use a new key for a new charge."),
                            field="idempotency_key")
    if payment.status == Payment.Status.PENDING:
        payment = payment_resolve(payment=payment, now=now)
    return payment


def _conflict(held: list[PaymentLine]) -> ConflictError:
    names = "、".join(line.fee_item.name for line in held)
    paid = next((line.payment for line in held if line.payment.status == Payment.Status.PAID), None)
    if paid is not None:
        return ConflictError(_("%(fees)s: already paid (receipt %(receipt)s)."), field="items", fees=names,
                             receipt=paid.receipt_number)
    pending = held[0].payment
    return ConflictError(_("%(fees)s: being paid now at %(register)s; wait for its terminal."), field="items",
                         fees=names, register=pending.register.code)


@transaction.atomic
def _write(*, visit, lines, total, fee_items, exemptions, method, key, digest, register, clerk, tendered_yen,
           change, addressee, step, terminal, now) -> Payment:
    # The visit row is the lock two desks charging the same visit meet at (NO KEY: registrations and
    # Step events, which only reference the visit, are not blocked).
    visit = Visit.objects.select_for_update(no_key=connection.features.has_select_for_no_key_update).get(pk=visit.pk)
    if visit.status == Visit.Status.CANCELLED:
        raise ConflictError(_("Visit %(ticket)s was cancelled."), field="visit", ticket=visit.ticket_number)
    held = list(PaymentLine.objects.filter(visit=visit, live=True, fee_item__code__in=[li.fee_item for li in lines])
                .select_related("payment__register", "fee_item"))
    if held:
        raise _conflict(held)
    payment = Payment.objects.create(
        idempotency_key=key, request_digest=digest, visit=visit, step=step, register=register, clerk=clerk,
        method=method, total_yen=total, tendered_yen=tendered_yen, change_yen=change,
        terminal="" if method == Method.CASH else terminal_backend_name(), service_date=timezone.localdate(now),
        created_at=now, addressee=addressee,
    )
    PaymentLine.objects.bulk_create([
        PaymentLine(payment=payment, visit=visit, procedure_id=fee_items[li.fee_item].procedure_id,
                    fee_item=fee_items[li.fee_item], revenue_item_id=fee_items[li.fee_item].revenue_item_id,
                    account_code=li.revenue_code, quantity=li.quantity, unit_yen=li.unit_yen,
                    exemption=exemptions.get(li.exemption), exemption_note=li.note, amount_yen=li.amount_yen)
        for li in lines
    ])
    if method == Method.CASH:
        _mark_paid(payment, transaction_id="", now=now)
        audit.payment_received(actor=clerk, payment=payment)
    return payment


def _next_receipt_number(day) -> str:
    """The day's next receipt number, taken inside the finalising transaction: a rollback gives it back,
    so the numbers have no gaps."""
    table = ReceiptSequence._meta.db_table
    for _attempt in range(5):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - our own table
                           "WHERE service_date = %s RETURNING last_number", [day])
            row = cursor.fetchone()
        if row is not None:
            return f"{day:%Y%m%d}-{row[0]:05d}"
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(service_date=day, last_number=1)
            return f"{day:%Y%m%d}-00001"
        except IntegrityError:
            continue  # another finalisation made the day's row: increment it
    raise RuntimeError("could not number a receipt")  # pragma: no cover - five lost races in a row


def _mark_paid(payment: Payment, *, transaction_id: str, now: datetime) -> None:
    payment.status = Payment.Status.PAID
    payment.transaction_id = transaction_id
    payment.finalised_at = now
    payment.receipt_number = _next_receipt_number(payment.service_date)
    payment.save(update_fields=["status", "transaction_id", "finalised_at", "receipt_number"])


def _ask_terminal(payment: Payment, *, terminal, actor) -> Payment:
    try:
        result = terminal.charge(key=payment.idempotency_key, terminal_id=payment.register.terminal_id,
                                 amount_yen=payment.total_yen, method=payment.method)
    except TerminalTimeout:
        result = _status_or_none(terminal, payment)
    except Exception:  # a broken connection is an unknown outcome too: the key is asked again later
        logger.exception("payment terminal failed on payment %s", payment.pk)
        result = None
    # Only a final word finalises here. NOT_FOUND right after a timeout may be a request still on its
    # way: payment_resolve gives it up later, once it cannot arrive any more.
    if result is not None and result.outcome.is_final:
        return _finalise(payment.pk, result, actor=actor, now=timezone.now())
    return payment


def _status_or_none(terminal, payment: Payment) -> TerminalResult | None:
    try:
        return terminal.status(key=payment.idempotency_key)
    except TerminalTimeout:
        return None
    except Exception:  # a broken connection says nothing either: the payment stays pending, the page works
        logger.exception("payment terminal failed to tell the status of payment %s", payment.pk)
        return None


@transaction.atomic
def _finalise(payment_id: int, result: TerminalResult, *, actor, now: datetime, resolved: bool = False) -> Payment:
    """Apply the terminal's final word to a pending payment (idempotent: a payment already final stays)."""
    payment = Payment.objects.select_for_update(of=("self",)).select_related("register", "visit").get(pk=payment_id)
    decided = result.outcome.is_final or result.outcome == Outcome.NOT_FOUND
    if payment.status != Payment.Status.PENDING or not decided:
        return payment
    if result.outcome == Outcome.APPROVED:
        _mark_paid(payment, transaction_id=result.transaction_id, now=now)
        audit.payment_received(actor=actor, payment=payment)
    else:
        payment.status = {Outcome.DECLINED: Payment.Status.DECLINED, Outcome.CANCELLED: Payment.Status.CANCELLED}.get(
            result.outcome, Payment.Status.FAILED)
        payment.terminal_message = result.message[:200]
        payment.transaction_id = result.transaction_id
        payment.finalised_at = now
        payment.save(update_fields=["status", "terminal_message", "transaction_id", "finalised_at"])
        payment.lines.update(live=False)
        audit.payment_not_completed(actor=actor, payment=payment)
    if resolved:
        audit.payment_resolved(actor=actor, payment=payment, outcome=str(result.outcome))
    return payment


def may_still_arrive(payment: Payment, *, now: datetime | None = None) -> bool:
    """Whether the terminal may still answer ``payment``'s charge by itself: its request can still be on
    its way (``PAYMENT_TERMINAL_TIMEOUT_SECONDS`` since it was written)."""
    return _now(now) - payment.created_at < timedelta(seconds=settings.PAYMENT_TERMINAL_TIMEOUT_SECONDS)


def payment_resolve(*, payment: Payment, actor=None, now: datetime | None = None) -> Payment:
    """Settle a pending payment from the terminal's status of its key; never charge again.

    APPROVED / DECLINED / CANCELLED finalise it. IN_PROGRESS or no answer leave it pending. NOT_FOUND
    gives it up (FAILED, fee items free again) only once the request cannot still be on its way
    (``PAYMENT_TERMINAL_TIMEOUT_SECONDS``), and only after ``cancel`` has burned the key at the
    terminal — should the request have arrived meanwhile, that cancel reverses it.
    """
    now = _now(now)
    if payment.status != Payment.Status.PENDING:
        return payment
    terminal = get_terminal()
    result = _status_or_none(terminal, payment)
    if result is None or result.outcome == Outcome.IN_PROGRESS:
        return payment
    if result.outcome == Outcome.NOT_FOUND:
        if may_still_arrive(payment, now=now):
            return payment
        try:
            result = terminal.cancel(key=payment.idempotency_key)
        except TerminalTimeout:
            return payment
        except Exception:  # not burned: it cannot be given up yet
            logger.exception("payment terminal failed to burn the key of payment %s", payment.pk)
            return payment
        if result.outcome == Outcome.REVERSED:  # it had arrived after all, and is reversed now
            result = TerminalResult(Outcome.NOT_FOUND, result.transaction_id, "reversed when given up")
    return _finalise(payment.pk, result, actor=actor, now=now, resolved=True)


# A pending payment younger than this is being asked by its charge's own thread, which finalises it: a
# poll reads the database. Older, the terminal is asked (the thread may have died with its worker) — at
# most once per ASK_TERMINAL_EVERY per payment and process, so a slow terminal holds no worker each second.
ASK_TERMINAL_AFTER = timedelta(seconds=10)
ASK_TERMINAL_EVERY_SECONDS = 5


def payment_polled(*, payment: Payment, actor=None, now: datetime | None = None) -> Payment:
    """What a poll of a payment sees (the console's panel every second, ``GET /api/v1/payments/{id}``):
    the payment as stored, settled from the terminal's status (``payment_resolve``) when it is pending
    and due to be asked."""
    now = _now(now)
    if payment.status != Payment.Status.PENDING or now - payment.created_at < ASK_TERMINAL_AFTER:
        return payment
    if not cache.add(f"payments:asked:{payment.pk}", True, ASK_TERMINAL_EVERY_SECONDS):
        return payment
    return payment_resolve(payment=payment, actor=actor, now=now)


def payments_resolve_pending(*, now: datetime | None = None) -> dict[str, int]:
    """Resolve every pending payment (``manage.py payments_resolve``); counts by resulting status."""
    counts: dict[str, int] = {}
    for payment in Payment.objects.filter(status=Payment.Status.PENDING).select_related("register").order_by("id"):
        status = payment_resolve(payment=payment, now=now).status
        counts[status] = counts.get(status, 0) + 1
    return counts


# --- void and refund ----------------------------------------------------------------------------


def _locked_paid(payment_id: int) -> Payment:
    payment = Payment.objects.select_for_update().select_related("register", "clerk").get(pk=payment_id)
    if payment.status != Payment.Status.PAID:
        raise ConflictError(_("Receipt %(receipt)s is %(status)s: nothing to give back."), field="payment",
                            receipt=payment.receipt_number or "—", status=payment.get_status_display())
    return payment


def _reverse_on_terminal(payment: Payment) -> TerminalResult:
    try:
        result = get_terminal().cancel(key=payment.idempotency_key)
    except TerminalTimeout:
        raise ConflictError(_("The payment terminal did not answer. Try again: it will not reverse twice."),
                            field="payment") from None
    if result.outcome != Outcome.REVERSED:
        raise ConflictError(_("The payment terminal did not reverse the payment (%(outcome)s)."), field="payment",
                            outcome=result.message or str(result.outcome))
    return result


def payment_void(*, payment: Payment, actor, reason: str, now: datetime | None = None) -> Payment:
    """取消: give a fee back on the day it was paid. The clerk who charged it may; so may a supervisor.

    MUST: refuse another clerk (``PermissionDenied``), another day (``ConflictError``: a refund then),
    a payment not paid; reverse a cashless payment on the terminal before it is marked voided (the
    terminal's cancel is idempotent, so a retry after a failure is safe); free its fee items.
    """
    now = _now(now)
    reason = clean_free_text(reason, field="reason", max_length=REASON_MAX, label=_("Reason"))
    if not reason:
        raise DomainError(_("Give the reason for the void."), field="reason")
    with transaction.atomic():
        checked = _locked_paid(payment.pk)
        if checked.clerk_id != actor.pk and not actor.can(Capability.PAYMENT_REFUND):
            raise PermissionDenied("only the clerk who took the payment may void it")
        if checked.service_date != timezone.localdate(now):
            raise ConflictError(_("Receipt %(receipt)s was paid on another day: a supervisor refunds it."),
                                field="payment", receipt=checked.receipt_number)
    if checked.is_cashless:
        _reverse_on_terminal(checked)
    with transaction.atomic():
        payment = _locked_paid(payment.pk)
        payment.status = Payment.Status.VOIDED
        payment.voided_at, payment.voided_by, payment.void_reason = now, actor, reason
        payment.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        payment.lines.update(live=False)
        audit.payment_voided(actor=actor, payment=payment, reason=reason)
    return payment


def payment_refund(*, payment: Payment, actor, reason: str, register: Register, now: datetime | None = None) -> Refund:
    """還付: give a fee back on a later day (a supervisor). Cash leaves ``register``; a cashless payment
    is refunded through the terminal. The same day is a void, not a refund."""
    now = _now(now)
    if not actor.can(Capability.PAYMENT_REFUND):
        raise PermissionDenied("refunds need a supervisor")
    reason = clean_free_text(reason, field="reason", max_length=REASON_MAX, label=_("Reason"))
    if not reason:
        raise DomainError(_("Give the reason for the refund."), field="reason")
    with transaction.atomic():
        checked = _locked_paid(payment.pk)
        if checked.service_date == timezone.localdate(now):
            raise ConflictError(_("Receipt %(receipt)s was paid today: void it instead."), field="payment",
                                receipt=checked.receipt_number)
    transaction_id = _reverse_on_terminal(checked).transaction_id if checked.is_cashless else ""
    with transaction.atomic():
        payment = _locked_paid(payment.pk)
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status"])
        payment.lines.update(live=False)
        refund = Refund.objects.create(
            payment=payment, register=register, amount_yen=payment.total_yen, method=payment.method,
            transaction_id=transaction_id, service_date=timezone.localdate(now), created_at=now, refunded_by=actor,
            reason=reason)
        audit.payment_refunded(actor=actor, payment=payment, refund=refund, reason=reason)
    return refund


# --- receipt ----------------------------------------------------------------------------------------


@transaction.atomic
def receipt_issue(*, payment: Payment, actor) -> tuple[bytes, bool]:
    """The receipt (領収書) PDF of a paid payment and whether it is a reprint (再発行: any print after
    the first). Logs the print, and the view of the addressee when there is one."""
    payment = Payment.objects.select_for_update().select_related("register__counter", "visit__site").get(
        pk=payment.pk)
    if payment.status != Payment.Status.PAID:
        raise ConflictError(_("Receipt %(receipt)s is %(status)s: no receipt is issued."), field="payment",
                            receipt=payment.receipt_number or "—", status=payment.get_status_display())
    reprint = payment.receipt_prints > 0
    lines = list(payment.lines.select_related("fee_item", "exemption").order_by("id"))
    pdf = receipt.render_receipt(receipt.receipt_data(payment, lines, reprint=reprint))
    payment.receipt_prints += 1
    payment.save(update_fields=["receipt_prints"])
    audit.receipt_printed(actor=actor, payment=payment, reprint=reprint)
    if payment.addressee:
        audit.personal_data_viewed(actor=actor, subject=payment, purpose="領収書の宛名 / receipt addressee",
                                   fields=["addressee"])
    return pdf, reprint


def payment_addressees_purge(*, now: datetime | None = None) -> int:
    """Blank receipt addressees older than ``PERSONAL_DATA_RETENTION_DAYS`` (``manage.py payments_purge``)."""
    now = _now(now)
    days = settings.PERSONAL_DATA_RETENTION_DAYS
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        count = Payment.objects.filter(created_at__lt=cutoff).exclude(addressee="").update(addressee="")
        audit.payment_addressees_purged(retention_days=days, cutoff=cutoff.isoformat(), count=count)
    return count

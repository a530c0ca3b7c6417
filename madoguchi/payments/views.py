"""Pages of fees: the payment panel the console loads with htmx (and its full-page form), the receipt,
void and refund, the day's payments, the register's close, the accounting export, the simulated
terminal's control. Thin: a form, one service or selector, a template."""

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.core.access import requires
from madoguchi.core.errors import add_to_form, error_text
from madoguchi.core.forms import form_guarded, without_individual_numbers
from madoguchi.core.params import date_or_none, int_or_none
from madoguchi.core.roles import Capability
from madoguchi.reception.models import Visit
from madoguchi.reception.permissions import may_serve

from . import closing, fees, selectors, services
from .forms import (
    ChargeForm,
    CloseForm,
    ReasonForm,
    RefundForm,
    SettlementForm,
    TerminalControlForm,
    charge_items,
    new_idempotency_key,
)
from .models import CASHLESS, Payment, Register
from .terminals import backend_name, get_terminal

# --- the payment panel ------------------------------------------------------------------------------


def _visit_and_step(request, visit_id: int):
    visit = get_object_or_404(Visit.objects.select_related("site"), pk=visit_id)
    step = selectors.active_step(visit)
    if step is not None and not may_serve(request.user, step.counter):
        step = None  # not this clerk's counter: the visit's payments, read only
    return visit, step


def _panel_context(request, visit, step, *, form=None, item_problems=None, outcome=None, posted=None,
                   polled=False) -> dict:
    for pending in selectors.pending_payments(visit):  # resolution on next access, when due (payment_polled)
        services.payment_polled(payment=pending, actor=request.user)
    if outcome is not None and outcome.status == Payment.Status.PENDING:
        outcome = Payment.objects.get(pk=outcome.pk)  # its thread may have finalised it meanwhile
    panel = selectors.visit_panel(visit, step=step)
    if form is None:
        form = ChargeForm(methods=panel.methods, initial={"idempotency_key": new_idempotency_key()})
    today = timezone.localdate()
    for payment in panel.payments:
        payment.may_void = (payment.status == Payment.Status.PAID and payment.service_date == today and (
            payment.clerk_id == request.user.pk or request.user.can(Capability.PAYMENT_REFUND)))
    rows = []
    for choice in panel.choices:
        code = choice.fee_item.code
        rows.append({
            "choice": choice, "code": code, "slug": code.replace(".", "-"),
            "quantity": (posted or {}).get(f"qty-{code}", choice.default_quantity),
            "exemption": (posted or {}).get(f"exempt-{code}", ""), "note": (posted or {}).get(f"note-{code}", ""),
            "problem": (item_problems or {}).get(code, ""),
        })
    # A payment waiting for the terminal: the panel says so and polls ``answer`` until it is final.
    waiting = next((p for p in ([outcome] if outcome is not None else panel.payments) if _waiting(p)), None)
    # ``polled``: the answer came while the clerk may be typing elsewhere — announced (role=status), and
    # focused only if the waiting message had the focus (htmx keeps it on the same id), never taken.
    return {"visit": visit, "step": step, "panel": panel, "form": form, "rows": rows, "outcome": outcome,
            "waiting": waiting, "totals": _totals(panel, posted), "standalone": not request.htmx,
            "take_focus": not polled}


def _waiting(payment: Payment) -> bool:
    """Pending, and the terminal may still answer by itself. Past the terminal's timeout the panel stops
    waiting: the payment is listed with its "check the answer" button and the form is offered again
    (a terminal gone offline must not lock the desk's other fees)."""
    return payment.status == Payment.Status.PENDING and services.may_still_arrive(payment)


def _totals(panel, posted) -> dict:
    """What the panel shows as the total: a preview from the catalogue's amounts (the service computes
    the charged amounts again, from the catalogue, when it charges)."""
    total = 0
    for choice in panel.choices:
        code = choice.fee_item.code
        quantity = int_or_none(str((posted or {}).get(f"qty-{code}", choice.default_quantity)),
                               low=0, high=fees.MAX_COPIES) or 0
        if not (posted or {}).get(f"exempt-{code}"):
            total += choice.fee_item.amount_yen * quantity
    tendered = int_or_none(str((posted or {}).get("tendered_yen", "")), low=0, high=10_000_000)
    change = tendered - total if tendered is not None and tendered >= total else None
    short = tendered is not None and tendered < total
    return {"total": total, "tendered": tendered, "change": change, "short": short}


def _render_panel(request, context, *, status=200):
    template = "payments/_panel.html" if request.htmx else "payments/visit.html"
    return render(request, template, context, status=status)


@requires(Capability.PAYMENT_TAKE)
@never_cache
def panel(request, visit_id: int):
    """The payment panel of the visit at the desk (the console fetches it with htmx; also a full page)."""
    visit, step = _visit_and_step(request, visit_id)
    return _render_panel(request, _panel_context(request, visit, step))


@requires(Capability.PAYMENT_TAKE)
@require_POST
def preview(request, visit_id: int):
    """The panel's total and change as the clerk edits copies, exemptions and the cash received."""
    visit, step = _visit_and_step(request, visit_id)
    panel = selectors.visit_panel(visit, step=step)
    return render(request, "payments/_totals.html", {"totals": _totals(panel, request.POST)})


@requires(Capability.PAYMENT_TAKE)
@form_guarded
@require_POST
def charge(request, visit_id: int):
    visit, step = _visit_and_step(request, visit_id)
    if step is None:
        raise PermissionDenied
    panel = selectors.visit_panel(visit, step=step)
    form = ChargeForm(request.POST, methods=panel.methods)
    # The rows as posted (not as the panel would offer them now): a double submit then carries the
    # same content as the first and is answered with the first's payment.
    posted_codes = [name[4:] for name in request.POST if name.startswith("qty-")]
    items, item_problems = charge_items(request.POST, posted_codes)
    outcome = None
    if form.is_valid() and not item_problems:
        try:
            register = services.register_for(counter=step.counter, desk=step.desk or 1)
            result = services.payment_charge(
                visit=visit, items=items, method=form.cleaned_data["method"],
                idempotency_key=form.cleaned_data["idempotency_key"], register=register, clerk=request.user,
                tendered_yen=form.cleaned_data["tendered_yen"], addressee=form.cleaned_data["addressee"],
                step=step, wait=False)  # a card is asked on its own thread: the panel polls ``answer``
        except ValidationError as error:
            _place_item_errors(error, items, item_problems)
            add_to_form(form, error)
        else:
            outcome = result.payment
            if not request.htmx:
                messages.success(request, _outcome_text(outcome))
                return redirect("payments:panel", visit_id=visit.pk)
            # A new key for the next charge: a declined or finished one is never sent again.
            form = None
    return _render_panel(request, _panel_context(request, visit, step, form=form, item_problems=item_problems,
                                                 outcome=outcome,
                                                 posted=without_individual_numbers(request.POST) if form else None))


def _place_item_errors(error: ValidationError, items, problems: dict[str, str]) -> None:
    """Put ``items[n].…`` refusals next to their fee row (the rows are posted by fee item code)."""
    if not hasattr(error, "error_dict"):
        return
    for field, reasons in list(error.message_dict.items()):
        if field.startswith("items[") and "]" in field:
            index = int(field[6:field.index("]")])
            if index < len(items):
                problems[items[index].fee_item] = " ".join(reasons)
                del error.error_dict[field]


def _outcome_text(payment: Payment) -> str:
    if payment.status == Payment.Status.PAID:
        return _("Paid: receipt %(receipt)s.") % {"receipt": payment.receipt_number}
    if payment.status == Payment.Status.PENDING:
        return _("Waiting for the payment terminal's answer.")
    return _("Not paid: %(status)s.") % {"status": payment.get_status_display()}


@requires(Capability.PAYMENT_TAKE)
@never_cache
def answer(request, payment_id: int):
    """What the panel polls while a payment waits for the terminal: 204 while the terminal may still
    answer, then the panel in place of the old one (htmx: ``HX-Retarget``), with the outcome. Asks the
    terminal's status (never charges): an answer lost with a killed worker is found too."""
    payment = get_object_or_404(Payment, pk=payment_id)  # one row: the 204 every second needs no more
    payment = services.payment_polled(payment=payment, actor=request.user)
    if not request.htmx:
        return redirect("payments:panel", visit_id=payment.visit_id)
    if _waiting(payment):
        return HttpResponse(status=204)
    visit, step = _visit_and_step(request, payment.visit_id)
    # Final: the panel with the outcome. Still pending past the timeout: the panel says the terminal has
    # not answered (the payment listed with its button, the form back), and the polling ends.
    response = _render_panel(request, _panel_context(request, visit, step, outcome=payment, polled=True))
    response["HX-Retarget"] = "#payment-panel"
    response["HX-Reswap"] = "outerHTML"
    return response


@requires(Capability.PAYMENT_TAKE)
@require_POST
def resolve(request, payment_id: int):
    """Ask the terminal again what became of a pending payment (never charges again)."""
    payment = get_object_or_404(Payment.objects.select_related("visit"), pk=payment_id)
    visit, step = _visit_and_step(request, payment.visit_id)
    payment = services.payment_resolve(payment=payment, actor=request.user)
    if not request.htmx:
        messages.info(request, _outcome_text(payment))
        return redirect("payments:panel", visit_id=visit.pk)
    return _render_panel(request, _panel_context(request, visit, step, outcome=payment))


@requires(Capability.PAYMENT_TAKE)
@form_guarded
@require_POST
def void(request, payment_id: int):
    """取消 the same day, by the clerk who took it (or a supervisor), with a reason."""
    payment = get_object_or_404(Payment.objects.select_related("visit"), pk=payment_id)
    visit, step = _visit_and_step(request, payment.visit_id)
    form = ReasonForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            services.payment_void(payment=payment, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            problem = error_text(error)
        else:
            payment.refresh_from_db()
    else:
        problem = " ".join(m for messages_ in form.errors.values() for m in messages_)
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, _("Receipt %(receipt)s voided.") % {"receipt": payment.receipt_number})
        return redirect("payments:panel", visit_id=visit.pk)
    context = _panel_context(request, visit, step, outcome=None if problem else payment)
    context["void_problem"] = {payment.pk: problem} if problem else {}
    return _render_panel(request, context)


@requires(Capability.PAYMENT_TAKE)
@never_cache
def receipt(request, payment_id: int):
    """The receipt PDF; every print after the first is marked 再発行."""
    payment = get_object_or_404(Payment, pk=payment_id)
    try:
        pdf, reprint = services.receipt_issue(payment=payment, actor=request.user)
    except ValidationError as error:
        return render(request, "payments/receipt_refused.html", {"payment": payment, "problem": error_text(error)},
                      status=409)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-reprint" if reprint else ""
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}{suffix}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


# --- the day's payments, refunds -------------------------------------------------------------------


def _day(request) -> date:
    return date_or_none(request.GET.get("date")) or timezone.localdate()


def _register(request) -> Register | None:
    code = request.GET.get("register") or ""
    return Register.objects.filter(code=code).first() if code else None


@requires(Capability.CASHIER_CLOSE)
@never_cache
def day(request):
    """The day's payments, per register: voids, refunds, receipts."""
    the_day, register = _day(request), _register(request)
    payments = list(selectors.day_payments(day=the_day, register=register))
    return render(request, "payments/day.html", {
        "day": the_day, "register": register, "registers": selectors.registers(), "payments": payments,
        "total": sum(p.total_yen for p in payments if p.status in selectors.COUNTED),
        "today": timezone.localdate(), "may_refund": request.user.can(Capability.PAYMENT_REFUND),
    })


@requires(Capability.PAYMENT_REFUND)
@form_guarded
@never_cache
def refund(request, payment_id: int):
    """還付 on a later day (supervisor): the reason, and the register the cash leaves."""
    payment = get_object_or_404(Payment.objects.select_related("register", "visit"), pk=payment_id)
    choices = [(r.code, r.code) for r in selectors.registers()]
    form = RefundForm(request.POST or None, registers=choices, initial={"register": payment.register.code})
    if request.method == "POST" and form.is_valid():
        register = Register.objects.filter(code=form.cleaned_data["register"]).first() or payment.register
        try:
            services.payment_refund(payment=payment, actor=request.user, reason=form.cleaned_data["reason"],
                                    register=register)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Receipt %(receipt)s refunded.") % {"receipt": payment.receipt_number})
            return redirect(f"{reverse('payments:day')}?date={payment.service_date:%Y-%m-%d}")
    return render(request, "payments/refund.html", {"payment": payment, "form": form})


# --- closing the day -------------------------------------------------------------------------------


@requires(Capability.CASHIER_CLOSE)
@form_guarded
@never_cache
def close(request):
    """日計・精算 of a register: expected vs counted cash by denomination, cashless vs the terminal's report."""
    the_day, register = _day(request), _register(request)
    registers = selectors.registers()
    if register is None and registers:
        register = registers[0]
    form = CloseForm(request.POST or None)
    if register is not None and request.method == "POST" and form.is_valid():
        try:
            closing.register_close(register=register, day=the_day, counts=form.counts(),
                                   variance_reason=form.cleaned_data["variance_reason"], actor=request.user)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Register %(register)s closed for %(day)s.") % {
                "register": register.code, "day": the_day.isoformat()})
            return redirect(f"{reverse('payments:close')}?date={the_day:%Y-%m-%d}&register={register.code}")
    figures = selectors.close_figures(register=register, day=the_day) if register is not None else None
    if figures is not None and figures.close is not None and request.method != "POST":
        form = CloseForm(initial={"variance_reason": figures.close.variance_reason,
                                  **{f"count_{k}": v for k, v in figures.close.counts.items()}})
    return render(request, "payments/close.html", {
        "day": the_day, "register": register, "registers": registers, "figures": figures, "form": form,
        "settlement_form": SettlementForm(), "terminal_reports": backend_name() != "none",
        "cashless_methods": [(m.value, m.label) for m in CASHLESS],
    })


@requires(Capability.CASHIER_CLOSE)
@form_guarded
@require_POST
def settlement(request):
    """Import the day's settlement report: an uploaded CSV, or fetched from the terminal adapter."""
    the_day = date_or_none(request.POST.get("date")) or timezone.localdate()
    register = request.POST.get("register", "")
    try:
        if "fetch" in request.POST:
            closing.settlement_fetch(day=the_day, actor=request.user)
        else:
            form = SettlementForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError({"file": _("Choose the settlement report file (CSV).")})
            upload = form.cleaned_data["file"]
            if upload.size > closing.MAX_FILE_BYTES:
                raise ValidationError({"file": _("The file is larger than 5 MB.")})
            upload.seek(0)  # core.forms' guard iterates what was posted, an uploaded file's lines included
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": _("The file is not UTF-8 text.")}) from None
            closing.settlement_import(day=the_day, text=text, source=upload.name, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Settlement report of %(day)s imported.") % {"day": the_day.isoformat()})
    return redirect(f"{reverse('payments:close')}?date={the_day:%Y-%m-%d}&register={register}")


@requires(Capability.CASHIER_CLOSE)
@never_cache
def export(request):
    """The day per register and revenue item (歳入科目), as CSV for the ward's accounting system."""
    the_day = _day(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fees-{the_day:%Y%m%d}.csv"'
    response.write("\ufeff")  # Excel on the ward's PCs reads UTF-8 only with its byte-order mark
    writer = csv.writer(response)
    writer.writerow(["日付", "レジ", "歳入科目コード", "歳入科目", "件数", "免除件数", "現金", "キャッシュレス",
                     "還付", "差引計"])
    for row in selectors.accounting_rows(day=the_day):
        writer.writerow([row.day.isoformat(), row.register, row.account_code, row.revenue_item, row.copies,
                         row.exempt_copies, row.cash_yen, row.cashless_yen, row.refunded_yen, row.net_yen])
    return response


# --- the simulated terminal's control (demonstrations) ------------------------------------------------


@requires(Capability.CASHIER_CLOSE)
@form_guarded
@never_cache
def terminal(request):
    """What the simulated terminal's next charge does (only when the simulator is configured)."""
    if backend_name() != "simulated":
        return render(request, "payments/terminal.html", {"simulated": False}, status=404)
    simulator = get_terminal()
    form = TerminalControlForm(request.POST or None, initial={"default": simulator.state()["default"]})
    if request.method == "POST" and form.is_valid():
        simulator.set_default(form.cleaned_data["default"])
        simulator.script([form.cleaned_data["next"]])
        messages.success(request, _("The simulated terminal is set."))
        return redirect("payments:terminal")
    labels = dict(TerminalControlForm.BEHAVIOURS)
    state = simulator.state()
    state.update(default=labels.get(state["default"], state["default"]),
                 script=[str(labels.get(b, b)) for b in state["script"]])
    return render(request, "payments/terminal.html", {"simulated": True, "form": form, "state": state})

"""The payment panel's and the close's forms. Amounts are never posted: only copies, exemptions,
the method, the cash received and the counts of notes and coins."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form
from madoguchi.core.params import int_or_none

from . import fees
from .models import Method
from .services import ADDRESSEE_MAX, REASON_MAX, ChargeItem


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class ChargeForm(Form):
    """Method, cash, addressee and the idempotency key; the fee rows are read by ``charge_items``."""

    method = forms.ChoiceField(label=_("Payment method"), choices=Method.choices, widget=forms.RadioSelect,
                               initial=Method.CASH)
    tendered_yen = forms.IntegerField(
        label=_("Cash received (yen)"), required=False, min_value=0, max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    addressee = forms.CharField(
        label=_("Addressee on the receipt (optional)"), required=False, max_length=ADDRESSEE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, methods: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if methods is not None:
            self.fields["method"].choices = methods


def charge_items(data, codes: list[str]) -> tuple[list[ChargeItem], dict[str, str]]:
    """The fee rows of the panel's form: ``qty-<code>``, ``exempt-<code>``, ``note-<code>`` for each
    fee item ``codes`` offered; rows with 0 copies are left out. Returns the items and, per code, a
    problem with its copies (not a whole number from 0 to 99)."""
    items, problems = [], {}
    for code in codes:
        quantity = int_or_none(data.get(f"qty-{code}") or "0", low=0, high=fees.MAX_COPIES)
        if quantity is None:
            problems[code] = str(_("Copies must be a whole number from 0 to %(max)d.") % {"max": fees.MAX_COPIES})
            continue
        if quantity:
            items.append(ChargeItem(code, quantity, (data.get(f"exempt-{code}") or "").strip(),
                                    (data.get(f"note-{code}") or "").strip()))
    return items, problems


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class RefundForm(ReasonForm):
    register = forms.ChoiceField(label=_("Cash register paying the cash back"), required=False)

    def __init__(self, *args, registers: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].choices = list(registers)


class CloseForm(Form):
    """The drawer counted by denomination (金種別), and the reason when it differs."""

    variance_reason = forms.CharField(label=_("Reason for the variance (when the cash differs)"), required=False,
                                      max_length=REASON_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for denomination in fees.DENOMINATIONS:
            label = _("%(yen)s yen notes") if denomination >= 1000 else _("%(yen)s yen coins")
            self.fields[f"count_{denomination}"] = forms.IntegerField(
                label=label % {"yen": f"{denomination:,}"}, min_value=0, max_value=100_000, initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def denomination_fields(self):
        return [self[f"count_{d}"] for d in fees.DENOMINATIONS]

    def counts(self) -> dict[int, int]:
        return {d: self.cleaned_data.get(f"count_{d}") or 0 for d in fees.DENOMINATIONS}


class SettlementForm(Form):
    file = forms.FileField(label=_("Settlement report (CSV)"))


class TerminalControlForm(Form):
    """The simulated terminal: what its next charges do (demonstrations)."""

    BEHAVIOURS = [
        ("approve", _("Approve")), ("decline", _("Decline")), ("cancel", _("Resident cancels")),
        ("timeout", _("Time out (the money is taken; the answer is lost)")),
        ("lost", _("Time out (the request never arrives)")),
    ]
    next = forms.ChoiceField(label=_("The next charge"), choices=BEHAVIOURS, widget=forms.RadioSelect,
                             initial="approve")
    default = forms.ChoiceField(label=_("Every charge after that"), choices=BEHAVIOURS[:3], initial="approve")

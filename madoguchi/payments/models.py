"""Fees taken at the counter (手数料の収納), their receipts, and the day's close (日計・精算).

A ``Payment`` is written *pending* under its idempotency key before a terminal is asked for money,
and finalised after; a ``PaymentLine`` per fee item carries what was charged and to which revenue
item (歳入科目) it is booked. While a line is ``live`` (its payment pending or paid) no other payment
of the visit may take the same fee item: a partial unique constraint holds that in the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Credit or debit card")
    EMONEY = "emoney", _("E-money")
    QR = "qr", _("QR code payment")


CASHLESS = (Method.CARD, Method.EMONEY, Method.QR)


class Register(models.Model):
    """A cash drawer and its payment terminal at one desk (レジ). Made on the first charge at a desk."""

    code = models.CharField(_("cash register"), max_length=80, unique=True)
    counter = models.ForeignKey("catalog.Counter", verbose_name=_("counter"), on_delete=models.PROTECT,
                                related_name="registers")
    desk = models.PositiveSmallIntegerField(_("desk"))
    terminal_id = models.CharField(
        _("terminal id"), max_length=80, help_text=_("The id the payment terminal prints on its settlement report.")
    )
    float_yen = models.PositiveIntegerField(
        _("change fund (yen)"),
        help_text=_("Cash put in the drawer at opening (釣銭準備金); counted back at the close."),
    )

    class Meta:
        verbose_name = _("cash register")
        verbose_name_plural = _("cash registers")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["counter", "desk"], name="one_register_per_desk")]

    def __str__(self) -> str:
        return self.code


class ReceiptSequence(models.Model):
    """The last receipt number given on a day (the whole ward counts one sequence a day)."""

    service_date = models.DateField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.service_date}: {self.last_number}"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the terminal")
        PAID = "paid", _("Paid")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled at the terminal")
        FAILED = "failed", _("Not charged (no answer from the terminal)")
        VOIDED = "voided", _("Voided")
        REFUNDED = "refunded", _("Refunded")

    # Lines stay live (their fee items cannot be charged again) while the payment is one of these.
    LIVE = (Status.PENDING, Status.PAID)

    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # sha256 of what was asked: a key sent again with other content is refused, not answered.
    request_digest = models.CharField(max_length=64)
    visit = models.ForeignKey("reception.Visit", verbose_name=_("visit"), on_delete=models.PROTECT,
                              related_name="payments")
    step = models.ForeignKey("reception.Step", verbose_name=_("step"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="payments")
    register = models.ForeignKey(Register, verbose_name=_("cash register"), on_delete=models.PROTECT,
                                 related_name="payments")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT,
                              related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_yen = models.PositiveIntegerField(_("total (yen)"))
    tendered_yen = models.PositiveIntegerField(_("cash tendered (yen)"), null=True, blank=True)
    change_yen = models.PositiveIntegerField(_("change (yen)"), null=True, blank=True)
    terminal = models.CharField(_("terminal adapter"), max_length=40, blank=True)
    transaction_id = models.CharField(_("terminal transaction id"), max_length=80, blank=True)
    terminal_message = models.CharField(_("terminal message"), max_length=200, blank=True)
    service_date = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(_("created at"))
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True, null=True, blank=True)
    # 宛名: personal data, blanked after PERSONAL_DATA_RETENTION_DAYS (manage.py payments_purge).
    addressee = models.CharField(_("addressee"), max_length=100, blank=True)
    receipt_prints = models.PositiveSmallIntegerField(_("receipts printed"), default=0)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    void_reason = models.CharField(_("reason for the void"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["register", "service_date"]), models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="cash") | Q(tendered_yen__isnull=True, change_yen__isnull=True)
                | Q(change_yen=F("tendered_yen") - F("total_yen")),
                name="payment_change_is_tendered_minus_total",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "voided", "refunded"]) | Q(receipt_number__isnull=False),
                name="payment_paid_has_a_receipt_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number or self.idempotency_key} {self.total_yen}円 ({self.status})"

    @property
    def is_cashless(self) -> bool:
        return self.method in CASHLESS


class PaymentLine(models.Model):
    """One fee item of a payment: copies, unit fee, exemption, amount; booked to its revenue item."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="lines")
    visit = models.ForeignKey("reception.Visit", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT,
                                  related_name="+")
    fee_item = models.ForeignKey("catalog.FeeItem", verbose_name=_("fee item"), on_delete=models.PROTECT,
                                 related_name="payment_lines")
    revenue_item = models.ForeignKey("catalog.RevenueItem", verbose_name=_("revenue item"),
                                     on_delete=models.PROTECT, related_name="+")
    # The account code as it was on the day: a later catalogue change does not rewrite the books.
    account_code = models.CharField(_("account code"), max_length=32)
    quantity = models.PositiveSmallIntegerField(_("copies"))
    unit_yen = models.PositiveIntegerField(_("fee per copy (yen)"))
    exemption = models.ForeignKey("catalog.FeeExemption", verbose_name=_("exemption"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    exemption_note = models.CharField(_("exemption note"), max_length=200, blank=True)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["payment", "id"]
        constraints = [
            # Never twice: one live (pending or paid) line per fee item and visit.
            models.UniqueConstraint(fields=["visit", "fee_item"], condition=Q(live=True),
                                    name="fee_item_paid_once_per_visit"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="payment_line_has_a_copy"),
            models.CheckConstraint(
                condition=Q(exemption__isnull=True, amount_yen=F("unit_yen") * F("quantity"))
                | Q(exemption__isnull=False, amount_yen=0),
                name="payment_line_amount_is_unit_times_copies_or_exempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fee_item_id} ×{self.quantity} = {self.amount_yen}円"


class Refund(models.Model):
    """A paid fee given back on a later day (還付), by a supervisor, from a register."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="refund")
    register = models.ForeignKey(Register, verbose_name=_("cash register"), on_delete=models.PROTECT,
                                 related_name="refunds")
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    transaction_id = models.CharField(_("terminal transaction id"), max_length=80, blank=True)
    service_date = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(_("created at"))
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("refunded by"),
                                    on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.payment} refunded {self.service_date}"


class SettlementImport(models.Model):
    """A day's settlement report from the terminals, as imported (a new import of the day replaces it)."""

    service_date = models.DateField(_("date"), unique=True)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"),
                                    on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("settlement import")
        verbose_name_plural = _("settlement imports")

    def __str__(self) -> str:
        return f"{self.service_date} ({self.source})"


class SettlementRow(models.Model):
    settlement = models.ForeignKey(SettlementImport, on_delete=models.CASCADE, related_name="rows")
    transaction_id = models.CharField(max_length=80)
    terminal_id = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    amount_yen = models.IntegerField()
    kind = models.CharField(max_length=10)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "transaction_id"],
                                               name="settlement_transaction_once")]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.amount_yen}円"


class DayClose(models.Model):
    """日計・精算 of one register on one day: the cash counted by denomination against what the payments
    say, the variance and its reason, and the cashless totals against the terminal's report."""

    register = models.ForeignKey(Register, verbose_name=_("cash register"), on_delete=models.PROTECT,
                                 related_name="closes")
    service_date = models.DateField(_("date"))
    counts = models.JSONField(_("counted by denomination"), default=dict)
    counted_cash_yen = models.PositiveIntegerField(_("cash counted (yen)"))
    expected_cash_yen = models.PositiveIntegerField(_("cash expected (yen)"))
    variance_yen = models.IntegerField(_("variance (yen)"))
    variance_reason = models.CharField(_("reason for the variance"), max_length=200, blank=True)
    cashless = models.JSONField(_("cashless reconciliation"), default=dict)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("day close")
        verbose_name_plural = _("day closes")
        ordering = ["-service_date", "register"]
        constraints = [
            models.UniqueConstraint(fields=["register", "service_date"], name="one_close_per_register_day"),
            models.CheckConstraint(condition=Q(variance_yen=F("counted_cash_yen") - F("expected_cash_yen")),
                                   name="variance_is_counted_minus_expected"),
            models.CheckConstraint(condition=Q(variance_yen=0) | ~Q(variance_reason=""),
                                   name="a_variance_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.register_id} {self.service_date}"

"""Payments are read here, never edited: every change goes through the services (and the audit log)."""

from django.contrib import admin

from .models import DayClose, Payment, PaymentLine, Refund, Register


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = PaymentLine
    fields = ["fee_item", "quantity", "unit_yen", "exemption", "amount_yen", "account_code", "live"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["receipt_number", "service_date", "register", "method", "total_yen", "status", "clerk"]
    list_filter = ["status", "method", "service_date"]
    search_fields = ["receipt_number", "idempotency_key", "transaction_id"]
    exclude = ["addressee"]
    inlines = [LineInline]


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ["payment", "service_date", "register", "amount_yen", "refunded_by"]


@admin.register(DayClose)
class DayCloseAdmin(ReadOnly):
    list_display = ["register", "service_date", "expected_cash_yen", "counted_cash_yen", "variance_yen", "closed_by"]


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    """The change fund and the terminal id of a register may be set here."""

    list_display = ["code", "counter", "desk", "terminal_id", "float_yen"]
    readonly_fields = ["code", "counter", "desk"]

    def has_add_permission(self, request):
        return False

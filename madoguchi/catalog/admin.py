from django.contrib import admin

from .models import (
    Counter,
    Department,
    EligibilityRule,
    FeeExemption,
    FeeItem,
    LifeEvent,
    Procedure,
    Relation,
    RevenueItem,
    Site,
    WardDay,
)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "active"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "site", "floor", "number", "department", "desks", "is_cashier", "active"]
    list_filter = ["site", "floor", "department", "is_cashier", "active"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "department", "handling_minutes", "fee_yen", "paid_at_cashier",
                    "deadline_days", "active"]
    list_filter = ["department", "paid_at_cashier", "active"]
    search_fields = ["code", "name_ja", "name_en"]
    filter_horizontal = ["counters", "prerequisites"]


@admin.register(RevenueItem)
class RevenueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "account_code", "name_ja", "name_en", "active"]


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "procedure", "amount_yen", "revenue_item", "active"]
    list_filter = ["revenue_item", "active"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(FeeExemption)
class FeeExemptionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "note_required", "active"]
    filter_horizontal = ["fee_items"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "sort_order", "active"]
    filter_horizontal = ["procedures"]


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "name_easy", "sort_order", "active"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    """Read-only: a rule is changed in catalog/rules.yaml, where the loader checks it before it applies."""

    list_display = ["position", "procedure"]
    list_filter = ["procedure__department"]
    search_fields = ["procedure__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WardDay)
class WardDayAdmin(admin.ModelAdmin):
    """Read-only rules: a day is changed in catalog/calendar.yaml, where the loader checks it."""

    list_display = ["code", "name_ja", "kind", "active"]
    list_filter = ["kind", "active"]
    readonly_fields = ["kind", "definition"]

    def has_add_permission(self, request):
        return False

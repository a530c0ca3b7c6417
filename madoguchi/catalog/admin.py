from django.contrib import admin

from .models import Counter, Department, EligibilityRule, LifeEvent, Procedure, Relation, Site, WardDay


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
    list_display = ["code", "name_ja", "site", "floor", "number", "department", "desks", "active"]
    list_filter = ["site", "floor", "department", "active"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "department", "handling_minutes", "fee_yen", "deadline_days", "active"]
    list_filter = ["department", "active"]
    search_fields = ["code", "name_ja", "name_en"]
    filter_horizontal = ["counters", "prerequisites"]


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

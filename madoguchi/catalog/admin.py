from django.contrib import admin

from .models import Counter, Department, LifeEvent, Procedure, Site


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

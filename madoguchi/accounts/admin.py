from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from madoguchi.core.models import ApiToken

from .models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active", "last_login"]
    list_filter = ["role", "department", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Staff"), {"fields": ["display_name", "role", "department", "counters", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]})]
    filter_horizontal = ["counters"]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        # The admin site is for administrators only: is_staff follows the role.
        obj.is_staff = obj.is_superuser = obj.role == "administrator"
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from .models import NavigatorUsage


@admin.register(NavigatorUsage)
class NavigatorUsageAdmin(admin.ModelAdmin):
    list_display = ["date", "life_event", "channel", "count"]
    list_filter = ["channel", "life_event"]
    date_hierarchy = "date"

    # Counted by the navigator itself; nobody corrects a count by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

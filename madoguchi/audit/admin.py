from django.contrib import admin

from .models import Event, PersonalDataAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail is append-only: the admin shows it and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_id"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "subject_type", "subject_id", "purpose"]
    search_fields = ["actor_label", "subject_id"]

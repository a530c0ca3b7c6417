from django.contrib import admin

from .models import Consultation


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["number", "section", "title", "help_kind", "status", "filed_at"]
    list_filter = ["status", "help_kind", "origin"]
    search_fields = ["title"]
    raw_id_fields = ["filed_by", "assignee", "procedure"]

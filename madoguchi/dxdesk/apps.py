from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DxdeskConfig(AppConfig):
    name = "madoguchi.dxdesk"
    verbose_name = _("DX help desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from madoguchi.audit.labels import register_values, row_words
        from madoguchi.talent.models import Section

        from .models import HelpKind, Status

        # The audit page's words for a consultation's codes, and its section's name.
        register_values(["kind"], dict(HelpKind.choices), actions=["dxdesk.filed"])
        register_values(["section"], row_words(Section, key="pk"), actions=["dxdesk.filed"])
        register_values(["old", "new"], dict(Status.choices), actions=["dxdesk.status_changed"])

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DxdeskConfig(AppConfig):
    name = "madoguchi.dxdesk"
    verbose_name = _("DX help desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from madoguchi.audit.labels import register_values

        from .models import HelpKind, Status

        register_values(["kind"], dict(HelpKind.choices))  # the audit page's words for a consultation's codes
        register_values(["old", "new"], dict(Status.choices))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "madoguchi.prefill"
    label = "prefill"
    verbose_name = _("No-writing counter")

    def ready(self):
        from madoguchi.audit.labels import register_values

        from .models import CaptureSource

        register_values(["source"], dict(CaptureSource.choices))  # the audit page's words for how it was captured

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "madoguchi.prefill"
    label = "prefill"
    verbose_name = _("No-writing counter")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "madoguchi.reception"
    label = "reception"
    verbose_name = _("Reception")

    def ready(self):
        from madoguchi.core.metrics import register_collector

        from . import metrics

        register_collector(metrics.collect)

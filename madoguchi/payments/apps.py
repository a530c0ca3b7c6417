from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "madoguchi.payments"
    verbose_name = _("Fees and payments")

    def ready(self):
        from madoguchi.core.metrics import register_collector

        from . import (
            checks,  # noqa: F401 - registers the deployment check
            metrics,
        )

        register_collector(metrics.collect)

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

        from madoguchi.audit.labels import register_values

        from .models import Method, Payment
        from .terminals.base import Outcome

        # The audit page's words for a fee's codes.
        register_values(["method"], dict(Method.choices))
        register_values(["status"], dict(Payment.Status.choices))
        register_values(["outcome"], {
            Outcome.APPROVED: _("approved"), Outcome.DECLINED: _("declined"),
            Outcome.CANCELLED: _("cancelled on the terminal"), Outcome.IN_PROGRESS: _("in progress"),
            Outcome.NOT_FOUND: _("unknown to the terminal"), Outcome.REVERSED: _("reversed")})

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "madoguchi.payments"
    verbose_name = _("Fees and payments")

    def ready(self):
        from operator import attrgetter

        from madoguchi.core.metrics import register_collector

        from . import (
            checks,  # noqa: F401 - registers the deployment check
            metrics,
        )

        register_collector(metrics.collect)

        from madoguchi.accounts.models import User
        from madoguchi.audit.labels import register_values, row_words

        from .models import Method, Payment, Register
        from .terminals.base import Outcome

        # The audit page's words for a fee's codes: its method, status, the terminal's outcome, the register, the
        # clerk who took it.
        fees = ["payment.received", "payment.not_completed", "payment.resolved", "payment.voided", "payment.refunded",
                "payment.receipt_printed", "payment.day_closed"]
        register_values(["method"], dict(Method.choices), actions=fees)
        register_values(["status"], dict(Payment.Status.choices), actions=fees)
        register_values(["register"], row_words(Register, related=("counter",), words=lambda register: _(
            "%(counter)s, desk %(desk)s") % {"counter": register.counter.name, "desk": register.desk}), actions=fees)
        register_values(["charged_by"], row_words(User, key="pk", words=attrgetter("username")), actions=fees)
        register_values(["outcome"], {
            Outcome.APPROVED: _("approved"), Outcome.DECLINED: _("declined"),
            Outcome.CANCELLED: _("cancelled on the terminal"), Outcome.IN_PROGRESS: _("in progress"),
            Outcome.NOT_FOUND: _("unknown to the terminal"), Outcome.REVERSED: _("reversed")}, actions=fees)

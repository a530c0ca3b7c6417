"""Settle every pending payment from its terminal's status (after a timeout, a crash or a restart).

    python manage.py payments_resolve

Asks the terminal what became of each pending payment's idempotency key and finalises it; never
charges again. Safe to run at any time and as often as wanted (e.g. at start-up and every few minutes).
"""

from django.core.management.base import BaseCommand

from madoguchi.payments.services import payments_resolve_pending


class Command(BaseCommand):
    help = "Settle pending payments from the payment terminal's status of their keys (never charges again)."

    def handle(self, *args, **options):
        counts = payments_resolve_pending()
        if not counts:
            self.stdout.write("No pending payment.")
            return
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
        self.stdout.write(f"Pending payments asked of the terminal — now {summary}.")

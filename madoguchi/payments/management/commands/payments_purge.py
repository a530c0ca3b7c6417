"""Blank receipt addressees (宛名, personal data) older than PERSONAL_DATA_RETENTION_DAYS. Run daily."""

from django.core.management.base import BaseCommand

from madoguchi.payments.services import payment_addressees_purge


class Command(BaseCommand):
    help = "Blank receipt addressees older than the personal-data retention."

    def handle(self, *args, **options):
        count = payment_addressees_purge()
        self.stdout.write(f"Receipt addressees blanked: {count}.")

"""The daily job of pre-applications and appointments (schedule it beside purge_personal_data):
bookings past their grace become no-shows (their places are released), booking contacts are
cleared after PERSONAL_DATA_RETENTION_DAYS, and registered-code records older than any valid code go."""

from django.core.management.base import BaseCommand

from madoguchi.preapply import services


class Command(BaseCommand):
    help = "Release no-show bookings, clear old booking contacts, forget expired registered codes."

    def handle(self, *args, **options):
        no_shows = services.appointment_no_shows_release()
        contacts = services.appointment_contacts_purge()
        codes = services.redeemed_codes_purge()
        self.stdout.write(f"no-shows released: {no_shows}; contacts cleared: {contacts}; "
                          f"registered codes forgotten: {codes}")

"""Delete visit identities (with households and answers) past the retention period. Idempotent.

Schedule it daily on the server, e.g. cron ``15 3 * * * cd /srv/madoguchi && .venv/bin/python
manage.py purge_personal_data`` or a systemd timer with ``OnCalendar=*-*-* 03:15``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.prefill.services import personal_data_purge


class Command(BaseCommand):
    help = ("Delete the personal data of visits (identity, household, form answers) captured more than "
            "PERSONAL_DATA_RETENTION_DAYS days ago. Safe to run again: it then deletes nothing.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days", type=int, default=None,
            help=f"retention in days (default: PERSONAL_DATA_RETENTION_DAYS = {settings.PERSONAL_DATA_RETENTION_DAYS})",
        )

    def handle(self, *args, older_than_days: int | None = None, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS if older_than_days is None else older_than_days
        try:
            counts = personal_data_purge(older_than_days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Purged personal data older than {days} days: {counts['identities']} identities, "
            f"{counts['household_members']} household members, {counts['answer_sets']} answer sets, "
            f"{counts['handoff_memos']} handoff memos."
        )

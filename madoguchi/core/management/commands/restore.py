"""manage.py restore FILE --yes: replace the whole database with a backup made by manage.py backup.

Stop the app first (systemctl stop madoguchi); afterwards run ``migrate`` if the backup is older than
the code, and the purges, since the backup may hold personal data already purged since it was taken."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from madoguchi.core.backup import BackupError, database_restore
from madoguchi.core.health import readiness_problems


class Command(BaseCommand):
    help = "Replace the whole database with a backup (needs --yes)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by manage.py backup.")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm: every row of the database is replaced by the backup's.")

    def handle(self, *args, file, yes, **options):
        name = connection.settings_dict["NAME"]
        if not yes:
            raise CommandError(
                f"This replaces every row of the {connection.vendor} database {name} with the backup {file}. "
                "Stop the app first, then run again with --yes.")
        try:
            database_restore(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file} into the {connection.vendor} database {name}.")
        for problem in readiness_problems(recheck_migrations=True):
            self.stdout.write(f"Not ready yet: {problem} — run manage.py migrate.")
        self.stdout.write("Now run manage.py purge_personal_data and manage.py preapply_purge: the backup may hold "
                          "personal data purged since it was taken.")

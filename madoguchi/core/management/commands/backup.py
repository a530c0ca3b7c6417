"""manage.py backup [--output DIR] [--keep-days N]: a backup of the whole database, then old ones deleted.

Run daily (deploy/systemd/madoguchi-backup.timer). Safe while the app runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.core.backup import BackupError, backups_prune, database_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or SQLite's online backup) into a directory; delete old backups."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None,
                            help="Directory for the backup (default: BACKUP_DIR, var/backups).")
        parser.add_argument("--keep-days", type=int, default=None,
                            help="Delete backups in the directory older than this many days "
                                 "(default: BACKUP_RETENTION_DAYS, 7); 0 keeps only today's.")

    def handle(self, *args, output, keep_days, **options):
        output = output or settings.BACKUP_DIR
        keep_days = settings.BACKUP_RETENTION_DAYS if keep_days is None else keep_days
        if keep_days < 0:
            raise CommandError("--keep-days: a number of days, 0 or more.")
        try:
            path = database_backup(output_dir=output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes)")
        for old in backups_prune(directory=output, keep_days=keep_days):
            self.stdout.write(f"Deleted (older than {keep_days} days): {old}")

"""Load the ticket log a ward exports from its old reception system (one row per step).

    python manage.py import_events history.csv

Columns: ticket,issued_at,counter,procedure,channel,called_at,started_at,completed_at (ISO 8601 with the
UTC offset; procedure and channel may be empty). Unknown counters and bad rows refuse the whole file,
each named FILE:LINE: field. Importing the same file twice changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from madoguchi.insights import services
from madoguchi.insights.history.ticketlog import LogInvalid


class Command(BaseCommand):
    help = "Import the old reception system's ticket log (CSV) as visits, Steps and step events (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = services.events_import(path=file)
        except LogInvalid as invalid:
            for problem in invalid.problems[:200]:
                self.stderr.write(problem)
            if len(invalid.problems) > 200:
                self.stderr.write(f"… and {len(invalid.problems) - 200} more")
            raise CommandError(f"{file} was refused ({len(invalid.problems)} problem(s)); nothing was imported.") \
                from invalid
        span = f"{result.days[0]} … {result.days[-1]}" if result.days else "no new days"
        self.stdout.write(f"Imported {result.visits} visits ({result.steps} steps) from {file.name}: {span}; "
                          f"{result.already} visit(s) were imported before and left as they are.")

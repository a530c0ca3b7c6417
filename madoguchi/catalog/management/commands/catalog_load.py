from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.catalog.schema import CatalogInvalid
from madoguchi.catalog.services import catalog_load


class Command(BaseCommand):
    help = "Load the ward's catalogue from catalog/*.yaml (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.CATALOG_DIR))

    def handle(self, *args, directory: str, **options):
        try:
            result = catalog_load(directory=Path(directory))
        except CatalogInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"The catalogue in {directory} was refused ({len(invalid.problems)} problem(s)); nothing was changed."
            ) from invalid
        summary = ", ".join(f"{count} {name}" for name, count in result.counts.items())
        self.stdout.write(f"Catalogue loaded: {summary}; {result.changes} change(s).")

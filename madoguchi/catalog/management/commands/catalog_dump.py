from django.core.management.base import BaseCommand

from madoguchi.catalog.services import catalog_dump


class Command(BaseCommand):
    help = "Write the catalogue in the database back to YAML files, one per section."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write sites.yaml, procedures.yaml, …")

    def handle(self, *args, directory: str, **options):
        for path in catalog_dump(directory=directory):
            self.stdout.write(f"wrote {path}")

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.talent.framework import FrameworkInvalid
from madoguchi.talent.services import framework_load


class Command(BaseCommand):
    help = "Load the DX skill framework (roles, levels, grades, qualifications) from catalog/dx_skills.yaml."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(Path(settings.CATALOG_DIR) / "dx_skills.yaml"))

    def handle(self, *args, path: str, **options):
        try:
            changes = framework_load(path=Path(path))
        except FrameworkInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path} was refused ({len(invalid.problems)} problem(s)); nothing was changed.") \
                from invalid
        self.stdout.write(f"DX skill framework loaded from {path}: {changes} change(s).")

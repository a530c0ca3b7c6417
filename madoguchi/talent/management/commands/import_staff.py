from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from madoguchi.talent.services import grade_names, staff_import
from madoguchi.talent.staffcsv import StaffCsvInvalid, decode, parse_staff_csv


class Command(BaseCommand):
    help = ("Make the staff register match the HR system's list (CSV: employee_number, name, section, grade, "
            "email). All or nothing; staff missing from the list are deactivated as leavers, never deleted.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            rows = parse_staff_csv(decode(data, file), file, grades=grade_names())
        except StaffCsvInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file} was refused ({len(invalid.problems)} problem(s)); nothing was changed.") \
                from invalid
        result = staff_import(rows=rows, source=file)
        self.stdout.write(
            f"Staff list {file}: {len(rows)} listed; {result.created} new, {result.updated} changed, "
            f"{result.returned} returned, {result.left} left (deactivated), {result.unchanged} unchanged; "
            f"{result.sections_created} new section(s).")

"""Write past days of demo activity through the office simulator, so a fresh machine shows figures.

    python manage.py demo_history --days 56 --seed 1             # eight weeks up to yesterday
    python manage.py demo_history --days 365 --prefill-saving 0.3 --prefill-share 0.25
    python manage.py demo_history --if-empty --days 56           # only when no visit is recorded yet (make setup)
    python manage.py demo_history --delete                       # remove every demo visit again
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from madoguchi.insights import services
from madoguchi.insights.simulation import ProfileInvalid


class Command(BaseCommand):
    help = "Write N past days of demo visits (marked demo, removable with --delete) through the simulator."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=56, help="calendar days up to yesterday (default 56)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed draws the same visitors")
        parser.add_argument("--site", default="honcho", help="the site's code (default honcho)")
        parser.add_argument("--prefill-share", type=float, help="share of visits using pre-filled forms (0–1)")
        parser.add_argument("--prefill-saving", type=float,
                            help="how much shorter a procedure with a pre-fillable form is when pre-filled (0–0.95)")
        parser.add_argument("--scale", type=float, help="visitors × this (default: the profile's, 1)")
        parser.add_argument("--delete", action="store_true", help="delete every demo visit instead")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any visit exists already")

    def handle(self, *args, days, seed, site, prefill_share, prefill_saving, scale, delete, if_empty, **options):
        verbose = options["verbosity"] > 1
        progress = (lambda day: self.stdout.write(f"  {day}")) if verbose else None
        if delete:
            count = services.demo_history_delete(progress=progress)
            self.stdout.write(f"Deleted {count} demo visits.")
            return
        if if_empty and services.has_history():
            self.stdout.write("Visits are recorded already: no demo history written.")
            return
        try:
            result = services.demo_history_write(days=days, seed=seed, site_code=site, prefill_share=prefill_share,
                                                 prefill_saving=prefill_saving, scale=scale, progress=progress)
        except ProfileInvalid as invalid:
            raise CommandError(str(invalid)) from invalid
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Demo history: {result.visits} visits on {len(result.days_written)} office days "
                          f"({result.days_written[0] if result.days_written else '-'} … "
                          f"{result.days_written[-1] if result.days_written else '-'}), seed {seed}; "
                          f"{result.survey_responses} survey responses.")
        if result.days_skipped:
            self.stdout.write(f"Left alone (recorded or imported visits): {', '.join(map(str, result.days_skipped))}")

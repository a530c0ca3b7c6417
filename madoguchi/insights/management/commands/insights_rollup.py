"""Roll up the step events into the insights' daily tables (schedule it nightly, e.g. at 00:30).

    python manage.py insights_rollup                 # yesterday and today
    python manage.py insights_rollup --days 400      # the last 400 days (after an import or a restore)
    python manage.py insights_rollup --from 2025-04-01 --to 2025-06-30
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madoguchi.insights import rollups


class Command(BaseCommand):
    help = "Rebuild the daily roll-ups the dashboard, effects, forecast and reports read (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="the last N days up to today (default 2)")
        parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args, days, start, end, **options):
        today = timezone.localdate()
        end = end or today
        start = start or end - timedelta(days=days - 1)
        if start > end:
            raise CommandError("--from is after --to")
        results = rollups.rollup_days([start + timedelta(days=n) for n in range((end - start).days + 1)])
        busiest = max(results, key=lambda r: r.seconds, default=None)
        self.stdout.write(f"Rolled up {len(results)} days ({start} … {end}), "
                          f"{sum(r.visits for r in results)} visits"
                          + (f"; slowest day {busiest.day}: {busiest.seconds:.2f} s" if busiest else "") + ".")

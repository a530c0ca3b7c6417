"""Re-forecast each of the last N weeks from the days before it, and compare with the seasonal-naive
baseline (the mean of the same weekday and hour over the four previous weeks).

    python manage.py forecast_backtest --weeks 8
    python manage.py forecast_backtest --weeks 8 --site kita --end 2026-04-30
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from madoguchi.catalog.models import Site
from madoguchi.insights.forecasts import backtest

TARGET = 0.8


def _figure(value) -> str:
    return "—" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Backtest the congestion forecast: MAE of hourly arrivals beside the seasonal-naive baseline."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=8)
        parser.add_argument("--site", default=None, help="site code (default: the main site)")
        parser.add_argument("--end", type=date.fromisoformat, help="the day after the last week (default: today)")
        parser.add_argument("--per-week", action="store_true", help="also print each week's figures")

    def handle(self, *args, weeks, site, end, per_week, **options):
        if weeks < 1:
            raise CommandError("--weeks must be at least 1")
        place = Site.objects.filter(code=site).first() if site else Site.objects.filter(active=True).first()
        if place is None:
            raise CommandError(f"no site {site!r} in the catalogue")
        report = backtest(place, weeks=weeks, end=end)
        write = self.stdout.write
        write(f"Forecast backtest at {place.name_ja} ({place.code}): the {weeks} weeks before {report.end}, "
              "each forecast from the days before it.")
        write(f"{'hourly arrivals':<36}{'MAE forecast':>14}{'MAE baseline':>14}{'ratio':>8}{'cells':>8}"
              f"{'noise floor':>13}")
        rows = [("site: visits arriving", report.site_test), ("counters: queue joins (all)", report.counters)]
        rows += [(f"  {test.key}", test) for test in report.counter_tests]
        for label, test in rows:
            write(f"{label:<36}{_figure(test.mae):>14}{_figure(test.baseline_mae):>14}{_figure(test.ratio):>8}"
                  f"{test.cells:>8}{_figure(test.noise_floor):>13}")
        if per_week:
            for label, test in rows[:2]:
                for week in test.weeks:
                    if week.cells:
                        forecast, naive = week.forecast_abs_error / week.cells, week.baseline_abs_error / week.cells
                        write(f"  {label.split(':')[0]} week of {week.start}: {forecast:.2f} vs {naive:.2f}")
        write("Baseline: the mean of the same weekday and hour over the four previous weeks (office days only).")
        write("Noise floor: the MAE no forecast of the mean avoids if arrivals are as random as independent "
              "arrivals (Poisson) at the forecast's rates; small counters cannot go far below it.")
        for label, test in rows[:2]:
            if test.ratio is None:
                write(f"{label}: not enough history to backtest.")
            else:
                verdict = "met" if test.ratio <= TARGET else "NOT met"
                write(f"{label}: ratio {test.ratio:.2f} (target ≤ {TARGET:.2f}: {verdict})")

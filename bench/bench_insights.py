"""Issue 15's benchmarks, on PostgreSQL with a year of history (about 450,000 visits).

- the dashboard (/staff/insights/) and the effects endpoint (/api/v1/insights/effects): p50 and p95
  server time per request, with the queries each request makes (target p95 ≤ 1 s) — for their
  default periods (28 and 91 days) and for the whole year; also the dashboard when today's roll-up
  must be refreshed on every request (INSIGHTS_LIVE_SECONDS=0: the worst case of "today live");
- one day's roll-up (``rollups.rollup_day``) on the busiest days (target ≤ 5 s).

The year is written by the demo history machinery (``services.demo_history_write``: every office day
drawn and run through the SimPy model — policy (b), the fixed route, twice as fast as the live routing
and the same rows — scale 2 ≈ 1,800 visits on an ordinary weekday) and today's
morning beside it, so "today live" has something to refresh. Generation takes several minutes and is
timed too. Run by `make bench` through scripts/with_postgres.sh (it needs DATABASE_URL=postgres://…).
Each figure is the median of RUNS runs, with the spread (min–max) of the runs.

BENCH_REUSE_HISTORY=1 with a kept cluster (PG_KEEP_DIR=… scripts/with_postgres.sh …) skips writing the
year when the database already holds visits (only today's morning is written if it is missing), so a
second run measures in minutes instead of re-generating the year.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
RUNS = int(os.environ.get("BENCH_RUNS", 3))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 15))
DAYS = int(os.environ.get("BENCH_HISTORY_DAYS", 365))
SCALE = float(os.environ.get("BENCH_SCALE", 2.0))
REUSE_HISTORY = os.environ.get("BENCH_REUSE_HISTORY", "") not in ("", "0")
# Which parts to run (comma-separated: requests, rollup, backtest); all by default.
PARTS = set(filter(None, os.environ.get("BENCH_PARTS", "requests,rollup,backtest").split(",")))
TARGET_REQUEST_SECONDS = 1.0
TARGET_ROLLUP_SECONDS = 5.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def setup_database():
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_insights needs PostgreSQL: run it through scripts/with_postgres.sh")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("catalog_load", verbosity=0)


def write_history():
    from django.utils import timezone

    from madoguchi.insights import services
    from madoguchi.reception.models import Visit

    started = time.perf_counter()
    today = timezone.localdate()
    if REUSE_HISTORY and Visit.objects.exists():
        if not Visit.objects.filter(arrived_at__date=today).exists():
            write_morning(today)
        print(f"history reused: {Visit.objects.count():,} visits already written")
        return None
    done = []

    def progress(day):
        done.append(day)
        if len(done) % 30 == 0:
            print(f"  … {len(done)} days written ({time.perf_counter() - started:.0f} s)", flush=True)

    result = services.demo_history_write(days=DAYS, seed=1, scale=SCALE, policy="b", progress=progress)
    write_morning(today)
    seconds = time.perf_counter() - started
    print(f"history: {Visit.objects.count():,} visits on {len(result.days_written)} office days and today's "
          f"morning, written and rolled up in {seconds:.0f} s")
    return result


def write_morning(today):
    """Today's morning, so that the dashboard has a live day to refresh."""
    import random

    from madoguchi.catalog.models import Counter, Procedure, Site
    from madoguchi.insights import rollups, selectors, services
    from madoguchi.insights.history import demo as demo_model
    from madoguchi.insights.history.store import write_visits
    from madoguchi.reception.models import Origin

    office = selectors.simulation_office("honcho")
    history = demo_model.load_history_profile().model_copy(update={"scale": SCALE})
    base = demo_model.base_profile(history, office)
    calendar = selectors.office_calendar()
    morning = demo_model.demo_day(history, base, office, calendar, today, seed=1, anchor=today)
    morning.visits[:] = [v for v in morning.visits if v.arrival < 12 * 60]
    site = Site.objects.get(code="honcho")
    write_visits(services.demo_visits(
        today, site.pk, morning, counters=dict(Counter.objects.filter(site=site).values_list("code", "id")),
        procedures=dict(Procedure.objects.values_list("code", "id")), rng=random.Random(1)), origin=Origin.DEMO)
    rollups.rollup_day(day=today)


def timed_requests(client, url: str, *, n: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        queries = max(queries, len(captured))
    return times, queries


def bench_requests(misses: list[str]):
    from datetime import timedelta

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from madoguchi.accounts.models import User
    from madoguchi.accounts.services import staff_create

    client = Client()
    analyst = User.objects.filter(username="bench_analyst").first()  # a reused database has it already
    client.force_login(analyst or staff_create(username="bench_analyst", role="analyst", password=None))
    today = timezone.localdate()
    year = f"from={today - timedelta(days=DAYS)}&to={today}"
    cases = [
        ("dashboard, last 28 days (default)", "/staff/insights/", {}),
        ("dashboard, the whole year", f"/staff/insights/?{year}", {}),
        ("dashboard, today's roll-up refreshed on every request", "/staff/insights/", {"INSIGHTS_LIVE_SECONDS": 0}),
        ("effects endpoint, last 91 days (default)", "/api/v1/insights/effects", {}),
        ("effects endpoint, the whole year", f"/api/v1/insights/effects?{year}", {}),
        ("effects page, the whole year", f"/staff/insights/effects/?{year}", {}),
    ]
    print(f"{'request':<58}{'p50 s':>8}{'p95 s':>8}{'spread of p95':>18}{'queries':>9}")
    for label, url, overrides in cases:
        p50s, p95s, queries = [], [], 0
        for _run in range(RUNS):
            cache.clear()
            for name, value in overrides.items():
                setattr(settings, name, value)
            client.get(url)  # warm: the first request of a process loads the catalogue's forms and fonts
            times, queries = timed_requests(client, url, n=REQUESTS)
            for name in overrides:
                delattr(settings, name)
            p50s.append(statistics.median(times))
            p95s.append(percentile(times, 95))
        p95 = statistics.median(p95s)
        print(f"{label:<58}{statistics.median(p50s):>8.3f}{p95:>8.3f}{min(p95s):>9.3f}–{max(p95s):<8.3f}{queries:>9}")
        if p95 > TARGET_REQUEST_SECONDS:
            misses.append(f"{label}: p95 {p95:.2f} s > {TARGET_REQUEST_SECONDS} s")


def bench_rollup(misses: list[str]):
    from madoguchi.insights import rollups
    from madoguchi.insights.models import RollupDay

    busiest = list(RollupDay.objects.order_by("-visits").values_list("day", "visits")[:5])
    runs = []
    for _run in range(RUNS):
        runs.append([rollups.rollup_day(day=day).seconds for day, _visits in busiest])
    medians = [statistics.median(r) for r in runs]
    worst = max(max(r) for r in runs)
    print(f"one day's roll-up, the {len(busiest)} busiest days ({busiest[0][1]:,}–{busiest[-1][1]:,} visits): "
          f"median {statistics.median(medians):.2f} s (runs {min(medians):.2f}–{max(medians):.2f}), "
          f"slowest {worst:.2f} s")
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        rollups.rollup_day(day=busiest[0][0])
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    if worst > TARGET_ROLLUP_SECONDS:
        misses.append(f"roll-up: {worst:.2f} s > {TARGET_ROLLUP_SECONDS} s")


def bench_backtest():
    """The forecast backtest on the same year (a figure beside the others, not a latency)."""
    from madoguchi.catalog.models import Site
    from madoguchi.insights.forecasts import backtest

    started = time.perf_counter()
    report = backtest(Site.objects.get(code="honcho"), weeks=8)
    for label, test in (("site: visits arriving", report.site_test), ("counters: queue joins", report.counters)):
        print(f"forecast backtest, 8 weeks, {label}: MAE {test.mae:.2f} vs seasonal-naive {test.baseline_mae:.2f}, "
              f"ratio {test.ratio:.2f} (noise floor {test.noise_floor:.2f})")
    print(f"  (backtest computed in {time.perf_counter() - started:.1f} s)")


def main():
    setup_database()
    write_history()
    misses: list[str] = []
    if "requests" in PARTS:
        bench_requests(misses)
    if "rollup" in PARTS:
        bench_rollup(misses)
    if "backtest" in PARTS:
        bench_backtest()
    if misses:
        print("TARGET MISSED: " + "; ".join(misses))
        sys.exit(1)
    met = [text for part, text in (("requests", "p95 ≤ 1 s per request"), ("rollup", "a day's roll-up ≤ 5 s"))
           if part in PARTS]
    print("targets met: " + ", ".join(met) if met else "no timed target in BENCH_PARTS")


if __name__ == "__main__":
    main()

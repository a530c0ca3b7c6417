"""What operations cost (issue 11): the request-observation middleware on every request (latency
histogram and one log line), and one /metrics scrape with a busy morning's queues.

On a throwaway SQLite database through Django's test client (in-process, no network): the
middleware's cost is the difference between /healthz with and without it; the scrape is
/metrics with the starter catalogue (16 counters) and 300 visits waiting. Median and spread of
several runs; there is no target, the figures are for the record.
"""

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
var = tempfile.mkdtemp(prefix="bench-operations-")
os.environ["MADOGUCHI_VAR_DIR"] = var
os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

REQUESTS_PER_RUN = 2000
RUNS = 5
SCRAPES = 30
VISITS = 300


def per_request_microseconds(client: Client) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS_PER_RUN):
        client.get("/healthz")
    return (time.perf_counter() - started) / REQUESTS_PER_RUN * 1e6


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("catalog_load", stdout=io.StringIO())
    from madoguchi.reception.tests.factories import VisitFactory

    kinds = [["cert.juminhyo"], ["juki.move_in", "nhi.enroll"], ["cert.tax", "cert.seal"]]
    for n in range(VISITS):
        VisitFactory(procedures=kinds[n % len(kinds)])
    # The log line is formatted and handed to a handler that drops it: its cost counts, not a terminal's.
    requests_log = logging.getLogger("madoguchi.requests")
    requests_log.handlers, requests_log.propagate = [logging.NullHandler()], False

    client = Client(HTTP_HOST="127.0.0.1")
    without = [m for m in settings.MIDDLEWARE if not m.endswith("RequestObservationMiddleware")]
    figures = {"with": [], "without": []}
    # Alternating runs, so a machine that gets busier or quieter weighs on both alike.
    for _ in range(RUNS):
        for label, middleware in (("with", settings.MIDDLEWARE), ("without", without)):
            with override_settings(MIDDLEWARE=middleware):
                client.get("/healthz")
                figures[label].append(per_request_microseconds(client))
    for label, runs in figures.items():
        print(f"GET /healthz {label} the observation middleware: median {statistics.median(runs):.0f} µs/request "
              f"(runs {min(runs):.0f}–{max(runs):.0f}, {RUNS}×{REQUESTS_PER_RUN})")
    print(f"  middleware cost: {statistics.median(figures['with']) - statistics.median(figures['without']):.0f} µs "
          "per request (difference of the medians)")

    scrapes = []
    for _ in range(SCRAPES):
        started = time.perf_counter()
        response = client.get("/metrics")
        scrapes.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    scrapes.sort()
    p90 = scrapes[int(0.9 * len(scrapes)) - 1]
    print(f"GET /metrics, 16 counters, {VISITS} visits waiting: median {statistics.median(scrapes):.1f} ms "
          f"(min {scrapes[0]:.1f}, p90 {p90:.1f}, max {scrapes[-1]:.1f}; {SCRAPES} scrapes)")


if __name__ == "__main__":
    main()

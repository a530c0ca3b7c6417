"""Navigator evaluation latency (issue 4: p95 ≤ 20 ms).

Two figures: the pure rule engine (starter rules parsed by the catalogue loader), and the whole
``POST /api/v1/navigator/evaluate`` through Django (rules read from the database, JSON in and out)
on a throwaway SQLite database.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["MADOGUCHI_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-navigator-")

from madoguchi.catalog.schema import parse_catalog  # noqa: E402
from madoguchi.catalog.yamlsource import read_yaml  # noqa: E402
from madoguchi.navigator.rules import Answers, Member, evaluate, rulebook_from_catalog  # noqa: E402

TARGET_P95_MS = 20
ENGINE_RUNS = 2000
API_RUNS = 300

HOUSEHOLDS = [
    Answers("move_in", date(2026, 4, 1), (Member("self", 38, "employee", has_mynumber_card=True),
                                          Member("spouse", 36, "employee"), Member("child", 7, "employee"),
                                          Member("child", 3, "employee", attends_nursery=True)),
            moved_from="other_prefecture"),
    Answers("move_in", date(2026, 4, 1), (Member("self", 45, "none"), Member("parent", 78, "none")),
            moved_from="abroad"),
    Answers("death", date(2026, 4, 1), (Member("parent", 82, "late_stage", deceased=True, pension_recipient=True,
                                               resident_taxpayer=True), Member("self", 50, "employee"))),
    Answers("birth", date(2026, 4, 1), (Member("self", 31, "national"), Member("spouse", 30, "national"),
                                        Member("child", 0, "none", newborn=True))),
    Answers("divorce", date(2026, 4, 1), (Member("self", 35, "none", name_changes=True, has_mynumber_card=True),
                                          Member("child", 8, "employee"))),
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94]


def report(name: str, samples: list[float]) -> bool:
    p50, p95 = percentiles(samples)
    ok = p95 <= TARGET_P95_MS
    print(f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(samples)} runs "
          f"(target p95 ≤ {TARGET_P95_MS} ms: {'ok' if ok else 'MISSED'})")
    return ok


def bench_engine() -> bool:
    catalog = ROOT / "catalog"
    book = rulebook_from_catalog(parse_catalog(
        [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(catalog.glob("*.yaml"))]))
    samples = []
    for run in range(ENGINE_RUNS):
        answers = HOUSEHOLDS[run % len(HOUSEHOLDS)]
        start = time.perf_counter()
        evaluate(answers, book)
        samples.append((time.perf_counter() - start) * 1000)
    return report("rule engine", samples)


def bench_api() -> bool:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from madoguchi.catalog.services import catalog_load

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    catalog_load(directory=settings.CATALOG_DIR)
    client = Client()
    bodies = []
    for answers in HOUSEHOLDS:
        body = {"life_event": answers.life_event, "event_date": answers.event_date.isoformat(),
                "household": [dict(vars(m)) for m in answers.household]}
        for fact in ("moved_from", "moving_to"):
            if getattr(answers, fact):
                body[fact] = getattr(answers, fact)
        bodies.append(body)
    samples = []
    for run in range(API_RUNS):
        # A new client address each time: the bench measures evaluation, not the rate limit.
        address = f"10.{run // 65536 % 256}.{run // 256 % 256}.{run % 256}"
        start = time.perf_counter()
        response = client.post("/api/v1/navigator/evaluate", bodies[run % len(bodies)],
                               content_type="application/json", REMOTE_ADDR=address)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    return report("POST /api/v1/navigator/evaluate", samples)


def main() -> int:
    ok = bench_engine()
    ok = bench_api() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

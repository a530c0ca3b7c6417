"""Navigator evaluation latency (issue 4: p95 ≤ 20 ms; issue 13: still with households of 8 members
and three events at once).

Two figures each: the pure rule engine (starter rules parsed by the catalogue loader), and the whole
``POST /api/v1/navigator/evaluate`` through Django (rules read from the database, JSON in and out)
on a throwaway SQLite database; first the everyday households, then households of 8 with three events.
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

M = Member
# Three generations of 8, some ages only, some birth dates (the school years computed), three events.
LARGE_HOUSEHOLDS = [
    Answers(("marriage", "move_in", "job_start"), date(2026, 6, 1), (
        M("self", 38, "national", has_mynumber_card=True, name_changes=True, starts_job=True, householder=True),
        M("spouse", 36, "employee", civil_servant=True), M("child", None, "employee_dependent",
                                                          birth_date=date(2011, 4, 15)),
        M("child", 9, "employee_dependent"), M("child", 6, "employee_dependent"),
        M("child", 2, "employee_dependent"), M("parent", 70, "national", care_certified=True),
        M("parent", 77, "late_stage", disability_certificate=True, moving_into_facility=True)),
        moved_from="abroad"),
    Answers(("death", "move_within", "job_leave"), date(2026, 9, 15), (
        M("spouse", 52, "employee", deceased=True, householder=True, resident_taxpayer=True,
          child_allowance_recipient=True),
        M("self", 50, "employee", leaves_job=True), M("child", 22, "employee_dependent"),
        M("child", 18, "employee_dependent"), M("child", 15, "employee_dependent"),
        M("grandchild", 1, "employee_dependent"), M("parent", 80, "late_stage", pension_recipient=True),
        M("other", 45, "national")), ),
    Answers(("divorce", "move_out", "job_leave"), date(2027, 3, 31), (
        M("self", 41, "employee_dependent", name_changes=True, has_mynumber_card=True, nationality="japanese"),
        M("child", None, "employee_dependent", birth_date=date(2012, 4, 1)),
        M("child", None, "employee_dependent", birth_date=date(2012, 4, 2)),
        M("child", 4, "employee_dependent", attends_nursery=True), M("parent", 66, "national", leaves_job=True),
        M("parent", 68, "national", stays=True), M("other", 30, "employee", stays=True),
        M("other", 16, "national", stays=True)), moving_to="abroad"),
]

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


def bench_engine(households: list[Answers], name: str) -> bool:
    catalog = ROOT / "catalog"
    book = rulebook_from_catalog(parse_catalog(
        [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(catalog.glob("*.yaml"))]))
    samples = []
    for run in range(ENGINE_RUNS):
        answers = households[run % len(households)]
        start = time.perf_counter()
        evaluate(answers, book)
        samples.append((time.perf_counter() - start) * 1000)
    return report(f"rule engine, {name}", samples)


def _body(answers: Answers) -> dict:
    body = {"life_events": list(answers.life_events), "event_date": answers.event_date.isoformat(),
            "household": [{k: v for k, v in vars(m).items() if v is not None} for m in answers.household]}
    for fact in ("moved_from", "moving_to"):
        if getattr(answers, fact):
            body[fact] = getattr(answers, fact)
    return body


def setup_api():
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
    return Client()


def bench_api(client, households: list[Answers], name: str) -> bool:
    bodies = [_body(answers) for answers in households]
    samples = []
    for run in range(API_RUNS):
        # A new client address each time: the bench measures evaluation, not the rate limit.
        address = f"10.{run // 65536 % 256}.{run // 256 % 256}.{run % 256}"
        start = time.perf_counter()
        response = client.post("/api/v1/navigator/evaluate", bodies[run % len(bodies)],
                               content_type="application/json", REMOTE_ADDR=address)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    return report(f"POST /api/v1/navigator/evaluate, {name}", samples)


def main() -> int:
    everyday, large = "everyday households", "households of 8 with three events"
    ok = bench_engine(HOUSEHOLDS, everyday)
    ok = bench_engine(LARGE_HOUSEHOLDS, large) and ok
    client = setup_api()
    ok = bench_api(client, HOUSEHOLDS, everyday) and ok
    ok = bench_api(client, LARGE_HOUSEHOLDS, large) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

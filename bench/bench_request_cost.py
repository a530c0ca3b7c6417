"""Issue 18, section 4: what a request costs the server.

On PostgreSQL behind gunicorn as deployed (config/gunicorn.conf.py: access log, /metrics over the workers;
the request log at INFO; 2 and then 4 workers, one request at a time each), on this machine:

- server CPU per ticket issued (POST /api/v1/visits), per ticket served (call-next + start + complete:
  three requests) and per congestion request (GET /api/v1/congestion): the user + system CPU of the
  gunicorn processes (from /proc) over a closed-loop run, divided by the operations done in it;
- beside it, the same congestion poll through nginx with deploy/nginx's public-side locations, whose 3 s cache
  answers the polls between the app's refreshes (nginx + gunicorn CPU per request; when nginx is here);
- registration and call-next p95 at 20 closed-loop clients (the call-next requests' own p95 while clerks call,
  start and complete; and the call-and-start requests' while they serve the console's way);
- queries per request of each operation, counted in-process (Django's test client on the same
  database, CaptureQueriesContext) with a queue of some 40 visitors.

Targets (issue 18): CPU ≤ 8 ms per ticket issued, ≤ 12 ms per ticket served, ≤ 0.5 ms per congestion
request; registration and call-next p95 ≤ 100 ms. The PostgreSQL server's own CPU is not counted (it runs
as another user's processes). Each figure: median of RUNS runs, with the spread.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_queue as bq  # noqa: E402

sys.path.insert(0, str(ROOT))
from madoguchi.core.tests.nginx import PublicProxy, nginx_binary  # noqa: E402 - standard library only

RUNS = int(os.environ.get("BENCH_RUNS", 3))
SECONDS = float(os.environ.get("BENCH_SECONDS", 6))
CLIENTS = 20
TICKS = os.sysconf("SC_CLK_TCK")
TARGETS = {"issued": 8.0, "served": 12.0, "congestion": 0.5, "p95": 100.0}

QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from madoguchi.accounts.models import User
from madoguchi.accounts.services import api_token_get_or_create
reception = api_token_get_or_create(user=User.objects.get(username="bench_reception")).key
clerk = api_token_get_or_create(user=User.objects.get(username="bench_clerk")).key
client = Client(HTTP_HOST="127.0.0.1")
def post(path, token, body):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
for n in range(40):
    post("/api/v1/visits", reception, {"procedures": ["cert.juminhyo"], "channel": "kiosk"})
counts = {}
post("/api/v1/visits", reception, {"procedures": ["juki.move_in", "nhi.enroll"], "channel": "kiosk"})
with CaptureQueriesContext(connection) as q:
    answer = post("/api/v1/visits", reception, {"procedures": ["juki.move_in", "nhi.enroll"], "channel": "kiosk"})
assert answer.status_code == 201, answer.content
counts["registration (2 procedures)"] = len(q.captured_queries)
from madoguchi.reception.models import QueueTail
QueueTail.objects.update(figured_at="2000-01-01T00:00:00Z")
with CaptureQueriesContext(connection) as q:
    answer = post("/api/v1/visits", reception, {"procedures": ["juki.move_in", "nhi.enroll"], "channel": "kiosk"})
assert answer.status_code == 201, answer.content
counts["registration, its queue's tail figured whole (once per counter per 10 s)"] = len(q.captured_queries)
with CaptureQueriesContext(connection) as q:
    answer = post("/api/v1/counters/koseki-cert/call-next", clerk, {"desk": 98})
assert answer.status_code == 200, answer.content
counts["call-next"] = len(q.captured_queries)
step = answer.json()["step"]["id"]
with CaptureQueriesContext(connection) as q:
    answer = post(f"/api/v1/steps/{step}/start", clerk, {})
assert answer.status_code == 200, answer.content
counts["start"] = len(q.captured_queries)
with CaptureQueriesContext(connection) as q:
    answer = post(f"/api/v1/steps/{step}/complete", clerk, {})
assert answer.status_code == 200, answer.content
counts["complete"] = len(q.captured_queries)
with CaptureQueriesContext(connection) as q:
    answer = post("/api/v1/counters/koseki-cert/call-next", clerk, {"desk": 97, "start": True})
assert answer.status_code == 200, answer.content
counts["call-and-start"] = len(q.captured_queries)
answer = post(f"/api/v1/steps/{answer.json()['step']['id']}/complete", clerk, {})
assert answer.status_code == 200, answer.content
client.get("/api/v1/congestion")
with CaptureQueriesContext(connection) as q:
    answer = client.get("/api/v1/congestion")
assert answer.status_code == 200, answer.content
counts["congestion"] = len(q.captured_queries)
print("QUERIES " + json.dumps(counts))
"""


def cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far (seconds)."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def spread(values: list[float], digits: int = 1) -> str:
    return (f"median {statistics.median(values):.{digits}f} (runs {', '.join(f'{v:.{digits}f}' for v in values)}; "
            f"spread {min(values):.{digits}f}–{max(values):.{digits}f})")


def measure(workers: str, env: dict, tokens: dict) -> dict[str, list[float]]:
    bq.WORKERS = workers
    server = bq.Server(env)
    figures: dict[str, list[float]] = {}
    reception = {"Authorization": f"Bearer {tokens['reception']}", "Content-Type": "application/json"}
    clerk = {"Authorization": f"Bearer {tokens['clerk']}", "Content-Type": "application/json"}
    rng = random.Random(18)
    try:
        def register(index, state):
            return "POST", "/api/v1/visits", json.dumps({"procedures": rng.choice(bq.KINDS), "channel": "kiosk"}), \
                reception, None

        def serving(call_and_start: bool):
            """Each client is one clerk at their own desk: call next, start, complete, then again — or, the
            console's way, call-and-start ({"start": true}) and complete: two requests a ticket."""
            def serve(index, state):
                if state.get("start"):
                    step, state["start"] = state["start"], None
                    state["complete"] = step
                    return "POST", f"/api/v1/steps/{step}/start", "{}", clerk, None
                if state.get("complete"):
                    step, state["complete"] = state["complete"], None
                    state["served"] = state.get("served", 0) + 1
                    return "POST", f"/api/v1/steps/{step}/complete", "{}", clerk, None

                def remember(state, status, payload):
                    if status == 200:
                        state["complete" if call_and_start else "start"] = json.loads(payload)["step"]["id"]
                    elif status == 409:
                        state["desk"] = state.get("desk", index + 1) + CLIENTS
                body = {"desk": state.get("desk", index + 1), **({"start": True} if call_and_start else {})}
                return "POST", "/api/v1/counters/koseki-cert/call-next", json.dumps(body), clerk, remember
            return serve

        def register_certificate(index, state):
            return "POST", "/api/v1/visits", json.dumps({"procedures": ["cert.juminhyo"], "channel": "kiosk"}), \
                reception, None

        bq.load(server.port, CLIENTS, 3, register)  # warm-up, and a queue to serve
        for _ in range(RUNS):
            before = cpu_seconds(server.process.pid)
            latencies = bq.load(server.port, CLIENTS, SECONDS, register)
            figures.setdefault("issued_cpu", []).append((cpu_seconds(server.process.pid) - before) * 1000
                                                        / len(latencies))
            figures.setdefault("issued_p95", []).append(bq.percentile(latencies, 95))
            figures.setdefault("issued_rps", []).append(len(latencies) / SECONDS)
        for key, call_and_start in (("served", False), ("served2", True)):
            states: dict[int, dict] = {}
            for _ in range(RUNS):
                bq.load(server.port, CLIENTS, 3, register_certificate)  # tickets to serve (not measured)
                served_before = sum(s.get("served", 0) for s in states.values())
                before = cpu_seconds(server.process.pid)
                by_kind: dict[str, list[float]] = {}
                latencies = bq.load(server.port, CLIENTS, SECONDS, serving(call_and_start), states=states,
                                    by_kind=by_kind)
                served = sum(s.get("served", 0) for s in states.values()) - served_before
                figures.setdefault(f"{key}_cpu", []).append((cpu_seconds(server.process.pid) - before) * 1000
                                                            / max(1, served))
                figures.setdefault(f"{key}_p95", []).append(bq.percentile(latencies, 95))
                figures.setdefault(f"{key}_call_p95", []).append(bq.percentile(by_kind["call-next"], 95))
        for _ in range(RUNS):
            before = cpu_seconds(server.process.pid)
            started = time.monotonic()
            rps = bq.wrk(server.port, "/api/v1/congestion", 50, SECONDS)
            requests = rps * (time.monotonic() - started)
            figures.setdefault("congestion_cpu", []).append((cpu_seconds(server.process.pid) - before) * 1000
                                                            / max(1.0, requests))
            figures.setdefault("congestion_rps", []).append(rps)
        binary = nginx_binary()
        if binary is not None:
            # deploy/nginx's public side, its 3 s cache of the congestion figures included, in front of gunicorn:
            # what a phone's poll costs the public server as deployed.
            proxy = PublicProxy(binary, f"127.0.0.1:{server.port}", keepalive=16)
            try:
                for _ in range(RUNS):
                    before = cpu_seconds(server.process.pid) + cpu_seconds(proxy.process.pid)
                    started = time.monotonic()
                    rps = bq.wrk(proxy.port, "/api/v1/congestion", 50, SECONDS)
                    requests = rps * (time.monotonic() - started)
                    figures.setdefault("congestion_nginx_cpu", []).append(
                        (cpu_seconds(server.process.pid) + cpu_seconds(proxy.process.pid) - before) * 1000
                        / max(1.0, requests))
                    figures.setdefault("congestion_nginx_rps", []).append(rps)
            finally:
                proxy.stop()
    finally:
        server.stop()
    return figures


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_request_cost needs DATABASE_URL=postgres://… (make bench starts a throwaway cluster)")
        return 1
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "ALLOWED_HOSTS": "127.0.0.1",
           "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="madoguchi-bench-"), "LOG_LEVEL": "WARNING"}
    bq.manage("migrate", "--noinput", "-v0", env=env)
    bq.manage("catalog_load", env=env)
    bq.manage("collectstatic", "--noinput", "-v0", env=env)
    tokens = dict(line.split()[1:] for line in bq.manage("shell", stdin=bq.SETUP, env=env).splitlines()
                  if line.startswith("TOKEN"))
    queries = json.loads(next(line for line in bq.manage("shell", stdin=QUERIES, env=env).splitlines()
                              if line.startswith("QUERIES"))[len("QUERIES "):])
    print("queries per request (PostgreSQL, a queue of some 40 visitors): "
          + "; ".join(f"{name} {count}" for name, count in queries.items())
          + f"; a ticket served (call-next + start + complete) "
            f"{queries['call-next'] + queries['start'] + queries['complete']}"
            f", (call-and-start + complete) {queries['call-and-start'] + queries['complete']}")
    met = []
    for workers in ("2", "4"):
        figures = measure(workers, env, tokens)
        print(f"gunicorn {workers} workers × {bq.THREADS} threads, {CLIENTS} closed-loop clients, {RUNS} runs of "
              f"{SECONDS:g} s; {os.cpu_count()} cores shared by server, database and load generator:")
        for key, label, unit, target in (
            ("issued_cpu", "server CPU per ticket issued", "ms", TARGETS["issued"]),
            ("served_cpu", "server CPU per ticket served (call-next + start + complete)", "ms", TARGETS["served"]),
            ("served2_cpu", "server CPU per ticket served (call-and-start + complete, the console's way)", "ms",
             TARGETS["served"]),
            ("congestion_cpu", "server CPU per congestion request (wrk, 50 clients)", "ms", TARGETS["congestion"]),
            ("issued_p95", "registration p95", "ms", TARGETS["p95"]),
            ("served_call_p95", "call-next p95 (serving by call-next, start, complete)", "ms", TARGETS["p95"]),
            ("served2_call_p95", "call-and-start p95 (serving by call-and-start, complete)", "ms", TARGETS["p95"]),
        ):
            ok = statistics.median(figures[key]) <= target
            met.append(ok)
            print(f"  {label}: {spread(figures[key], 2)} {unit}; target ≤ {target:g} {unit}: "
                  f"{'MET' if ok else 'NOT MET'}")
        print(f"  every serving request's p95 (not a target): call-next / start / complete "
              f"{spread(figures['served_p95'])} ms; call-and-start / complete {spread(figures['served2_p95'])} ms")
        print(f"  registration throughput {spread(figures['issued_rps'])} req/s; congestion "
              f"{spread(figures['congestion_rps'], 0)} req/s")
        if "congestion_nginx_cpu" in figures:
            print(f"  as deployed on the public side (not the target's measure: nginx's 3 s cache of the figures in "
                  f"front, deploy/nginx): nginx + gunicorn CPU per congestion request "
                  f"{spread(figures['congestion_nginx_cpu'], 3)} ms, "
                  f"{spread(figures['congestion_nginx_rps'], 0)} req/s")
        else:
            print("  congestion through nginx's public configuration: nginx not found (make test unpacks it)")
    print(f"{sum(met)} of {len(met)} request-cost targets met")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Issue 3's benchmarks, on PostgreSQL behind the real WSGI server (gunicorn), on this machine.

- visit registration and call-next latency, p50/p95 at 20 concurrent clients (target p95 ≤ 50 ms);
- congestion endpoint requests/s at 50 concurrent clients (target ≥ 1,000), beside the same
  server's bare "hello" view (/healthz: no database, no template) — the ceiling.

Run by `make bench` through scripts/with_postgres.sh (it needs DATABASE_URL=postgres://…).
Each figure is the median of RUNS runs, with the spread (min–max) of the runs.
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
RUNS = int(os.environ.get("BENCH_RUNS", 3))
SECONDS = float(os.environ.get("BENCH_SECONDS", 8))
WORKERS = os.environ.get("BENCH_WORKERS", "4")
THREADS = os.environ.get("BENCH_THREADS", "1")  # as deployed: one request at a time per worker
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 20))
PACE = float(os.environ.get("BENCH_PACE", 2.0))
KINDS = [["cert.juminhyo"], ["juki.move_in", "nhi.enroll"], ["cert.tax"], ["juki.move_within"],
         ["juki.move_in", "mynumber.card_update", "kosodate.child_allowance"]]
SETUP = """
from madoguchi.accounts.services import staff_create, api_token_get_or_create
from madoguchi.catalog.models import Counter
from madoguchi.accounts.models import User
Counter.objects.filter(code="koseki-cert").update(desks=99)
def user(name, role):
    existing = User.objects.filter(username=name).first()
    return existing or staff_create(username=name, role=role, password=None)
print("TOKEN reception", api_token_get_or_create(user=user("bench_reception", "reception")).key)
print("TOKEN clerk", api_token_get_or_create(user=user("bench_clerk", "supervisor")).key)
"""


def manage(*args, stdin=None, env=None) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                            env=env, check=True)
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class Server:
    """gunicorn as deployed (deploy/systemd/madoguchi.service): config/gunicorn.conf.py's access log and
    /metrics over the workers, the app's request log at INFO — written to the run's var directory, as a
    journal would take them, not to this terminal."""

    def __init__(self, env):
        self.port = free_port()
        self.log = open(Path(env["MADOGUCHI_VAR_DIR"]) / "gunicorn.log", "ab")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", str(ROOT / "config/gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", "--workers", WORKERS, "--threads", THREADS],
            cwd=ROOT, env={**env, "LOG_LEVEL": "INFO"}, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def load(port: int, clients: int, seconds: float, make_request, interval: float = 0.0,
         states: dict | None = None, by_kind: dict | None = None) -> list[float]:
    """`clients` threads, each with a keep-alive connection, for `seconds`: latency of each request (ms).
    ``by_kind``: filled with the latencies of each kind of request as well (the path's last part: call-next,
    start, complete …).

    interval 0: closed loop, each client sends its next request as soon as the last is answered (the
    server's saturation). interval > 0: each client sends one request every `interval` seconds (with a
    random phase), like kiosks and consoles used by people — latency at a given load.
    """
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, kinds = [], []
        state = {} if states is None else states.setdefault(index, {})
        next_at = time.monotonic() + random.random() * interval
        while time.monotonic() < deadline:
            if interval:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            method, path, body, headers, after = make_request(index, state)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            kinds.append(path.rsplit("/", 1)[-1])
            if response.status == 409 and after:
                after(state, response.status, payload)  # the clerk's desk is busy: they take another
                continue
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {payload[:200]!r}")
            if after:
                after(state, response.status, payload)
        with lock:
            latencies.extend(mine)
            if by_kind is not None:
                for kind, latency in zip(kinds, mine, strict=True):
                    by_kind.setdefault(kind, []).append(latency)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def wrk(port: int, path: str, clients: int, seconds: float) -> float:
    output = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", f"http://127.0.0.1:{port}{path}"],
                            capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{path}: {non_2xx.group(1)} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def summary(name: str, runs: list[float], unit: str, target: str) -> None:
    print(f"{name:<44} median {statistics.median(runs):8.1f} {unit}  (runs: "
          f"{', '.join(f'{r:.1f}' for r in runs)}; spread {min(runs):.1f}–{max(runs):.1f})  target {target}")


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_queue needs DATABASE_URL=postgres://… (make bench starts a throwaway cluster)")
        return 1
    if shutil.which("wrk") is None:
        print("wrk not found (apt-get install wrk)")
        return 1
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "ALLOWED_HOSTS": "127.0.0.1",
           "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="madoguchi-bench-"), "LOG_LEVEL": "WARNING"}
    manage("migrate", "--noinput", "-v0", env=env)
    manage("catalog_load", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    tokens = dict(line.split()[1:] for line in manage("shell", stdin=SETUP, env=env).splitlines()
                  if line.startswith("TOKEN"))
    server = Server(env)
    print(f"gunicorn {WORKERS} workers × {THREADS} threads on PostgreSQL; {RUNS} runs of {SECONDS:g} s each; "
          f"{os.cpu_count()} cores shared by server, database and load generator.")
    try:
        reception = {"Authorization": f"Bearer {tokens['reception']}", "Content-Type": "application/json"}
        clerk = {"Authorization": f"Bearer {tokens['clerk']}", "Content-Type": "application/json"}
        rng = random.Random(7)

        def register(index, state):
            body = json.dumps({"procedures": rng.choice(KINDS), "channel": "kiosk"})
            return "POST", "/api/v1/visits", body, reception, None

        def call_then_complete(index, state):
            # Each client is one clerk at its own desk: call next, then complete that visitor.
            if state.get("step"):
                step, state["step"] = state["step"], None
                return "POST", f"/api/v1/steps/{step}/complete", "{}", clerk, None

            def remember(state, status, payload):
                if status == 200:
                    state["step"] = json.loads(payload)["step"]["id"]
                elif status == 409:
                    # A visitor called just as a run ended, whose answer never arrived: rare, and the
                    # clerk simply moves to a free desk (desks 1–99) rather than stop the benchmark.
                    state["desk"] = state.get("desk", index + 1) + CLIENTS
            desk = state.get("desk", index + 1)
            return "POST", "/api/v1/counters/koseki-cert/call-next", json.dumps({"desk": desk}), clerk, remember

        # Warm every worker up first (imports, URL resolver, schema): a cold start is not a latency.
        load(server.port, CLIENTS, 3, register)
        p50s, p95s, rps = [], [], []
        for _ in range(RUNS):
            latencies = load(server.port, CLIENTS, SECONDS, register)
            p50s.append(percentile(latencies, 50))
            p95s.append(percentile(latencies, 95))
            rps.append(len(latencies) / SECONDS)
        summary(f"registration p50, {CLIENTS} clients closed loop", p50s, "ms", "")
        summary(f"registration p95, {CLIENTS} clients closed loop", p95s, "ms", "≤ 50 ms")
        summary("registration throughput, closed loop", rps, "req/s", "")

        clerks_state: dict[int, dict] = {}  # a clerk keeps their desk and visitor from one run to the next
        p50s, p95s = [], []
        for _ in range(RUNS):
            latencies = load(server.port, CLIENTS, SECONDS, call_then_complete, states=clerks_state)
            p50s.append(percentile(latencies, 50))
            p95s.append(percentile(latencies, 95))
        summary(f"call-next/complete p50, {CLIENTS} closed loop", p50s, "ms", "")
        summary(f"call-next/complete p95, {CLIENTS} closed loop", p95s, "ms", "≤ 50 ms")

        # Paced: 20 kiosks/consoles each registering, or calling and completing, every 2 seconds
        # (10 requests/s in all: some 20 times a busy ward's peak of a visit every two seconds).
        p50s, p95s = [], []
        for _ in range(RUNS):
            latencies = load(server.port, CLIENTS, SECONDS, register, interval=PACE)
            p50s.append(percentile(latencies, 50))
            p95s.append(percentile(latencies, 95))
        summary(f"registration p50, {CLIENTS} clients every {PACE:g} s", p50s, "ms", "")
        summary(f"registration p95, {CLIENTS} clients every {PACE:g} s", p95s, "ms", "≤ 50 ms")
        p50s, p95s = [], []
        for _ in range(RUNS):
            latencies = load(server.port, CLIENTS, SECONDS, call_then_complete, interval=PACE, states=clerks_state)
            p50s.append(percentile(latencies, 50))
            p95s.append(percentile(latencies, 95))
        summary(f"call-next/complete p50, {CLIENTS} clerks every {PACE:g} s", p50s, "ms", "")
        summary(f"call-next/complete p95, {CLIENTS} clerks every {PACE:g} s", p95s, "ms", "≤ 50 ms")

        congestion = [wrk(server.port, "/api/v1/congestion", 50, SECONDS) for _ in range(RUNS)]
        hello = [wrk(server.port, "/healthz", 50, SECONDS) for _ in range(RUNS)]
        summary("GET /api/v1/congestion (50 clients)", congestion, "req/s", "≥ 1000 req/s")
        summary("GET /healthz, bare view: the ceiling", hello, "req/s", "")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# `make bench`: the benchmarks the issues name, each printing its figures.
# The queue benchmark runs on a throwaway PostgreSQL cluster behind gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } || true
echo "== bench/bench_prefill_pdf.py"
.venv/bin/python bench/bench_prefill_pdf.py || status=1
echo "== bench/bench_navigator.py"
.venv/bin/python bench/bench_navigator.py || status=1
echo "== bench/bench_queue.py"
if scripts/with_postgres.sh --check; then
  scripts/with_postgres.sh .venv/bin/python bench/bench_queue.py || status=1
else
  echo "PostgreSQL server binaries not found: the queue benchmark needs them."
fi
echo "== bench/bench_request_cost.py (issue 18: server CPU and queries per request, 2 and 4 workers)"
if scripts/with_postgres.sh --check; then
  scripts/with_postgres.sh .venv/bin/python bench/bench_request_cost.py || status=1
else
  echo "PostgreSQL server binaries not found: the request-cost benchmark needs them."
fi
echo "== bench/bench_insights.py (a year of history on PostgreSQL: writing it takes several minutes)"
if scripts/with_postgres.sh --check; then
  scripts/with_postgres.sh .venv/bin/python bench/bench_insights.py || status=1
else
  echo "PostgreSQL server binaries not found: the insights benchmark needs them."
fi
echo "== bench/bench_payments.py"
.venv/bin/python bench/bench_payments.py || status=1
if scripts/with_postgres.sh --check; then
  scripts/with_postgres.sh .venv/bin/python bench/bench_payments.py || status=1
fi
echo "== bench/bench_operations.py"
.venv/bin/python bench/bench_operations.py || status=1
echo "== bench/bench_simulation.py"
.venv/bin/python bench/bench_simulation.py || status=1
# A benchmark that misses its target exits 1 after printing its figures; every benchmark still runs.
exit $status

#!/usr/bin/env bash
# `make bench`: the benchmarks the issues name, each printing its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
benches=(bench/bench_*.py)
if [ ${#benches[@]} -eq 0 ]; then
  echo "No benchmarks yet."
  exit 0
fi
for bench in "${benches[@]}"; do
  echo "== $bench"
  .venv/bin/python "$bench"
done

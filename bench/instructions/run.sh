#!/usr/bin/env bash
# Instructions per registration (or, with SCRIPT=serving.py, per ticket served: call-next, start, complete), in process: valgrind's callgrind counts the same whatever the host is doing
# (wall-clock and CPU figures on the shared 2-core machine move by a third from hour to hour), so two versions
# compare in one run each. For N = 20 and N = 120, each on a throwaway PostgreSQL cluster (40 registrations
# first, not counted, so the queue tails and caches exist): (instructions(120) − instructions(20)) / 100.
# Python's start-up and the first registrations cancel out in the difference; PostgreSQL's work is in its own
# processes, not counted. ≈4 minutes. Not in `make bench`: it needs valgrind (installed here when missing).
#   bench/instructions/run.sh                       (per registration)
#   SCRIPT=serving.py bench/instructions/run.sh     (per ticket served)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq valgrind >/dev/null; }
export DJANGO_SETTINGS_MODULE=config.settings.local ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING PYTHONHASHSEED=0
export PYTHONWARNINGS="ignore:No directory at"  # no static files collected: none are served here
if [ -n "${BENCH_N:-}" ]; then  # inside one cluster (scripts/with_postgres.sh set DATABASE_URL)
  .venv/bin/python manage.py migrate --noinput -v0
  .venv/bin/python manage.py catalog_load >/dev/null
  N=40 .venv/bin/python manage.py shell -v0 < bench/instructions/registrations.py  # queue tails and caches
  N=$BENCH_N valgrind --tool=callgrind --callgrind-out-file="$BENCH_WORK/callgrind-$BENCH_N.out" \
    .venv/bin/python manage.py shell -v0 < "bench/instructions/${SCRIPT:-registrations.py}" 2>"$BENCH_WORK/valgrind-$BENCH_N.log"
  exit 0
fi
export BENCH_WORK
BENCH_WORK=$(mktemp -d)
trap 'rm -rf "$BENCH_WORK"' EXIT
declare -A counted
for n in 20 120; do
  mkdir -p "$BENCH_WORK/var-$n"
  MADOGUCHI_VAR_DIR="$BENCH_WORK/var-$n" BENCH_N=$n scripts/with_postgres.sh "$0"
  counted[$n]=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$BENCH_WORK/valgrind-$n.log")
done
what=$([ "${SCRIPT:-registrations.py}" = serving.py ] && echo "ticket served (call-next, start, complete)" || echo registration)
echo "instructions per $what (in process, callgrind, PostgreSQL): $(( (counted[120] - counted[20]) / 100 ))"

#!/usr/bin/env bash
# The whole suite: ruff, then pytest on SQLite, then on a throwaway PostgreSQL cluster when the
# server binaries are present. Browser tests use Debian's Chromium (installed here when missing
# and we are root). With CI=true nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
CI=${CI:-false}

echo "== ruff"
$VENV/bin/ruff check .

if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium"
    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; })
  elif [ "$CI" = true ]; then
    echo "Chromium is missing and cannot be installed (not root): CI may not skip browser tests." >&2
    exit 1
  else
    echo "Chromium not found (apt-get install chromium): browser tests will be skipped."
  fi
fi

# The reverse-proxy tests run deploy/nginx's files in a real nginx: Debian's, unpacked under var/nginx
# (no service installed or started), unless one is on the PATH already.
if ! command -v nginx >/dev/null && [ ! -x var/nginx/usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== unpacking Debian's nginx under var/nginx"
    download=$(mktemp -d)
    (cd "$download" && { apt-get download -qq nginx >/dev/null 2>&1 \
       || { apt-get update -qq && apt-get download -qq nginx >/dev/null 2>&1; }; })
    mkdir -p var/nginx && dpkg-deb -x "$download"/nginx_*.deb var/nginx
    rm -rf "$download"
  elif [ "$CI" = true ]; then
    echo "nginx is missing and cannot be unpacked (not root): CI may not skip the reverse-proxy tests." >&2
    exit 1
  else
    echo "nginx not found (apt-get install nginx): the reverse-proxy tests will be skipped."
  fi
fi

# deploy/systemd's units are checked with systemd-analyze verify (nothing is installed or started).
if ! command -v systemd-analyze >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's systemd (for systemd-analyze)"
  (apt-get install -y -qq systemd >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq systemd >/dev/null; })
fi

# The SQLite and the PostgreSQL runs go side by side (each its own var/ directory, database and
# ports), which nearly halves the wall time on a two-core machine; TEST_SERIAL=1 runs them in turn.
# Side by side, each test runs where conftest.py says: a test of the database on both; a browser test and a
# long walk of odd input (once_on_postgresql) once, on PostgreSQL; a language variant and a test without a database once, on SQLite (on PostgreSQL if it
# needs a browser). In turn, every test but those last two runs on both.
status=0
pg_status=0
pg_log=""
if scripts/with_postgres.sh --check; then
  if [ "${TEST_SERIAL:-0}" != 1 ]; then
    pg_var=var/test-postgres
    mkdir -p -m 700 "$pg_var"
    pg_log="$pg_var/pytest.log"
    echo "== pytest on PostgreSQL, in the background (output below when it ends)"
    MADOGUCHI_VAR_DIR="$PWD/$pg_var" scripts/with_postgres.sh $VENV/bin/python -m pytest \
      -m "not database_independent and not one_database and not postgres_only and not second_lane" "$@" \
      >"$pg_log" 2>&1 &
    pg_pid=$!
    # The PostgreSQL-only tests (2,000 concurrent registrations, two servers, races: minutes of their own
    # servers' work), the insights' long histories and some apps' browser tests (conftest.py: second_lane), and
    # the browser tests of the languages other than Japanese, in a second PostgreSQL lane on its own cluster, so
    # that no run ends alone on a two-core machine.
    pg_only_var=var/test-postgres-only
    mkdir -p -m 700 "$pg_only_var"
    pg_only_log="$pg_only_var/pytest.log"
    MADOGUCHI_VAR_DIR="$PWD/$pg_only_var" scripts/with_postgres.sh $VENV/bin/python -m pytest \
      -m "postgres_only or (not database_independent and (second_lane or one_database) and (browser or not one_database))" \
      "$@" \
      >"$pg_only_log" 2>&1 &
    pg_only_pid=$!
  fi
elif [ "$CI" = true ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found: CI may not skip the PostgreSQL run." >&2
  exit 1
else
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL run is skipped."
fi

echo "== pytest on SQLite (${SECONDS}s)"
if [ -n "$pg_log" ]; then
  # browser tests and the long walks of odd input: on PostgreSQL (pyproject.toml: once_on_postgresql)
  sqlite_marks="not postgres_only and not once_on_postgresql and (not browser or database_independent)"
else
  sqlite_marks="not postgres_only"
fi
$VENV/bin/python -m pytest -m "$sqlite_marks" "$@" || status=$?
echo "== SQLite run ended (${SECONDS}s)"

if [ -n "$pg_log" ]; then
  wait "$pg_pid" || pg_status=$?
  echo "== pytest on PostgreSQL (status $pg_status; ${SECONDS}s)"
  cat "$pg_log"
  only_status=0
  wait "$pg_only_pid" || only_status=$?
  echo "== pytest on PostgreSQL, second lane: PostgreSQL-only tests, the insights, some browser tests (status $only_status; ${SECONDS}s)"
  cat "$pg_only_log"
  [ "$pg_status" = 0 ] && pg_status=$only_status
elif scripts/with_postgres.sh --check; then
  echo "== pytest on PostgreSQL"
  scripts/with_postgres.sh $VENV/bin/python -m pytest -m "not database_independent and not one_database" "$@" \
    || pg_status=$?
fi
[ "$status" = 0 ] && status=$pg_status
exit $status

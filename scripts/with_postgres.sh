#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a free port, removed afterwards.
#   scripts/with_postgres.sh CMD ARGS...   (DATABASE_URL is set for CMD, and PG_BIN_DIR: pg_dump/pg_restore
#                                           of the same version as the server, for the backup tests)
#   scripts/with_postgres.sh --check       (exit 0 when the server binaries are here)
# PG_KEEP_DIR=/some/dir keeps the cluster there between runs (created on the first, stopped but not
# removed afterwards): a benchmark can then reuse a year of history it wrote before (bench_insights:
# BENCH_REUSE_HISTORY=1).
# As root the cluster runs as the `postgres` user, as PostgreSQL requires.
set -euo pipefail

find_bin() {
  local dir
  for dir in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

PGBIN=$(find_bin) || { [ "${1:-}" = --check ] && exit 1; echo "PostgreSQL server binaries not found" >&2; exit 1; }
[ "${1:-}" = --check ] && exit 0

if [ -n "${PG_KEEP_DIR:-}" ]; then
  mkdir -p "$PG_KEEP_DIR"
  workdir=$(cd "$PG_KEEP_DIR" && pwd)
else
  workdir=$(mktemp -d /tmp/madoguchi-pg.XXXXXX)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres "$workdir"
  as_pg() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  if [ -n "${PG_KEEP_DIR:-}" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$workdir/data" -m fast stop >/dev/null 2>&1 || true
  else
    as_pg "$PGBIN/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
  fi
}
trap cleanup EXIT INT TERM

[ -d "$workdir/data" ] || as_pg "$PGBIN/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
# A test cluster: durability off for speed, enough connections for the concurrency tests.
as_pg "$PGBIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -o \
  "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null

DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" PG_BIN_DIR="$PGBIN" "$@"

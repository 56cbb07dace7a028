#!/usr/bin/env bash
# `make bench`: measurements, not tests. Results go to bench/results/ as JSON and Markdown.
# The reminder benchmark runs against a throwaway PostgreSQL (like `make test`), or SQLite when PostgreSQL
# is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
"$BIN/python" bench/pdf_pipeline.py

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL niet gevonden: de herinneringenbenchmark draait op SQLite."
  "$BIN/python" bench/reminders.py
  exit 0
fi
free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
TMP=$(mktemp -d /tmp/handhaving-bench.XXXXXX)
PGPORT=$(free_port)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  status=$?
  as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT INT TERM
[ "$(id -u)" -eq 0 ] && chown postgres "$TMP"
as_pg "$PGBIN/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# fsync stays on: a benchmark should pay for its commits like production does.
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -w -l "$TMP/pg.log" \
  -o "-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1" start >/dev/null
BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres" "$BIN/python" bench/reminders.py

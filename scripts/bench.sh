#!/usr/bin/env bash
# `make bench`: measurements, not tests. Results go to bench/results/ as JSON and Markdown.
# 1. the PDF pipeline against a bare WeasyPrint render (SQLite, in-process);
# 2. the reminder run over 100,000 actiepunten, and 3. the pages under load on a national-scale data set
#    (gunicorn under production settings, measured with wrk), both against a throwaway PostgreSQL and Redis on
#    free loopback ports, stopped on exit whatever happened (like `make test`).
# `bash scripts/bench.sh nationaal` (or pdf, herinneringen; several allowed) runs only those parts.
# `bash scripts/bench.sh quick` (`make bench-quick`): every part on a small data set with short runs, in about two
# minutes on an idle machine, writing bench/results/quick.* and leaving the full run's files as they are.
# BENCH_BASIS=<git revision> (the Makefile defaults it): the A/B also serves the pages from that revision's code
# ("vorige versie", bench/basis.py), so a change shows its before and after from one run.
# The migrated schema is kept under var/bench/ keyed by the migration files' hash and restored into a template
# database: later runs (and the second part of one run) skip the migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=" $* "
if [[ "$ARGS" == *" quick "* ]]; then
  # Short rows, a short A/B list (default and previous version) and a profiler budget per page; every page stays.
  # Rows of 2 s, not 1: wrk only counts requests answered within the row, so the row's length caps its p95.
  export BENCH_SCALE=small BENCH_DURATION="${BENCH_DURATION:-2}" BENCH_WARMUP=0 BENCH_AB_DURATION=2 \
    BENCH_AB_KORT=1 BENCH_ROUNDS=1 BENCH_ACTIEPUNTEN=2000 BENCH_DRIEHOEKEN=50 BENCH_SEND=200 \
    BENCH_EEN_VOOR_EEN=100 BENCH_PROFIEL_VERZOEKEN=20 BENCH_PROFIEL_MAX_S="${BENCH_PROFIEL_MAX_S:-3}"
  ARGS=${ARGS// quick / }
fi
phase() { echo "-- $1 na $(( $(date +%s) - START )) s"; }
PARTS=" $(echo $ARGS) "
[ "$PARTS" = "  " ] && PARTS=" pdf herinneringen nationaal "
wants() { [[ "$PARTS" == *" $1 "* ]]; }
# A part that always writes bench/results/NAME.*: in the quick run its files become quick.NAME.* instead.
part() {
  local name=$1 keep status=0
  shift
  if [ "${BENCH_SCALE:-}" != small ]; then "$@"; return; fi
  keep=$(mktemp -d)
  cp bench/results/"$name".* "$keep"/ 2>/dev/null || true
  "$@" || status=$?
  for f in bench/results/"$name".*; do [ -e "$f" ] && mv "$f" "bench/results/quick.${f##*/}"; done
  cp "$keep"/* bench/results/ 2>/dev/null || true
  rm -rf "$keep"
  return $status
}
BIN=.venv/bin
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# --- system packages -------------------------------------------------------------------------
PACKAGES=(postgresql redis-server wrk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
ensure_packages "${PACKAGES[@]}"

START=$(date +%s)
if wants pdf; then
  echo "== PDF-pijplijn"
  part pdf_pipeline "$BIN/python" bench/pdf_pipeline.py
  phase "PDF-pijplijn klaar"
fi

# --- throwaway servers -------------------------------------------------------------------------
if ! wants herinneringen && ! wants nationaal; then
  echo "make bench${BENCH_SCALE:+ (${BENCH_SCALE})} klaar in $(( $(date +%s) - START )) s."
  exit 0
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
TMP=$(mktemp -d /tmp/handhaving-bench.XXXXXX)
PGPORT=$(free_port)
REDISPORT=$(free_port)
cleanup() {
  status=$?
  # gunicorn is stopped by bench/national.py; this is for an interrupted run (its master's pid file).
  if [ -f "$TMP/work/gunicorn.pid" ]; then kill "$(cat "$TMP/work/gunicorn.pid")" 2>/dev/null || true; sleep 1; fi
  as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
  if [ -f "$TMP/redis.pid" ]; then kill "$(cat "$TMP/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT INT TERM
[ "$(id -u)" -eq 0 ] && chown postgres "$TMP"
as_pg "$PGBIN/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# fsync stays on: a benchmark should pay for its commits like production does.
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -w -l "$TMP/pg.log" \
  -o "-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1" start >/dev/null
redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$TMP/redis.pid" --dir "$TMP" --logfile "$TMP/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "PostgreSQL op 127.0.0.1:$PGPORT, Redis op 127.0.0.1:$REDISPORT"
PGURL="postgres://postgres@127.0.0.1:$PGPORT"
mkdir -p "$TMP/work" "$TMP/private"
# Production settings (config/settings/bench.py): every required secret is set, to throwaway values.
BENCH_ENV=(DJANGO_SETTINGS_MODULE=config.settings.bench
  SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  AUDITLOG_SLEUTEL="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(40))')"
  DJANGO_ALLOWED_HOSTS=127.0.0.1 CELERY_BROKER_URL="redis://127.0.0.1:$REDISPORT/0" EMAIL_URL="smtp://127.0.0.1:1"
  PRIVATE_MEDIA_ROOT="$TMP/private" BENCH_STATIC_ROOT="$TMP/static" BENCH_WORK="$TMP/work")

# --- the migrated schema, once per set of migrations ---------------------------------------------
SCHEMA_HASH=$(cat requirements.lock $(ls -1 ./*/migrations/*.py | sort) | sha256sum | cut -c1-16)
SCHEMA_CACHE=var/bench/schema-$SCHEMA_HASH.dump
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres vorm
if [ -s "$SCHEMA_CACHE" ]; then
  "$PGBIN/pg_restore" -h 127.0.0.1 -p "$PGPORT" -U postgres -d vorm --no-owner "$SCHEMA_CACHE"
  echo "Schema uit $SCHEMA_CACHE (migraties ongewijzigd)"
else
  env "${BENCH_ENV[@]}" DATABASE_URL="$PGURL/vorm" "$BIN/python" manage.py migrate --no-input -v0
  mkdir -p var/bench
  rm -f var/bench/schema-*.dump  # an older set of migrations: its schema is never read again
  "$PGBIN/pg_dump" -h 127.0.0.1 -p "$PGPORT" -U postgres -Fc vorm >"$SCHEMA_CACHE.tmp"
  mv "$SCHEMA_CACHE.tmp" "$SCHEMA_CACHE"
  echo "Schema gemigreerd en bewaard in $SCHEMA_CACHE"
fi
phase "schema klaar"
from_template() { as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres -T vorm "$1"; }

if wants herinneringen; then
  echo "== Herinneringen"
  from_template herinneringen
  BENCH_DATABASE_URL="$PGURL/herinneringen" part reminders "$BIN/python" bench/reminders.py
  phase "herinneringen klaar"
fi
wants nationaal || exit 0

echo "== Pagina's onder last (${BENCH_SCALE:-nationale} schaal)"
REUSE=
if [ "${BENCH_SCALE:-}" != small ]; then
  from_template nationaal
else
  # The small data set is kept too, keyed by the schema, the code that writes it (the generator and the apps'
  # Python and data files it loads through) and the day (its dates are relative to today): a quick run of the same
  # code again (noise, settings, worker models) restores it instead of generating it.
  DATA_HASH=$(find bench samenwerking arrangementen actiepunten -path '*/migrations' -prune -o -type f \
    \( -name '*.py' -o -path '*/data/*' \) -print | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
  DATA_CACHE=var/bench/klein-$SCHEMA_HASH-$DATA_HASH-$(TZ=Europe/Amsterdam date +%F).dump  # TIME_ZONE's day
  if [ -s "$DATA_CACHE" ]; then
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres nationaal
    "$PGBIN/pg_restore" -h 127.0.0.1 -p "$PGPORT" -U postgres -d nationaal --no-owner "$DATA_CACHE"
    # A dump carries no planner statistics: gather them as the generator's own VACUUM ANALYZE did.
    "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d nationaal -qc "VACUUM ANALYZE"
    echo "Kleine gegevensset uit $DATA_CACHE"
  else
    from_template nationaal
    echo "Gegevens op kleine schaal genereren:"
    env "${BENCH_ENV[@]}" DATABASE_URL="$PGURL/nationaal" "$BIN/python" -c \
      'import django; django.setup(); from bench import national_data; national_data.generate()'
    rm -f var/bench/klein-*.dump
    "$PGBIN/pg_dump" -h 127.0.0.1 -p "$PGPORT" -U postgres -Fc nationaal >"$DATA_CACHE.tmp"
    mv "$DATA_CACHE.tmp" "$DATA_CACHE"
  fi
  REUSE=1
  phase "kleine gegevensset klaar"
fi
env "${BENCH_ENV[@]}" DATABASE_URL="$PGURL/nationaal" BENCH_PORT="$(free_port)" BENCH_REUSE_DATA="$REUSE" \
  "$BIN/python" bench/national.py
echo "make bench${BENCH_SCALE:+ (${BENCH_SCALE})} klaar in $(( $(date +%s) - START )) s."

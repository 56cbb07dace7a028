#!/usr/bin/env bash
# `make test`: throwaway PostgreSQL and Redis on free loopback ports, the whole pytest suite against
# them, and both servers stopped on exit whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# --- system packages -------------------------------------------------------------------------
PACKAGES=(postgresql redis-server chromium poppler-utils gettext libnss3-tools
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core default-jre-headless)
ensure_packages "${PACKAGES[@]}"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# --- throwaway servers -------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/handhaving-test.XXXXXX)
PGPORT=$(free_port)
REDISPORT=$(free_port)

cleanup() {
  status=$?
  as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1 || true
  if [ -f "$TMP/redis.pid" ]; then kill "$(cat "$TMP/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT INT TERM

[ "$(id -u)" -eq 0 ] && chown postgres "$TMP"
as_pg "$PGBIN/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -w -l "$TMP/pg.log" \
  -o "-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$TMP/redis.pid" --dir "$TMP" --logfile "$TMP/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "PostgreSQL op 127.0.0.1:$PGPORT, Redis op 127.0.0.1:$REDISPORT"

export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDISPORT/0"

# --- tests, then lint and migration checks (all must pass) -------------------------------------
if command -v msgfmt >/dev/null 2>&1; then
  "$BIN/python" manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
fi

set +e
# Over both cores (pytest-xdist); PYTEST_WORKERS=0 runs in this process alone.
"$BIN/python" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "pytest heeft geen enkele test uitgevoerd: dat telt als mislukt."
  exit 1
fi
[ $rc -eq 0 ] || exit $rc

"$BIN/ruff" check .
"$BIN/python" manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Er ontbreken migraties: draai 'manage.py makemigrations'."; exit 1; }

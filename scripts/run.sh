#!/usr/bin/env bash
# Installs the service into .venv and runs it on the embedded default (SQLite under ./var/, migrations applied).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# The distribution was called `notifier` before it became meldplicht; a virtualenv from then has both.
.venv/bin/pip show -q notifier >/dev/null 2>&1 && .venv/bin/pip uninstall -y -q notifier
.venv/bin/pip install -q -e .
exec .venv/bin/notifier serve "$@"

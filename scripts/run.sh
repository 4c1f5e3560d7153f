#!/usr/bin/env bash
# Installs the service into .venv and runs it on the embedded default (SQLite under ./var/, migrations applied).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e .
exec .venv/bin/notifier serve "$@"

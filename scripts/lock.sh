#!/usr/bin/env bash
# Regenerates the hashed lock files from pyproject.toml. Run after changing a dependency; commit the result.
#   requirements.lock        what the service runs with (the dependencies and the postgres extra), every platform
#                            and Python version pyproject.toml allows; the image and the systemd install use it
#   deploy/build.lock        the build backend, for building the wheel without build isolation (the image)
# tests/operations/test_lock.py fails when pyproject.toml names a dependency the lock does not satisfy.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
[ -x .venv/bin/uv ] || .venv/bin/pip install -q 'uv>=0.5,<1'
.venv/bin/uv pip compile pyproject.toml --extra postgres --universal --generate-hashes --no-header \
  --python-version 3.11 --quiet -o requirements.lock
printf 'hatchling>=1.26,<2\n' | .venv/bin/uv pip compile - --universal --generate-hashes --no-header \
  --python-version 3.11 --quiet -o deploy/build.lock

#!/usr/bin/env bash
# Create .venv and install kzeval with its development tools (idempotent).
# Every package comes at the version pinned in requirements.lock (refresh it with
# scripts/update_lock.sh); kzeval itself is installed editable on top, without resolving again.
# Installs no system packages: the report-rendering tests' browser is scripts/test_browser.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.kzeval-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  touch "$stamp"
fi

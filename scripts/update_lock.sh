#!/usr/bin/env bash
# Refresh requirements.lock from pyproject.toml (newest versions within its bounds), install it
# into .venv and run the tests:
#
#   bash scripts/update_lock.sh                         # upgrade every package within pyproject's bounds
#   bash scripts/update_lock.sh --upgrade-package polars  # only this one (other pins kept)
#
# Commit requirements.lock when the tests pass; setup and CI install exactly what it pins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--upgrade)
.venv/bin/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 \
  --annotation-style line "${args[@]}"
bash scripts/test.sh

#!/usr/bin/env bash
# Quick start, command 1: set up, then run the yearly assessment on the embedded sample drop.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
exec .venv/bin/kzeval demo "$@"

#!/usr/bin/env bash
# Quick start, command 2: lint, type-check, dbt build on the sample drop, and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/test_browser.sh   # headless chromium for the report-rendering tests (system package)
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check kzeval pipelines tests bench
ruff format --check kzeval pipelines tests bench
echo "== mypy (kzeval/, bench/harness.py)"
mypy kzeval bench/harness.py
echo "== import contracts (.importlinter; docs/architecture.md)"
lint-imports
echo "== sqlfluff (dbt models)"
sqlfluff lint dbt_project/models
echo "== dbt build on the sample drop (kzeval demo into a scratch warehouse: dbt build runs models and tests)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
kzeval demo --landing "$scratch/drop" --warehouse "$scratch/warehouse/kzeval.duckdb" > "$scratch/demo.log" 2>&1 \
  || { cat "$scratch/demo.log"; exit 1; }
tail -n 5 "$scratch/demo.log"
echo "== pytest"
pytest "$@"

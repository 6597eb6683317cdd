#!/usr/bin/env bash
# How fresh each landing table is: `dbt source freshness` on the load ledger (audit.load_ledger:
# when a file of the table last loaded). Monthly turnstile and headcount drops warn after 40 days,
# yearly sources after 400; agencies, calendar and corrections are not checked.
#
#   scripts/dbt_freshness.sh [--warehouse FILE]
#
# dbt opens its DuckDB file read-write, so it reads a private copy of the published warehouse.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WAREHOUSE="${KZEVAL_WAREHOUSE:-$ROOT/data/warehouse/kzeval.duckdb}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) WAREHOUSE="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
DBT="$ROOT/.venv/bin/dbt"
[[ -x "$DBT" ]] || DBT="dbt"
if [[ ! -f "$WAREHOUSE" ]]; then
  echo "warehouse $WAREHOUSE does not exist: run \`kzeval run\` or \`kzeval demo\` first" >&2
  exit 1
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cp "$WAREHOUSE" "$TMP/kzeval.duckdb"
cd "$ROOT/dbt_project"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
KZEVAL_DBT_DUCKDB_PATH="$TMP/kzeval.duckdb" "$DBT" source freshness --profiles-dir . --target-path "$TMP/target" \
  --no-use-colors

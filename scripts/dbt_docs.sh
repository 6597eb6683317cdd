#!/usr/bin/env bash
# Document the warehouse with dbt docs: models, columns, tests, lineage and the catalog
# (types and row counts) of the published warehouse.
#
#   scripts/dbt_docs.sh                       # build docs into data/dbt_docs/ (static_index.html opens without a server)
#   scripts/dbt_docs.sh --serve [PORT]        # build, then serve on http://127.0.0.1:PORT (default 8080)
#   scripts/dbt_docs.sh --warehouse FILE --out DIR
#
# dbt opens its DuckDB file read-write, so it never touches the published warehouse: it reads a
# private copy (the published file is only ever replaced atomically, so the copy is consistent),
# deleted afterwards. The project's own target/ (the manifest Dagster reads) is not touched either.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WAREHOUSE="${KZEVAL_WAREHOUSE:-$ROOT/data/warehouse/kzeval.duckdb}"
OUT="$ROOT/data/dbt_docs"
SERVE=""
PORT=8080

while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) WAREHOUSE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --serve)
      SERVE=1; shift
      if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then PORT="$1"; shift; fi ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

DBT="$ROOT/.venv/bin/dbt"
[[ -x "$DBT" ]] || DBT="dbt"
if [[ ! -f "$WAREHOUSE" ]]; then
  echo "warehouse $WAREHOUSE does not exist: run \`kzeval run\` or \`kzeval demo\` first" >&2
  exit 1
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
COPY="$(mktemp -d)/kzeval_docs.duckdb"
trap 'rm -rf "$(dirname "$COPY")"' EXIT
cp "$WAREHOUSE" "$COPY"

cd "$ROOT/dbt_project"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
KZEVAL_DBT_DUCKDB_PATH="$COPY" "$DBT" docs generate --static --profiles-dir . --target-path "$OUT" --quiet
rm -rf "$(dirname "$COPY")"
echo "dbt docs of $WAREHOUSE written to $OUT (open $OUT/static_index.html in a browser)"

if [[ -n "$SERVE" ]]; then
  echo "serving on http://127.0.0.1:$PORT (Ctrl-C to stop)"
  "$DBT" docs serve --profiles-dir . --target-path "$OUT" --host 127.0.0.1 --port "$PORT" --no-browser
fi

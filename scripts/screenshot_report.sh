#!/usr/bin/env bash
# Render an HTML report and screenshot it in headless Chromium (checks charts drew, no JS errors).
#
#   scripts/screenshot_report.sh --year 2024 [--agency ID] [--warehouse FILE] [--out-dir DIR] [--size 1400x2000]
#
# Writes <out-dir>/<agency or national>.html and .png (default out-dir: data/reports/<year>).
# Needs Chromium on PATH (Debian/Ubuntu: apt-get install -y chromium). Exit 1 on a JS error.
set -euo pipefail
cd "$(dirname "$0")/.."

year=""
agency=""
warehouse="data/warehouse/kzeval.duckdb"
out_dir=""
size="1400x2000"
while [ $# -gt 0 ]; do
  case "$1" in
    --year) year="$2"; shift 2 ;;
    --agency) agency="$2"; shift 2 ;;
    --warehouse) warehouse="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$year" ]; then
  echo "--year is required" >&2
  exit 2
fi
out_dir="${out_dir:-data/reports/$year}"
stem="${agency:-national}"
mkdir -p "$out_dir"

py=".venv/bin/python"
[ -x "$py" ] || py="python3"
report_args=(report --year "$year" --format html --warehouse "$warehouse" --out "$out_dir/$stem.html")
if [ -n "$agency" ]; then
  report_args+=(--agency "$agency")
fi
"$py" -m kzeval.cli "${report_args[@]}"
"$py" -m kzeval.reports.browser "$out_dir/$stem.html" "$out_dir/$stem.png" "$size"

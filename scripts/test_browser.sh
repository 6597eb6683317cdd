#!/usr/bin/env bash
# Test setup: the report-rendering tests (tests/integration/reports) open the HTML reports in a real headless
# browser. This installs Debian's `chromium` package with apt-get when it is missing and we are
# root on a Debian/Ubuntu machine; otherwise it only says what is missing (those tests then fail
# with a message naming chromium). Called by scripts/test.sh, never by the demo.
set -euo pipefail
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system package chromium with apt-get (headless browser for the report-rendering tests) ..."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is not installed: the report-rendering tests need it (Debian/Ubuntu: sudo apt-get install chromium)" >&2
fi

#!/usr/bin/env bash
# Checks that a load test report renders in headless Chromium with no network:
#   loadtest/check-report-renders.sh [REPORT.html [SCREENSHOT.png]]
# Without arguments, the newest report.html under loadtest/target is checked. Needs Debian's
# chromium package (apt-get install -y chromium). Exit status 0: rendered, charts in the DOM,
# a non-blank screenshot written; 1: it did not; 2: no chromium or no report.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "check-report-renders: $chromium not found (apt-get install -y chromium)" >&2
  exit 2
fi
report=${1:-$(find "$here/target" -name report.html -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-)}
if [ -z "$report" ] || [ ! -f "$report" ]; then
  echo "check-report-renders: no report.html given or found under $here/target" >&2
  exit 2
fi
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
shot=${2:-${report%.html}.png}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# Every host name resolves to nothing: the page must not need the network.
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --hide-scrollbars
       --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile")

dom=$(timeout 60 "$chromium" "${flags[@]}" --dump-dom "file://$report" 2>/dev/null)
svgs=$(grep -o '<svg ' <<<"$dom" | wc -l)
lines=$(grep -o '<polyline ' <<<"$dom" | wc -l)
title=$(grep -o '<h1>[^<]*' <<<"$dom" | head -1 | sed 's/<h1>//')
echo "DOM: title '$title', $svgs charts, $lines lines"
if [ "$svgs" -lt 1 ] || [ "$lines" -lt 1 ]; then
  echo "check-report-renders: FAILED: no chart in the rendered DOM of $report" >&2
  exit 1
fi

timeout 60 "$chromium" "${flags[@]}" --window-size=1200,2200 --screenshot="$shot" "file://$report" >/dev/null 2>&1 || true
if [ ! -s "$shot" ]; then
  echo "check-report-renders: FAILED: no screenshot written" >&2
  exit 1
fi
size=$(stat -c %s "$shot")
# A blank page compresses to a few kilobytes; a page of charts and tables does not.
if [ "$size" -lt 30000 ]; then
  echo "check-report-renders: FAILED: screenshot $shot is only $size bytes (blank page?)" >&2
  exit 1
fi
echo "OK: $report renders ($svgs charts); screenshot $shot ($size bytes)"

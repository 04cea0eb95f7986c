#!/usr/bin/env bash
# Load on the feed: wrk against a running daemon (release build) whose store holds N events (default 100,000).
#   Benchmarks/feed.sh [N] [seconds]
# Runs three loads of `seconds` (default 20) each, 2 threads and 16 connections:
#   ical     pages of 500 events in iCalendar, the page index rotating over the first 10,000 results;
#   json     the same pages in Kaltura's JSON;
#   304      the first page again with its ETag in If-None-Match (a device polling an unchanged schedule).
# Prints requests/s and latency percentiles (p50, p99) of each, and the daemon's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
seconds=${2:-20}
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q wrk; }
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q time; }
swift build -c release --product scheduledrop >/dev/null
binary=$PWD/.build/release/scheduledrop
work=$(mktemp -d)
daemon=""
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; rm -rf "$work"' EXIT

python3 Benchmarks/generate_events.py "$n" > "$work/events.ics"
"$binary" ingest --data "$work/data" --partner 1 "$work/events.ics" > /dev/null 2>&1
token=benchmark-token
cat > "$work/config.yaml" <<YAML
dataDirectory: $work/data
log: { format: json }
folders:
  - id: drop
    path: $work/drop
    partnerId: 1
events: { horizonRefreshHours: 1000 }
feed:
  port: 0
  tokens:
    - partnerId: 1
      sha256: $(printf %s "$token" | sha256sum | cut -d' ' -f1)
YAML
/usr/bin/time -v -o "$work/time.txt" "$binary" run --config "$work/config.yaml" > "$work/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 1 300); do
  port=$(grep -o '"msg":"feed listening","address":"127.0.0.1:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/daemon.log"; exit 1; }
base="http://127.0.0.1:$port/api_v3/service/schedule_scheduleevent/action/list"
count=$(curl -s "$base?format=1&ks=$token&pager%5BpageSize%5D=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
echo "store: $count events listed; pages of 500 over the first 10,000"

cat > "$work/pages.lua" <<'LUA'
local page = 0
request = function()
  page = page % 20 + 1
  return wrk.format("GET", wrk.path .. "/pager:pageIndex/" .. page)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.1f  p50 %.2f ms  p99 %.2f ms  errors %d  bytes/request %.0f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.bytes / summary.requests))
end
LUA
cat > "$work/same.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.1f  p50 %.2f ms  p99 %.2f ms  non-304 or errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
LUA
for format in ical 1; do
  label=$([ "$format" = ical ] && echo ical || echo json)
  printf '%-5s ' "$label"
  wrk -t2 -c16 -d"${seconds}s" -s "$work/pages.lua" "$base/format/$format/ks/$token/pager:pageSize/500" | grep RESULT | sed 's/RESULT //'
done
first="$base/format/ical/ks/$token/pager:pageSize/500"
etag=$(curl -s -D - -o /dev/null "$first" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$first")
printf '304   '
wrk -t2 -c16 -d"${seconds}s" -s "$work/same.lua" -H "If-None-Match: $etag" "$first" | grep RESULT | sed 's/RESULT //'
echo "      (a poll with the ETag answers $status)"
pkill -TERM -P "$daemon"
wait "$daemon" || true
daemon=""
echo "daemon peak RSS: $(awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$work/time.txt")"

#!/usr/bin/env bash
# Ingestion throughput and peak memory: generates N single events (default 10000) in one .ics file,
# ingests it with `scheduledrop ingest` (release build) into a fresh store, and prints events/s and
# peak RSS. Usage: Benchmarks/ingest.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q time; }
swift build -c release --product scheduledrop >/dev/null
binary=.build/release/scheduledrop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 10000
for n in "$@"; do
  python3 Benchmarks/generate_events.py "$n" > "$work/events-$n.ics"
  bytes=$(stat -c %s "$work/events-$n.ics")
  rm -rf "$work/data"
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/time-$n.txt" "$binary" ingest --data "$work/data" --json "$work/events-$n.ics" > "$work/report-$n.json" 2>/dev/null
  end=$(date +%s.%N)
  added=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['added'])" "$work/report-$n.json")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n.txt")
  python3 - "$n" "$added" "$bytes" "$start" "$end" "$rss" <<'PY'
import sys
n, added, size, start, end, rss = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
seconds = end - start
assert added == n, f"expected {n} events added, the report says {added}"
print(f"events={n} file={size/1e6:.1f}MB seconds={seconds:.2f} events_per_s={n/seconds:,.0f} MB_per_s={size/1e6/seconds:.1f} peak_rss={rss/1024:.1f}MiB")
PY
done

#!/usr/bin/env bash
# Ingestion throughput and peak memory of `scheduledrop ingest` (release build) into a fresh store.
#   Benchmarks/ingest.sh [ics|csv] [N ...]
# ics: N single events in one .ics file (default 10000); csv: a resource CSV of N rows (default 50000).
# Prints items/s, MB/s and peak RSS for each N.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=ics
case "${1:-}" in ics|csv) kind=$1; shift ;; esac
if [ $# -eq 0 ]; then
  if [ "$kind" = csv ]; then set -- 50000; else set -- 10000; fi
fi
generator=Benchmarks/generate_events.py
[ "$kind" = csv ] && generator=Benchmarks/generate_resources.py
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q time; }
swift build -c release --product scheduledrop >/dev/null
binary=.build/release/scheduledrop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "$@"; do
  input="$work/input-$n.$kind"
  python3 "$generator" "$n" > "$input"
  bytes=$(stat -c %s "$input")
  rm -rf "$work/data"
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/time-$n.txt" "$binary" ingest --data "$work/data" --json "$input" > "$work/report-$n.json" 2>/dev/null
  end=$(date +%s.%N)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n.txt")
  python3 - "$kind" "$n" "$work/report-$n.json" "$bytes" "$start" "$end" "$rss" <<'PY'
import json, sys
kind, n, report, size, start, end, rss = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
counts = json.load(open(report))["counts"]
assert counts["rejected"] == 0 and counts["added"] == n, f"expected {n} items added and none rejected, the report says {counts}"
seconds = end - start
unit = "events" if kind == "ics" else "rows"
print(f"{unit}={n} file={size/1e6:.1f}MB seconds={seconds:.2f} {unit}_per_s={n/seconds:,.0f} MB_per_s={size/1e6/seconds:.1f} peak_rss={rss/1024:.1f}MiB")
PY
done

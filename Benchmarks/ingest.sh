#!/usr/bin/env bash
# Ingestion throughput and peak memory of `scheduledrop ingest` (release build) into a fresh store.
#   Benchmarks/ingest.sh [ics|series|csv] [N ...]
# ics: N single events in one .ics file (default 10000); series: N weekly series of 14 occurrences each
# (default 1000); csv: a resource CSV of N rows (default 50000).
# Prints items/s, MB/s, occurrences stored and peak RSS for each N.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=ics
case "${1:-}" in ics|series|csv) kind=$1; shift ;; esac
if [ $# -eq 0 ]; then
  case "$kind" in csv) set -- 50000 ;; series) set -- 1000 ;; *) set -- 10000 ;; esac
fi
case "$kind" in
  csv) generate() { python3 Benchmarks/generate_resources.py "$1"; } ;;
  series) generate() { python3 Benchmarks/generate_events.py "$1" series; } ;;
  *) generate() { python3 Benchmarks/generate_events.py "$1"; } ;;
esac
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q time; }
swift build -c release --product scheduledrop >/dev/null
binary=.build/release/scheduledrop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "$@"; do
  extension=ics
  [ "$kind" = csv ] && extension=csv
  input="$work/input-$n.$extension"
  generate "$n" > "$input"
  bytes=$(stat -c %s "$input")
  rm -rf "$work/data"
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/time-$n.txt" "$binary" ingest --data "$work/data" --json "$input" > "$work/report-$n.json" 2>/dev/null
  end=$(date +%s.%N)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n.txt")
  python3 - "$kind" "$n" "$work/report-$n.json" "$bytes" "$start" "$end" "$rss" <<'PY'
import json, sys
kind, n, report, size, start, end, rss = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
document = json.load(open(report))
counts = document["counts"]
assert counts["rejected"] == 0 and counts["added"] == n, f"expected {n} items added and none rejected, the report says {counts}"
occurrences = sum(item.get("occurrences", {}).get("added", 0) for item in document["items"])
seconds = end - start
unit = {"ics": "events", "series": "series", "csv": "rows"}[kind]
print(f"{unit}={n} occurrences={occurrences} file={size/1e6:.1f}MB seconds={seconds:.2f} {unit}_per_s={n/seconds:,.0f} "
      f"rows_written_per_s={(n + occurrences)/seconds:,.0f} MB_per_s={size/1e6/seconds:.1f} peak_rss={rss/1024:.1f}MiB")
PY
done

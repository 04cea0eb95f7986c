#!/usr/bin/env bash
# Ingest at scale, against libical's parse alone, in one run:
#   Benchmarks/ingest-scale.sh [N ...]        (default 10000 30000 100000 300000)
# For each N: the shared generator's calendar (../shared/tools/gen_ics.py --events N --seed 20240101, its
# X-KALTURA-TYPE:3 lines made 1 so that no event is a blackout), its resources 1…49 made first with a resource CSV
# (so every X-KALTURA-RESOURCE-IDS is known), then one `scheduledrop ingest --partner 123` of the calendar into that
# fresh store (release build) under /usr/bin/time. Prints seconds, stored rows (events: series, occurrences and
# single events) per second, peak RSS and the store's bytes per stored row (everything in it, reports included), and
# the seconds of re-ingesting the same file (a copy under another name: every item unchanged) and their share of the
# first; then libical's parse-only time on the 100,000-event file (../shared/tools/peers/bench_libical.c, median of 3)
# and the ratio of ours to it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 10000 30000 100000 300000
source Benchmarks/peer-prerequisites.sh
swift build -c release --product scheduledrop >/dev/null
binary=$PWD/.build/release/scheduledrop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/bench_libical" "$tools/peers/bench_libical.c" $(pkg-config --cflags --libs libical)
{
  echo "*action,name,type,systemName"
  for id in $(seq 1 49); do echo "1,Room $id,location,room-$id"; done
} > "$work/resources.csv"

ours_100k=""
for n in "$@"; do
  python3 "$tools/gen_ics.py" --events "$n" --seed 20240101 -o "$work/raw.ics" 2>/dev/null
  sed 's/^X-KALTURA-TYPE:3\r$/X-KALTURA-TYPE:1\r/' "$work/raw.ics" > "$work/events-$n.ics"
  rm -f "$work/raw.ics"
  data="$work/data-$n"
  "$binary" ingest --data "$data" --partner 123 "$work/resources.csv" > /dev/null 2>&1
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$binary" ingest --data "$data" --partner 123 --json "$work/events-$n.ics" \
    > "$work/report.json" 2>/dev/null || true
  end=$(date +%s.%N)
  stored=$(python3 -c 'import os, sys; print(sum(os.path.getsize(sys.argv[1] + s) for s in ("", "-wal") if os.path.exists(sys.argv[1] + s)))' \
    "$data/scheduledrop.sqlite")
  cp "$work/events-$n.ics" "$work/again-$n.ics"
  again_start=$(date +%s.%N)
  "$binary" ingest --data "$data" --partner 123 --json "$work/again-$n.ics" > "$work/again.json" 2>/dev/null || true
  again_end=$(date +%s.%N)
  line=$(python3 - "$n" "$work/report.json" "$data/scheduledrop.sqlite" "$start" "$end" "$(cat "$work/rss")" \
    "$(stat -c %s "$work/events-$n.ics")" "$stored" "$work/again.json" "$again_start" "$again_end" <<'PY'
import json, os, sqlite3, sys
n, report, store, start, end, rss, size, stored, again, again_start, again_end = sys.argv[1:]
seconds = float(end) - float(start)
counts = json.load(open(report))["counts"]
connection = sqlite3.connect(store)
rows = connection.execute("SELECT count(*) FROM events").fetchone()[0]
connection.close()
again_counts = json.load(open(again))["counts"]
items = sum(counts[result] for result in ("added", "updated", "cancelled", "deleted", "unchanged", "rejected"))
assert again_counts["unchanged"] + again_counts["rejected"] == items, f"a re-ingest changed something: {again_counts}"
again_seconds = float(again_end) - float(again_start)
print(f"events={n} file={int(size) / 1e6:.1f}MB seconds={seconds:.2f} rows={rows} rows_per_s={rows / seconds:,.0f} "
      f"peak_rss={int(rss) / 1024:.0f}MiB store_bytes_per_row={int(stored) / max(rows, 1):,.0f} "
      f"added={counts['added']} rejected={counts['rejected']} conflicts={len(json.load(open(report)).get('conflicts', []))} "
      f"reingest_seconds={again_seconds:.2f} reingest_share={again_seconds / seconds:.0%}")
PY
)
  echo "$line"
  [ "$n" != 100000 ] || ours_100k=$(echo "$line" | sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p')
  [ "$n" != 100000 ] || cp "$work/events-$n.ics" "$work/libical.ics"
  rm -rf "$data" "$work/events-$n.ics" "$work/again-$n.ics" "$work/report.json" "$work/again.json"
done

if [ -f "$work/libical.ics" ]; then
  for _ in 1 2 3; do "$work/bench_libical" "$work/libical.ics" parse; done > "$work/libical.out"
  python3 - "$work/libical.out" "$ours_100k" <<'PY'
import statistics, sys
parse = statistics.median(float(dict(part.split("=", 1) for part in line.split())["parse_s"]) for line in open(sys.argv[1]))
ours = float(sys.argv[2])
print(f"libical parse only, 100000 events: {parse:.2f} s; ours end to end: {ours:.2f} s; ratio ours/libical {ours / parse:.1f}")
PY
else
  echo "libical: no 100000-event run in this one; give 100000 among the sizes for the ratio"
fi

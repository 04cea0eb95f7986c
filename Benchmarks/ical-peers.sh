#!/usr/bin/env bash
# The ICalendar module against its peers on one generated calendar, in one run:
#   Benchmarks/ical-peers.sh [EVENTS] [--no-python]
# Generates ../shared/tools/gen_ics.py --events EVENTS (default 100000) --seed 20240101, then runs
#   ours:    .build/release/ical-bench (parse + walk every VEVENT, expand 2025 for every event)
#   libical: ../shared/tools/peers/bench_libical.c (Debian libical-dev), modes walk and expand
#   python:  ../shared/tools/peers/bench_py.py (icalendar + recurring-ical-events), walk and expand
# each under /usr/bin/time for peak RSS (ours and libical: median time of 3 runs), and prints a
# table with the ratios. Installs libical-dev, time and the Python packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-100000}
python=yes
[ "${2:-}" = --no-python ] && python=no
source Benchmarks/peer-prerequisites.sh
[ $python = no ] || python3 -c "import icalendar, recurring_ical_events" 2>/dev/null \
  || python3 -m pip install -q -r "$tools/requirements-oracle.txt"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$tools/gen_ics.py" --events "$events" --seed 20240101 -o "$work/big.ics" 2>/dev/null
cc -O2 -o "$work/bench_libical" "$tools/peers/bench_libical.c" $(pkg-config --cflags --libs libical)
swift build -c release --product ical-bench >/dev/null

# run NAME COMMAND...: runs under /usr/bin/time, appends "NAME<TAB>output<TAB>peak KiB" to results.
run() {
  local name=$1; shift
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out"
  printf '%s\t%s\t%s\n' "$name" "$(cat "$work/out")" "$(cat "$work/rss")" >> "$work/results"
}
for _ in 1 2 3; do
  run ours .build/release/ical-bench "$work/big.ics" 20250101 20260101
  run libical-walk "$work/bench_libical" "$work/big.ics" walk
  run libical-expand "$work/bench_libical" "$work/big.ics" expand 20250101T000000Z 20260101T000000Z
done
if [ $python = yes ]; then
  run python-walk python3 "$tools/peers/bench_py.py" "$work/big.ics" walk
  run python-expand python3 "$tools/peers/bench_py.py" "$work/big.ics" expand 2025-01-01 2026-01-01
fi

python3 - "$work/results" "$(stat -c %s "$work/big.ics")" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, out, rss = line.rstrip("\n").split("\t")
    fields = dict(part.split("=", 1) for part in out.split())
    rows.setdefault(name, []).append((fields, int(rss)))
size = int(sys.argv[2])
def median(name, key):
    return statistics.median(float(f[key]) for f, _ in rows[name])
def peak(name):
    return max(r for _, r in rows[name]) / 1024
ours_parse = median("ours", "parse_walk_s")
ours_expand = median("ours", "expand_s")
print(f"file: {size / 1e6:.1f} MB, {rows['ours'][0][0]['vevents']} VEVENTs; window 2025-01-01..2026-01-01 (UTC)")
print(f"{'tool':<28}{'parse+walk s':>14}{'MB/s':>9}{'expand s':>10}{'occurrences':>13}{'peak RSS MiB':>14}")
print(f"{'ours (ICalendar)':<28}{ours_parse:>14.3f}{size / 1e6 / ours_parse:>9.1f}{ours_expand:>10.3f}"
      f"{rows['ours'][0][0]['occurrences']:>13}{peak('ours'):>14.1f}")
peers = [("libical 3 (Debian)", "libical-walk", "libical-expand")]
if "python-walk" in rows:
    peers.append(("python icalendar + r-i-e", "python-walk", "python-expand"))
for label, walk, expand in peers:
    parse = median(walk, "parse_s") + median(walk, "walk_s")
    exp = median(expand, "expand_s")
    print(f"{label:<28}{parse:>14.3f}{size / 1e6 / parse:>9.1f}{exp:>10.3f}{rows[expand][0][0]['occurrences']:>13}"
          f"{max(peak(walk), peak(expand)):>14.1f}")
    print(f"  ratio {label} / ours: parse+walk {parse / ours_parse:.1f}x, expand {exp / ours_expand:.1f}x,"
          f" peak RSS {max(peak(walk), peak(expand)) / peak('ours'):.1f}x")
PY

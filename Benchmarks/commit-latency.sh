#!/usr/bin/env bash
# How long a small file waits for its commit while another folder's large file is being ingested:
#   Benchmarks/commit-latency.sh [N]        (default 100000)
# The release daemon watches two local folders of partner 123 (a file is stable after 1 s unchanged). The shared
# generator's N-event calendar (../shared/tools/gen_ics.py, its X-KALTURA-TYPE:3 lines made 1; its resources 1…49
# made first) is dropped into one; once its job has started and run 2 s, a one-event calendar is dropped into the
# other. Prints the large job's seconds, and the seconds from the small file's drop to its commit (its stability
# check included), and whether it was committed before the large file.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
source Benchmarks/peer-prerequisites.sh
swift build -c release --product scheduledrop >/dev/null
binary=$PWD/.build/release/scheduledrop
work=$(mktemp -d)
daemon=""
trap '[ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/big" "$work/small"
{
  echo "*action,name,type,systemName"
  for id in $(seq 1 49); do echo "1,Room $id,location,room-$id"; done
} > "$work/resources.csv"
"$binary" ingest --data "$work/data" --partner 123 "$work/resources.csv" > /dev/null 2>&1
python3 "$tools/gen_ics.py" --events "$n" --seed 20240101 -o "$work/raw.ics" 2>/dev/null
sed 's/^X-KALTURA-TYPE:3\r$/X-KALTURA-TYPE:1\r/' "$work/raw.ics" > "$work/big.ics.part"
rm -f "$work/raw.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:small-1\r\nDTSTART:20270101T090000Z\r\nDTEND:20270101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
  > "$work/small.ics.part"
cat > "$work/config.yaml" <<EOF
dataDirectory: $work/data
log: { format: json }
feed: { enabled: false }
folders:
  - { id: big, path: $work/big, partnerId: 123, fileSizeCheckInterval: 1, pollInterval: 5 }
  - { id: small, path: $work/small, partnerId: 123, fileSizeCheckInterval: 1, pollInterval: 5 }
EOF
"$binary" run --config "$work/config.yaml" > "$work/daemon.log" 2>&1 &
daemon=$!
python3 - "$work" <<'PY'
import os, sqlite3, sys, time
work = sys.argv[1]
log, store = os.path.join(work, "daemon.log"), os.path.join(work, "data", "scheduledrop.sqlite")

def wait(what, condition, timeout=1800):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting until {what}")
        time.sleep(0.02)

def logged(text):
    return lambda: text in open(log).read()

def state(folder):
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        row = connection.execute("SELECT state FROM files WHERE folder_id = ? ORDER BY id DESC LIMIT 1", (folder,)).fetchone()
        return row[0] if row else None
    finally:
        connection.close()

wait("the daemon starts", logged("scheduledrop started"), 60)
os.rename(os.path.join(work, "big.ics.part"), os.path.join(work, "big", "big.ics"))
wait("the large job starts", logged('"msg":"job started"'))
big_started = time.monotonic()
time.sleep(2)
os.rename(os.path.join(work, "small.ics.part"), os.path.join(work, "small", "small.ics"))
dropped = time.monotonic()
small_done = big_done = None
while small_done is None or big_done is None:
    now = time.monotonic()
    if small_done is None and state("small") == "handled":
        small_done = now
    if big_done is None and state("big") == "handled":
        big_done = now
    if now - dropped > 1800:
        sys.exit("timed out waiting for both commits")
    time.sleep(0.02)
print(f"large file ({os.path.getsize(os.path.join(work, 'big', 'big.ics')) / 1e6:.1f} MB): its job took about "
      f"{big_done - big_started:.1f} s; small file: committed {small_done - dropped:.1f} s after its drop "
      f"(1 s of it the stability check), {'before' if small_done < big_done else 'after'} the large file")
PY

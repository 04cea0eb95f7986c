#!/usr/bin/env bash
# How long a small file waits for its commit while another folder's large file is being ingested:
#   Benchmarks/commit-latency.sh [N] [--postgres] [--other-partner]        (default 100000)
# With --postgres the daemon's store is a throwaway PostgreSQL server's (Tests/Servers/postgres.sh) instead of SQLite;
# with --other-partner the small file's folder belongs to partner 124 (on PostgreSQL, a partner's files commit one at a
# time, other partners' beside them).
# The release daemon watches two local folders of partner 123 (a file is stable after 1 s unchanged). The shared
# generator's N-event calendar (../shared/tools/gen_ics.py, its X-KALTURA-TYPE:3 lines made 1; its resources 1…49
# made first) is dropped into one; once its job has started and run 2 s, a one-event calendar is dropped into the
# other. Prints the large job's seconds, and the seconds from the small file's drop to its commit (its stability
# check included), and whether it was committed before the large file.
set -euo pipefail
cd "$(dirname "$0")/.."
n=100000
postgres=""
small_partner=123
for argument in "$@"; do
  case "$argument" in
  --postgres) postgres=1 ;;
  --other-partner) small_partner=124 ;;
  *) n=$argument ;;
  esac
done
source Benchmarks/peer-prerequisites.sh
swift build -c release --product scheduledrop >/dev/null
binary=$PWD/.build/release/scheduledrop
work=$(mktemp -d)
daemon=""
trap '[ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true; [ -z "$postgres" ] || Tests/Servers/postgres.sh stop "$work/pg"; rm -rf "$work"' EXIT
store=""
if [ -n "$postgres" ]; then
  chmod 755 "$work"
  mkdir -p "$work/pg"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  Tests/Servers/postgres.sh start "$work/pg" "$port"
  Tests/Servers/postgres.sh createdb "$work/pg" "$port" latency
  store="store: postgresql://scheduledrop@127.0.0.1:$port/latency"
  export SCHEDULEDROP_STORE_PASSWORD=test-secret PGPASSWORD=test-secret
fi
mkdir -p "$work/big" "$work/small"
{
  echo "*action,name,type,systemName"
  for id in $(seq 1 49); do echo "1,Room $id,location,room-$id"; done
} > "$work/resources.csv"
printf '%s\n' "$store" > "$work/store.yaml"
"$binary" ingest --config "$work/store.yaml" --data "$work/data" --partner 123 "$work/resources.csv" > /dev/null 2>&1
python3 "$tools/gen_ics.py" --events "$n" --seed 20240101 -o "$work/raw.ics" 2>/dev/null
sed 's/^X-KALTURA-TYPE:3\r$/X-KALTURA-TYPE:1\r/' "$work/raw.ics" > "$work/big.ics.part"
rm -f "$work/raw.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:small-1\r\nDTSTART:20270101T090000Z\r\nDTEND:20270101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
  > "$work/small.ics.part"
cat > "$work/config.yaml" <<EOF
dataDirectory: $work/data
$store
log: { format: json }
feed: { enabled: false }
folders:
  - { id: big, path: $work/big, partnerId: 123, fileSizeCheckInterval: 1, pollInterval: 5 }
  - { id: small, path: $work/small, partnerId: $small_partner, fileSizeCheckInterval: 1, pollInterval: 5 }
EOF
"$binary" run --config "$work/config.yaml" > "$work/daemon.log" 2>&1 &
daemon=$!
python3 - "$work" "${port:-}" <<'PY'
import os, sqlite3, subprocess, sys, time
work, port = sys.argv[1], sys.argv[2]
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
    if port:
        sql = f"SELECT state FROM files WHERE folder_id = '{folder}' ORDER BY id DESC LIMIT 1"
        output = subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "scheduledrop", "-d", "latency", "-Atc", sql],
                                capture_output=True, text=True).stdout.strip()
        return output or None
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

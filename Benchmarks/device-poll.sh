#!/usr/bin/env bash
# A capture device's poll against a running daemon (release build), then Benchmarks/feed.sh, in one run.
#   Benchmarks/device-poll.sh [N] [resources] [seconds]
# Seeds a store with N events (default 100,000) spread over the coming year on R resources (default 50), each event
# on one resource, and loads it with wrk (2 threads, 16 connections, `seconds`, default 10) with the typical device
# call: one resource by `resourceIdsLike` (rotating over the resources) or `resourceIdEqual`, the next 7 days,
# `format=ical`, `KalturaRecordScheduleEventFilter`, no If-None-Match (every request reads the store), with the KS a
# device gets by the seed's flow (an app token with setrole:CAPTURE_DEVICE_ROLE, a widget session, appToken.startSession),
# so every request also checks a v2 KS.
# Prints requests/s, latency p50 and p99, the daemon's peak RSS, then feed.sh's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
resources=${2:-50}
seconds=${3:-10}
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q wrk; }
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q time; }
swift build -c release --product scheduledrop >/dev/null
binary=$PWD/.build/release/scheduledrop
work=$(mktemp -d)
daemon=""
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; rm -rf "$work"' EXIT

# Resources first, into a new store: their ids are 1…R in the order of the file.
python3 - "$resources" > "$work/resources.csv" <<'PY'
import sys
print("*action,name,type,systemName")
for r in range(1, int(sys.argv[1]) + 1):
    print(f"1,Room {r},location,room-{r}")
PY
"$binary" ingest --data "$work/data" --partner 1 "$work/resources.csv" > /dev/null 2>&1
python3 - "$n" "$resources" > "$work/events.ics" <<'PY'
import sys, time
n, resources = int(sys.argv[1]), int(sys.argv[2])
start = (int(time.time()) // 86400 + 1) * 86400  # from tomorrow, 00:00 UTC
per_day = max(1, n // 365)
out = sys.stdout
out.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//scheduledrop//device-poll//EN\r\n")
for i in range(n):
    day, slot = divmod(i, per_day)
    begin = start + day * 86400 + 7 * 3600 + (slot * 43200) // per_day
    stamp = lambda t: time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
    out.write(
        "BEGIN:VEVENT\r\n"
        f"UID:poll-{i}@example.edu\r\n"
        f"DTSTART:{stamp(begin)}\r\nDTEND:{stamp(begin + 2700)}\r\n"
        f"SUMMARY:Lecture {i}: Introduction to Algorithms\\, part {i % 12}\r\n"
        f"LOCATION:Room {1 + i % resources}\r\n"
        f"X-KALTURA-RESOURCE-IDS:{1 + i % resources}\r\n"
        "END:VEVENT\r\n")
out.write("END:VCALENDAR\r\n")
PY
"$binary" ingest --data "$work/data" --partner 1 "$work/events.ics" > /dev/null 2>&1
secrets=$("$binary" partner add 1 --json --data "$work/data")
cat > "$work/config.yaml" <<YAML
dataDirectory: $work/data
log: { format: json }
folders:
  - id: drop
    path: $work/drop
    partnerId: 1
events: { horizonRefreshHours: 1000 }
feed: { port: 0 }
YAML
/usr/bin/time -v -o "$work/time.txt" "$binary" run --config "$work/config.yaml" > "$work/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 1 300); do
  port=$(grep -o '"msg":"feed listening","address":"127.0.0.1:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/daemon.log"; exit 1; }
# The device's KS, as the seed's device flow makes it.
token=$(python3 - "$port" "$secrets" <<'PY'
import hashlib, json, sys, urllib.parse, urllib.request
port, secrets = sys.argv[1], json.loads(sys.argv[2])
def call(service, action, **parameters):
    body = json.dumps({"format": 1, **parameters}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api_v3/service/{service}/action/{action}", body,
                                     {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
admin = call("session", "start", secret=secrets["adminSecret"], partnerId=1, type=2)
app = call("appToken", "add", ks=admin, appToken={"sessionType": 0, "hashType": "SHA256",
           "sessionPrivileges": "disableentitlement,setrole:CAPTURE_DEVICE_ROLE"})
widget = call("session", "startWidgetSession", widgetId="_1")["ks"]
device = call("appToken", "startSession", ks=widget, id=app["id"],
              tokenHash=hashlib.sha256((widget + app["token"]).encode()).hexdigest())["ks"]
print(urllib.parse.quote(device, safe=""))
PY
)
base="http://127.0.0.1:$port/api_v3/service/schedule_scheduleevent/action/list"
poll="format=ical&ks=$token&filter%5BobjectType%5D=KalturaRecordScheduleEventFilter&filter%5BstartDateGreaterThanOrEqual%5D=0"
poll="$poll&filter%5BstartDateLessThanOrEqual%5D=604800&pager%5BpageSize%5D=500"
total=$(curl -s "$base?format=1&ks=$token&pager%5BpageSize%5D=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
one=$(curl -s "$base?$poll&filter%5BresourceIdsLike%5D=1" | grep -c '^BEGIN:VEVENT' || true)
echo "store: $total events on $resources resources; a poll of one resource over 7 days gives $one events"

cat > "$work/poll.lua" <<LUA
local resource = 0
local field = os.getenv("FIELD")
request = function()
  resource = resource % $resources + 1
  return wrk.format("GET", wrk.path .. "&filter%5B" .. field .. "%5D=" .. resource)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.1f  p50 %.2f ms  p99 %.2f ms  errors %d  bytes/request %.0f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.bytes / summary.requests))
end
LUA
for field in resourceIdsLike resourceIdEqual; do
  printf '%-16s ' "$field"
  FIELD=$field wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/poll.lua" "$base?$poll" | grep RESULT | sed 's/RESULT //'
done
pkill -TERM -P "$daemon"
wait "$daemon" || true
daemon=""
echo "daemon peak RSS: $(awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$work/time.txt")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Benchmarks/feed.sh $n"
Benchmarks/feed.sh "$n"

#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the fleet soak, from Debian's `postgresql` package: initdb in a
# directory of the caller's, listening on 127.0.0.1 only, run as an unprivileged user (`postgres` when called as root).
#
#   postgres.sh start DIR PORT      a new cluster in DIR/data; its superuser is `scheduledrop`, password `test-secret`
#   postgres.sh createdb DIR PORT NAME
#   postgres.sh stop DIR            an immediate stop
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$2
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
case "$1" in
start)
  port=$3
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  printf 'test-secret\n' > "$dir/password"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir/password"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U scheduledrop --auth=scram-sha-256 --pwfile="$dir/password" -E UTF8 \
    --no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
  ;;
createdb)
  PGPASSWORD=test-secret "$bin/createdb" -h 127.0.0.1 -p "$3" -U scheduledrop "$4"
  ;;
stop)
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  ;;
*)
  echo "usage: $0 start DIR PORT | createdb DIR PORT NAME | stop DIR" >&2
  exit 2
  ;;
esac

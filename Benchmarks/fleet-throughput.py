#!/usr/bin/env python3
"""Throughput of one daemon against a fleet on one PostgreSQL store, and the commit latency of a small file:

    Benchmarks/fleet-throughput.py [--files 24] [--events 2000] [--partners 6] [--fleet 3]

Release build. For one daemon, then for --fleet daemons (each run on a new database of one throwaway PostgreSQL
server; the daemons share --partners local drop folders, one per partner): --files calendars of --events events each
are moved into the folders at once (spread over them in turn), and the seconds until all are committed give files/s
and events/s. Then, with the daemons idle, a one-event calendar dropped into one more folder (its own partner) five
times gives its drop-to-commit seconds (its 0.5 s stability check included); and once more while a batch as large
keeps the daemons busy. A partner's files are committed one at a time across the fleet (its transaction lock), so a
fleet gains by partners: --partners 1 shows the other end. The embedded SQLite store, one daemon, runs the same work
first, for reference.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import soaklib  # noqa: E402

SMALL = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:small-{n}\r\nDTSTART:20270101T090000Z\r\n"
    "DTEND:20270101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--partners", type=int, default=6)
    parser.add_argument("--fleet", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "scheduledrop"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "scheduledrop")
    work = tempfile.mkdtemp(prefix="scheduledrop-fleet-bench-")
    os.chmod(work, 0o755)
    server = soaklib.PostgresServer(os.path.join(work, "postgres"))
    with open(os.path.join(work, "password"), "w") as handle:
        handle.write(server.password + "\n")
    batch = [soaklib.calendar(index, 1, args.events) for index in range(1, args.files + 1)]
    try:
        print(
            f"{args.files} files of {args.events} events over {args.partners} partner folder(s); machine: {os.cpu_count()} cores",
            flush=True,
        )
        measure("sqlite", 1, binary, work, server, batch, args)
        one = measure("postgresql", 1, binary, work, server, batch, args)
        many = measure("postgresql", args.fleet, binary, work, server, batch, args)
        print(f"fleet of {args.fleet} against one daemon on PostgreSQL: {one / many:.2f}x the throughput", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def measure(backend, daemons, binary, work, server, batch, args):
    """Runs the batch on `daemons` daemons of `backend`; prints and returns the batch's seconds."""
    name = f"{backend}-{daemons}"
    base = os.path.join(work, name)
    drops = [os.path.join(base, f"drop{index}") for index in range(args.partners)]
    small = os.path.join(base, "small")
    for folder in drops + [small]:
        os.makedirs(folder)
    lines = "".join(
        f"  - {{ id: drop{index}, path: {folder}, partnerId: {10 + index}, fileSizeCheckInterval: 0.5, pollInterval: 2 }}\n"
        for index, folder in enumerate(drops)
    )
    store = ""
    if backend == "postgresql":
        store = f"store: {server.database(name.replace('-', '_'))}\nstorePasswordFile: {work}/password\n"
    processes, logs = [], []
    for index in range(daemons):
        config = os.path.join(base, f"daemon-{index}.yaml")
        with open(config, "w") as handle:
            handle.write(
                f"dataDirectory: {base}/data-{index}\n{store}log: {{ format: json }}\nfeed: {{ enabled: false }}\n"
                f"folders:\n{lines}  - {{ id: small, path: {small}, partnerId: 8, fileSizeCheckInterval: 0.5, pollInterval: 2 }}\n"
            )
        logs.append(open(os.path.join(base, f"daemon-{index}.log"), "ab"))
        processes.append(soaklib.start_daemon(binary, config, logs[-1], base))
    reader = Reader(backend, server, name, base)
    try:
        seconds = run_batch(batch, drops, base, "a", reader)
        per_file = len(batch) / seconds
        print(
            f"{backend}, {daemons} daemon(s): {len(batch)} files in {seconds:.2f} s: {per_file:.2f} files/s, "
            f"{per_file * args.events:.0f} events/s",
            flush=True,
        )
        idle = [small_latency(small, f"idle{n}", reader) for n in range(5)]
        move(stage(batch, base, "b"), drops)
        time.sleep(1)
        busy = small_latency(small, "busy", reader)
        soaklib.wait_for("the second batch is committed", lambda: reader.handled("drop%") >= 2 * len(batch), timeout=3600)
        print(
            f"{backend}, {daemons} daemon(s): a small file's drop to commit: idle median {statistics.median(idle):.2f} s "
            f"(max {max(idle):.2f}), while the daemons ingest a batch {busy:.2f} s",
            flush=True,
        )
        return seconds
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        for log in logs:
            log.close()


def stage(batch, base, tag):
    """Writes the batch's files beside the folder, to be moved in at once."""
    staging = os.path.join(base, f"staging-{tag}")
    os.makedirs(staging)
    paths = []
    for index, text in enumerate(batch):
        path = os.path.join(staging, f"{tag}{index}.ics")
        with open(path, "w") as handle:
            handle.write(text)
        paths.append(path)
    return paths


def move(staged, folders):
    """Moves the staged files into the folders, in turn."""
    for index, path in enumerate(staged):
        os.rename(path, os.path.join(folders[index % len(folders)], os.path.basename(path)))


def run_batch(batch, folders, base, tag, reader):
    staged = stage(batch, base, tag)
    began = time.monotonic()
    move(staged, folders)
    soaklib.wait_for("the batch is committed", lambda: reader.handled("drop%") >= len(batch), timeout=3600)
    return time.monotonic() - began


def small_latency(folder, tag, reader):
    before = reader.handled("small")
    began = time.monotonic()
    soaklib.drop(folder, f"{tag}.ics", SMALL.format(n=tag))
    soaklib.wait_for("the small file is committed", lambda: reader.handled("small") > before, timeout=3600)
    return time.monotonic() - began


class Reader:
    """Counts the handled files of the folders whose id is LIKE a pattern, in the store."""

    def __init__(self, backend, server, name, base):
        self.backend, self.server, self.database, self.base = backend, server, name.replace("-", "_"), base

    def handled(self, folder):
        sql = f"SELECT count(*) FROM files WHERE folder_id LIKE '{folder}' AND state = 'handled'"
        if self.backend == "postgresql":
            return int(self.server.query(self.database, sql)[0][0])
        import sqlite3

        path = os.path.join(self.base, "data-0", "scheduledrop.sqlite")
        if not os.path.exists(path):
            return 0
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()


if __name__ == "__main__":
    main()

"""What the soaks (scripts/crash-soak, scripts/fleet-soak) and the fleet benchmark share: the calendars they drop,
how they drop them, waiting with a bound, the daemon started and awaited, and a throwaway PostgreSQL server."""
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES = os.path.join(ROOT, "Tests", "Servers", "postgres.sh")


def calendar(file_index, version, events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//soak//EN"]
    for event in range(1, events + 1):
        day = 1 + event % 28
        lines += [
            "BEGIN:VEVENT",
            f"UID:f{file_index}-e{event}",
            f"DTSTART;TZID=Europe/Berlin:202701{day:02d}T{8 + event % 10:02d}0000",
            "DURATION:PT1H",
            f"SUMMARY:File {file_index} v{version} event {event}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def drop(folder, name, text):
    """Writes as an uploader does: a temporary name, then a rename into place."""
    temporary = os.path.join(folder, f".{name}.part")
    with open(temporary, "w") as handle:
        handle.write(text)
    os.rename(temporary, os.path.join(folder, name))


def fail(message, who="soak"):
    print(f"{who}: FAILED: {message}", flush=True)
    sys.exit(1)


def wait_for(what, condition, timeout=120, who="soak"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    fail(f"timed out waiting until {what}", who)


def start_daemon(binary, config, log, cwd, environment=None):
    """Starts `scheduledrop run` with its output appended to `log` (an open file) and waits until it says it started."""
    started = log.tell()
    process = subprocess.Popen(
        [binary, "run", "--config", config], stdout=log, stderr=log, cwd=cwd, env={**os.environ, **(environment or {})}
    )

    def ready():
        log.flush()
        with open(log.name, "rb") as reader:
            reader.seek(started)
            return b"scheduledrop started" in reader.read()

    wait_for("the daemon starts", ready, timeout=60)
    return process


class PostgresServer:
    """A throwaway PostgreSQL server on a free loopback port in `directory` (Tests/Servers/postgres.sh)."""

    password = "test-secret"

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        subprocess.run([POSTGRES, "start", directory, str(self.port)], check=True)

    def database(self, name):
        """A new database; returns its store URL."""
        subprocess.run([POSTGRES, "createdb", self.directory, str(self.port), name], check=True)
        return f"postgresql://scheduledrop@127.0.0.1:{self.port}/{name}"

    def query(self, database, sql):
        """The rows of `sql` as lists of text (psql's unaligned output)."""
        output = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "scheduledrop", "-d", database, "-At", "-F", "\t", "-c", sql],
            env={**os.environ, "PGPASSWORD": self.password},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [line.split("\t") for line in output.splitlines()]

    def stop(self):
        subprocess.run([POSTGRES, "stop", self.directory], check=False)

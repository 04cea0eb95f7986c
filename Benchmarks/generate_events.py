#!/usr/bin/env python3
"""Writes a VCALENDAR of N events (deterministic) to standard output, as a partner's export would look.

usage: generate_events.py N [series]
With `series`, each event is a weekly series of 15 lectures with the third week off (an EXDATE):
14 occurrences each."""
import datetime
import sys

n = int(sys.argv[1])
series = len(sys.argv) > 2 and sys.argv[2] == "series"
out = sys.stdout
out.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//scheduledrop//benchmark//EN\r\n")
for i in range(1, n + 1):
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    hour = 8 + i % 10
    start = f"2027{month:02d}{day:02d}T{hour:02d}0000"
    recurrence = ""
    if series:
        holiday = datetime.date(2027, month, day) + datetime.timedelta(weeks=2)
        recurrence = f"RRULE:FREQ=WEEKLY;COUNT=15\r\nEXDATE;TZID=Europe/Berlin:{holiday:%Y%m%d}T{hour:02d}0000\r\n"
    out.write(
        "BEGIN:VEVENT\r\n"
        f"UID:bench-{i}@example.edu\r\n"
        "DTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{start}\r\n"
        f"DTEND;TZID=Europe/Berlin:2027{month:02d}{day:02d}T{hour:02d}4500\r\n"
        f"{recurrence}"
        f"SUMMARY:Lecture {i}: Introduction to Algorithms\\, part {i % 12}\r\n"
        f"LOCATION:Building {i % 7}\\, Room {i % 40}\r\n"
        "DESCRIPTION:Recorded lecture. Slides and the handout are on the course page\r\n"
        "  for everyone enrolled.\r\n"
        "END:VEVENT\r\n"
    )
out.write("END:VCALENDAR\r\n")

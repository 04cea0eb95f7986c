#!/usr/bin/env python3
"""Expands an iCalendar file with the independent library recurring-ical-events (3.8.2).

    expand_series.py CALENDAR.ics OUTPUT.jsonl

Writes one JSON object per line to OUTPUT, per occurrence, in order of start: its UID, its start and end as seconds since 1970,
and its RECURRENCE-ID as seconds since 1970 (or null). Floating times are read as UTC; the calendar's
VTIMEZONEs give every TZID. The window is 1970 to 2200, so the calendars given must end.
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events

UTC = datetime.timezone.utc


def seconds(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    return int(datetime.datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp())


with open(sys.argv[1], "rb") as source:
    calendar = icalendar.Calendar.from_ical(source.read())
events = recurring_ical_events.of(calendar).between((1970, 1, 1), (2200, 1, 1))
rows = []
for event in events:
    recurrence_id = event.get("RECURRENCE-ID")
    rows.append(
        {
            "uid": str(event["UID"]),
            "start": seconds(event["DTSTART"].dt),
            "end": seconds(event["DTEND"].dt),
            "recurrenceId": seconds(recurrence_id.dt) if recurrence_id is not None else None,
        }
    )
rows.sort(key=lambda row: (row["start"], row["uid"]))
with open(sys.argv[2], "w") as output:
    for row in rows:
        output.write(json.dumps(row) + "\n")

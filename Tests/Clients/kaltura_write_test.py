#!/usr/bin/env python3
"""Writes the schedule call by call with Kaltura's own Python client (KalturaApiClient) against a running scheduledrop.

Starts the daemon built at the given path (horizon 800 days, so next year's March is in it) with partner tokens 5
and 9, then as partner 5: registers a room and a camera under it and reads them back with their types; adds a weekly
series in Europe/Berlin with COUNT=6 across the March DST change and checks every occurrence starts at 09:00 Berlin
time; moves the series by an hour and checks the occurrences follow (same ids, 10:00 Berlin); cancels one occurrence
(detached as an exception; the series keeps it cancelled when updated again); links the camera to the series, lists,
reads and removes the link; adds an event and links it in one multirequest ({1:result:id}); refuses an event that ends before it starts and one on an unknown resource with the
codes a file's report gives; then as partner 9 finds none of it (get, update, cancel, delete, links); finally deletes
the series and finds its occurrences gone from the listing. Exits non-zero on the first failed check.
"""
import datetime
import os
import sys
import tempfile
from zoneinfo import ZoneInfo

from KalturaClient.Plugins.Core import KalturaFilterPager
from KalturaClient.Plugins.Schedule import (
    KalturaCameraScheduleResource,
    KalturaLiveEntryScheduleResource,
    KalturaLocationScheduleResource,
    KalturaRecordScheduleEvent,
    KalturaScheduleEventFilter,
    KalturaScheduleEventRecurrence,
    KalturaScheduleEventRecurrenceFrequency,
    KalturaScheduleEventRecurrenceType,
    KalturaScheduleEventResource,
    KalturaScheduleEventResourceFilter,
    KalturaScheduleEventStatus,
)

from kaltura_client_test import REPO, check, client_for, refused, start, stop
import kaltura_client_test

BERLIN = ZoneInfo("Europe/Berlin")


def march_series_start():
    """09:00 Berlin on the Monday two weeks before the last Sunday of the first March at least a month ahead."""
    today = datetime.date.today()
    year = today.year if today < datetime.date(today.year, 2, 1) else today.year + 1
    last_sunday = max(datetime.date(year, 3, day) for day in range(25, 32) if datetime.date(year, 3, day).weekday() == 6)
    monday = last_sunday - datetime.timedelta(days=13)
    return datetime.datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=BERLIN)


def occurrences(client, series_id):
    listed = client.schedule.scheduleEvent.list(KalturaScheduleEventFilter(parentIdEqual=series_id), KalturaFilterPager(pageSize=500))
    return sorted(listed.objects, key=lambda event: event.startDate)


def berlin_clock(event):
    return datetime.datetime.fromtimestamp(event.startDate, BERLIN).strftime("%H:%M")


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/scheduledrop")
    work = tempfile.mkdtemp(prefix="scheduledrop-write-")
    process, port, tokens = start(binary, work, extra="events:\n  maxSeriesDays: 800\n  horizonDays: 800\n")
    try:
        five = client_for(port, tokens["five"])
        nine = client_for(port, tokens["nine"])

        # A room and a camera in it, registered as a device would, and read back with their types.
        room = five.schedule.scheduleResource.add(KalturaLocationScheduleResource(name="Hall 1", systemName="hall-1"))
        camera = five.schedule.scheduleResource.add(
            KalturaCameraScheduleResource(name="Hall 1 front", systemName="hall-1-front", parentId=room.id)
        )
        check(isinstance(room, KalturaLocationScheduleResource) and room.id > 0, "the room is added as a location")
        check(isinstance(camera, KalturaCameraScheduleResource) and camera.parentId == room.id, "the camera is added under the room")
        read = five.schedule.scheduleResource.get(camera.id)
        check(isinstance(read, KalturaCameraScheduleResource) and read.name == "Hall 1 front", "the camera reads back as a camera")
        check(isinstance(five.schedule.scheduleResource.get(room.id), KalturaLocationScheduleResource), "the room reads back as a location")
        stream = five.schedule.scheduleResource.add(KalturaLiveEntryScheduleResource(name="Hall 1 stream", systemName="hall-1-live", parentId=room.id))
        check(isinstance(five.schedule.scheduleResource.get(stream.id), KalturaLiveEntryScheduleResource), "a live entry reads back as one")
        renamed = five.schedule.scheduleResource.update(camera.id, KalturaCameraScheduleResource(name="Hall 1 lectern"))
        check(renamed.name == "Hall 1 lectern" and renamed.parentId == room.id, "an update changes only what it sends")
        refused(
            "resource.duplicateSystemName", "a second room with the same system name",
            lambda: five.schedule.scheduleResource.add(KalturaLocationScheduleResource(name="Again", systemName="hall-1")),
        )
        refused(
            "resource.parentCycle", "a room under itself",
            lambda: five.schedule.scheduleResource.update(room.id, KalturaLocationScheduleResource(parentId=room.id)),
        )
        refused(
            "resource.parentKind", "a room under a camera",
            lambda: five.schedule.scheduleResource.add(KalturaLocationScheduleResource(name="Odd", systemName="odd", parentId=camera.id)),
        )

        # A weekly series in Berlin across the March DST change: every occurrence at 09:00 Berlin time.
        first = march_series_start()
        start_date = int(first.timestamp())
        series = five.schedule.scheduleEvent.add(
            KalturaRecordScheduleEvent(
                summary="Physics 1",
                startDate=start_date,
                endDate=start_date + 5400,
                recurrenceType=KalturaScheduleEventRecurrenceType.RECURRING,
                recurrence=KalturaScheduleEventRecurrence(
                    frequency=KalturaScheduleEventRecurrenceFrequency.WEEKLY, count=6, timeZone="Europe/Berlin", byDay="MO"
                ),
            )
        )
        check(series.recurrenceType.getValue() == KalturaScheduleEventRecurrenceType.RECURRING, "the series is added as a series")
        check(series.recurrence.timeZone == "Europe/Berlin" and series.recurrence.count == 6, "its recurrence reads back")
        listed = occurrences(five, series.id)
        offsets = {datetime.datetime.fromtimestamp(e.startDate, BERLIN).utcoffset() for e in listed}
        check(len(listed) == 6, f"six occurrences, got {len(listed)}")
        check(len(offsets) == 2, "they span the DST change")
        check(all(berlin_clock(e) == "09:00" and e.endDate - e.startDate == 5400 for e in listed), "each at 09:00 Berlin time")
        ids = [e.id for e in listed]

        # Moved by an hour: the same occurrences follow, to 10:00 Berlin time.
        moved = five.schedule.scheduleEvent.update(series.id, KalturaRecordScheduleEvent(startDate=start_date + 3600, endDate=start_date + 9000))
        check(moved.startDate == start_date + 3600, "the series moves")
        listed = occurrences(five, series.id)
        check([e.id for e in listed] == ids and all(berlin_clock(e) == "10:00" for e in listed), "its occurrences follow, same ids")

        # One occurrence cancelled: an exception of the series, kept when the series changes again.
        cancelled = five.schedule.scheduleEvent.cancel(ids[2])
        check(cancelled.status.getValue() == KalturaScheduleEventStatus.CANCELLED, "the occurrence is cancelled")
        five.schedule.scheduleEvent.update(series.id, KalturaRecordScheduleEvent(summary="Physics 1 (new room)"))
        listed = occurrences(five, series.id)
        statuses = [e.status.getValue() for e in listed]
        check(statuses.count(KalturaScheduleEventStatus.CANCELLED) == 1 and statuses[2] == KalturaScheduleEventStatus.CANCELLED, "only it")
        check(all(e.summary == "Physics 1 (new room)" for e in listed if e.id != ids[2]), "the others take the series' change")

        # Links: the camera on the series, then on its occurrences; listed, read and removed.
        link = five.schedule.scheduleEventResource.add(KalturaScheduleEventResource(eventId=series.id, resourceId=camera.id))
        check(link.eventId == series.id and link.resourceId == camera.id, "the link is added")
        refused(
            "SCHEDULE_EVENT_RESOURCE_ALREADY_EXISTS", "the same link twice",
            lambda: five.schedule.scheduleEventResource.add(KalturaScheduleEventResource(eventId=series.id, resourceId=camera.id)),
        )
        on_camera = five.schedule.scheduleEventResource.list(KalturaScheduleEventResourceFilter(resourceIdEqual=camera.id)).objects
        check(sorted(l.eventId for l in on_camera) == sorted([series.id] + ids), "the series' resources are its occurrences'")
        of_series = five.schedule.scheduleEventResource.list(KalturaScheduleEventResourceFilter(eventIdEqual=series.id))
        check(of_series.totalCount == 1 and of_series.objects[0].resourceId == camera.id, "listed by event")
        check(five.schedule.scheduleEventResource.get(series.id, camera.id).resourceId == camera.id, "read back")
        five.schedule.scheduleEventResource.delete(series.id, camera.id)
        check(five.schedule.scheduleEventResource.list(KalturaScheduleEventResourceFilter(resourceIdEqual=camera.id)).totalCount == 0, "removed")
        refused("SCHEDULE_EVENT_RESOURCE_NOT_FOUND", "a removed link", lambda: five.schedule.scheduleEventResource.get(series.id, camera.id))

        # A multirequest adds an event and links it to the room with the new event's id.
        five.startMultiRequest()
        five.schedule.scheduleEvent.add(KalturaRecordScheduleEvent(summary="Seminar", startDate=start_date, endDate=start_date + 3600))
        five.schedule.scheduleEventResource.add(KalturaScheduleEventResource(eventId="{1:result:id}", resourceId=room.id))
        seminar, seminar_link = five.doMultiRequest()
        check(seminar_link.eventId == seminar.id and seminar_link.resourceId == room.id, f"a multirequest chains an add into a link: {seminar_link}")
        listed_links = five.schedule.scheduleEventResource.list(KalturaScheduleEventResourceFilter(eventIdEqual=seminar.id)).objects
        check([l.resourceId for l in listed_links] == [room.id], "the event uses the room")

        # Invalid events get the codes a file's items get.
        refused(
            "event.endBeforeStart", "an event that ends before it starts",
            lambda: five.schedule.scheduleEvent.add(KalturaRecordScheduleEvent(summary="x", startDate=start_date, endDate=start_date - 60)),
        )
        refused(
            "event.unknownResource", "a link to an unknown resource",
            lambda: five.schedule.scheduleEventResource.add(KalturaScheduleEventResource(eventId=series.id, resourceId=camera.id + 999)),
        )
        refused("SCHEDULE_EVENT_ID_NOT_FOUND", "an unknown event", lambda: five.schedule.scheduleEvent.update(10**9, KalturaRecordScheduleEvent(summary="x")))

        # Another partner reads, changes and deletes none of it.
        for what, call in [
            ("get", lambda: nine.schedule.scheduleEvent.get(series.id)),
            ("update", lambda: nine.schedule.scheduleEvent.update(series.id, KalturaRecordScheduleEvent(summary="mine"))),
            ("cancel", lambda: nine.schedule.scheduleEvent.cancel(ids[0])),
            ("delete", lambda: nine.schedule.scheduleEvent.delete(series.id)),
            ("link", lambda: nine.schedule.scheduleEventResource.add(KalturaScheduleEventResource(eventId=series.id, resourceId=camera.id))),
        ]:
            refused("SCHEDULE_EVENT_ID_NOT_FOUND", f"partner 9's {what} of partner 5's series", call)
        for what, call in [
            ("get", lambda: nine.schedule.scheduleResource.get(camera.id)),
            ("update", lambda: nine.schedule.scheduleResource.update(camera.id, KalturaCameraScheduleResource(name="mine"))),
            ("delete", lambda: nine.schedule.scheduleResource.delete(camera.id)),
        ]:
            refused("SCHEDULE_RESOURCE_ID_NOT_FOUND", f"partner 9's {what} of partner 5's camera", call)
        check(nine.schedule.scheduleEventResource.list().totalCount == 0, "partner 9 lists no links")
        check(five.schedule.scheduleEvent.get(series.id).summary == "Physics 1 (new room)", "partner 5's series is as it was")

        # The series deleted: its occurrences are gone from the listing.
        deleted = five.schedule.scheduleEvent.delete(series.id)
        check(deleted.status.getValue() == KalturaScheduleEventStatus.DELETED, "the series is deleted")
        check(occurrences(five, series.id) == [], "its occurrences are gone from the listing")
        refused("SCHEDULE_EVENT_ID_NOT_FOUND", "a deleted series", lambda: five.schedule.scheduleEvent.get(series.id))
        gone = five.schedule.scheduleResource.delete(camera.id)
        check(gone.status.getValue() == 3, "the camera is deleted")
        refused("SCHEDULE_RESOURCE_ID_NOT_FOUND", "a deleted camera", lambda: five.schedule.scheduleResource.get(camera.id))

        log = open(os.path.join(work, "daemon.log")).read()
        check('"msg":"schedule written"' in log and '"action":"schedule_scheduleevent.add"' in log, "writes are logged")
        print(f"Kaltura write test: {kaltura_client_test.checks} checks passed against port {port}")
    finally:
        stop(process, work)


if __name__ == "__main__":
    main()

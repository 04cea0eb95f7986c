#!/usr/bin/env python3
"""Drives a running scheduledrop with Kaltura's own Python client (KalturaApiClient) through every feed call.

Starts the daemon built at the given path over a fresh data folder with two partner tokens, on a free port,
then: uploads resources (CSV) and a semester (iCal) with addFromBulkUpload, follows both jobs with
bulkUpload.bulk.get, lists events with filters and pages, gets one event, lists resources and reports,
checks partner isolation, and checks that a bad token raises KalturaException with our code.
Exits non-zero on the first failed check.

With --postgres (after the binary), the daemon of this test and of the tests that start it the same way runs on a
PostgreSQL store: a throwaway server (Tests/Servers/postgres.sh) in the test's folder, stopped with the daemon.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import hashlib

from KalturaClient import KalturaClient, KalturaConfiguration
from KalturaClient.exceptions import KalturaException
from KalturaClient.Plugins.BulkUpload import KalturaBulkUploadFilter  # noqa: F401 (registers the bulk service)
from KalturaClient.Plugins.Core import KalturaFilterPager
from KalturaClient.Plugins.Schedule import (
    KalturaScheduleEventFilter,
    KalturaScheduleEventRecurrenceType,
    KalturaScheduleResourceFilter,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import soaklib  # noqa: E402

checks = 0
servers = {}


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        raise SystemExit(f"FAILED: {what}")


def refused(code, what, call):
    try:
        call()
    except KalturaException as error:
        check(error.code == code, f"{what}: {code} expected, got {error.code} ({error})")
        return
    check(False, f"{what}: must be refused with {code}")


def stop(process, work):
    """Stops the daemon `start` started and removes its folder."""
    process.terminate()
    process.wait(timeout=30)
    if work in servers:
        servers.pop(work).stop()
    shutil.rmtree(work, ignore_errors=True)


def store_lines(work):
    """With --postgres, the configuration lines of a new PostgreSQL store for the daemon in `work`; else none."""
    if "--postgres" not in sys.argv:
        return ""
    os.chmod(work, 0o755)
    server = soaklib.PostgresServer(os.path.join(work, "postgres"))
    servers[work] = server
    with open(os.path.join(work, "password"), "w") as handle:
        handle.write(server.password + "\n")
    return f"store: {server.database('feed')}\nstorePasswordFile: {work}/password\n"


def start(binary, work, extra=""):
    tokens = {"five": "client-token-partner-5", "nine": "client-token-partner-9"}
    extra = store_lines(work) + extra
    with open(os.path.join(work, "config.yaml"), "w") as handle:
        handle.write(
            f"dataDirectory: {work}/data\nlog: {{ format: json }}\n"
            f"folders:\n  - id: drop\n    path: {work}/drop\n    partnerId: 5\n"
            "feed:\n  port: 0\n  tokens:\n"
            f"    - partnerId: 5\n      sha256: {hashlib.sha256(tokens['five'].encode()).hexdigest()}\n"
            f"    - partnerId: 9\n      sha256: {hashlib.sha256(tokens['nine'].encode()).hexdigest()}\n" + extra
        )
    log = open(os.path.join(work, "daemon.log"), "w")
    process = subprocess.Popen([binary, "run", "--config", os.path.join(work, "config.yaml")], stdout=log, stderr=log, cwd=work)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(os.path.join(work, "daemon.log")) as text:
            match = re.search(r'"msg":"feed listening","address":"127\.0\.0\.1:(\d+)"', text.read())
        if match:
            return process, int(match.group(1)), tokens
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise SystemExit("FAILED: the daemon did not start its feed:\n" + open(os.path.join(work, "daemon.log")).read())


def client_for(port, token):
    config = KalturaConfiguration()
    config.serviceUrl = f"http://127.0.0.1:{port}"
    client = KalturaClient(config)
    client.setKs(token)
    return client


def finished(client, job_id):
    deadline = time.time() + 60
    while time.time() < deadline:
        job = client.bulkUpload.bulk.get(job_id)
        if job.status.getValue() >= 5:
            return job
        time.sleep(0.1)
    raise SystemExit(f"FAILED: job {job_id} did not finish")


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/scheduledrop")
    work = tempfile.mkdtemp(prefix="scheduledrop-client-")
    process, port, tokens = start(binary, work)
    try:
        client = client_for(port, tokens["five"])

        with open(os.path.join(REPO, "samples/resources.csv"), "rb") as csv:
            upload = client.schedule.scheduleResource.addFromBulkUpload(csv)
        check(upload.fileName == "resources.csv", "the resource upload names its file")
        check(upload.bulkUploadType.getValue() == "bulkUploadCsv.CSV", "a CSV upload is a CSV bulk upload")
        job = finished(client, upload.id)
        check(job.status.getValue() == 5, f"the resources job finished cleanly: {job.description}")

        resources = client.schedule.scheduleResource.list()
        check(resources.totalCount == 12, f"12 resources listed, not {resources.totalCount}")
        names = {resource.systemName: resource for resource in resources.objects}
        check(type(names["cam-s1-front"]).__name__ == "KalturaCameraScheduleResource", "cameras come back as camera objects")
        check(names["cam-s1-front"].parentId == names["room-s1"].id, "a camera's parent is its room")
        page = client.schedule.scheduleResource.list(None, KalturaFilterPager(pageSize=5, pageIndex=3))
        check([r.id for r in page.objects] == [r.id for r in resources.objects][10:], "resource pages follow the list")

        with open(os.path.join(REPO, "samples/semester.ics"), "rb") as ics:
            upload = client.schedule.scheduleEvent.addFromBulkUpload(ics)
        check(upload.bulkUploadObjectType.getValue() == "scheduleBulkUpload.SCHEDULE_EVENT", "an iCal upload holds schedule events")
        job = finished(client, upload.id)
        check(job.status.getValue() == 5, f"the semester job finished cleanly: {job.description}")
        check("added 4" in job.description, f"the job says what it added: {job.description}")

        everything = client.schedule.scheduleEvent.list(None, KalturaFilterPager(pageSize=500))
        check(everything.totalCount == 33, f"2 series, their 30 occurrences and 1 single event listed, not {everything.totalCount}")
        series = KalturaScheduleEventFilter(recurrenceTypeEqual=KalturaScheduleEventRecurrenceType.RECURRING)
        masters = client.schedule.scheduleEvent.list(series).objects
        check(len(masters) == 2, "two series")
        check(all(type(m).__name__ == "KalturaRecordScheduleEvent" for m in masters), "series come back as record events")
        occurrences = client.schedule.scheduleEvent.list(
            KalturaScheduleEventFilter(parentIdEqual=masters[0].id), KalturaFilterPager(pageSize=100)
        ).objects
        check(len(occurrences) > 10 and all(o.parentId == masters[0].id for o in occurrences), "a series' occurrences by parent id")
        check(all(o.recurrenceType.getValue() == 2 for o in occurrences), "occurrences have recurrence type 2")
        singles = client.schedule.scheduleEvent.list(KalturaScheduleEventFilter(recurrenceTypeIn="0,1")).objects
        check(len(singles) == 3, "series and single events together: 3")
        first = everything.objects[0]
        later = client.schedule.scheduleEvent.list(
            KalturaScheduleEventFilter(startDateGreaterThanOrEqual=first.startDate + 1), KalturaFilterPager(pageSize=500)
        )
        check(
            [e.id for e in later.objects] == [e.id for e in everything.objects if e.startDate > first.startDate],
            "a start bound leaves out the events that start earlier",
        )
        camera = names["cam-s1-front"].id
        on_camera = client.schedule.scheduleEvent.list(KalturaScheduleEventFilter(resourceIdEqual=camera), KalturaFilterPager(pageSize=500))
        monday = [e.id for e in everything.objects if e.referenceId == "cs101-lecture-monday@example.edu"]
        check([e.id for e in on_camera.objects] == monday, "a resource filter gives the Monday lectures, the camera's only ones")
        pages = []
        for index in range(1, 5):  # 33 events: pages of 10, 10, 10 and 3
            pages += client.schedule.scheduleEvent.list(None, KalturaFilterPager(pageSize=10, pageIndex=index)).objects
        check([e.id for e in pages] == [e.id for e in everything.objects], "pages of 10 never skip or repeat")
        one = client.schedule.scheduleEvent.get(first.id)
        check(one.id == first.id and one.referenceId == first.referenceId and one.summary == first.summary, "get gives the listed event")

        reports = client.bulkUpload.bulk.list(None, None)
        check([r.fileName for r in reports.objects] == ["semester.ics", "resources.csv"], "the partner's reports, newest first")

        other = client_for(port, tokens["nine"])
        check(other.schedule.scheduleEvent.list().totalCount == 0, "another partner sees none of these events")
        try:
            other.schedule.scheduleEvent.get(first.id)
            check(False, "another partner's event must not be found")
        except KalturaException as error:
            check(error.code == "SCHEDULE_EVENT_ID_NOT_FOUND", f"another partner's event is not found: {error.code}")
        try:
            other.bulkUpload.bulk.get(upload.id)
            check(False, "another partner's job must not be found")
        except KalturaException as error:
            check(error.code == "BULK_UPLOAD_NOT_FOUND", "another partner's job is not found")

        try:
            client_for(port, "not-a-token").schedule.scheduleEvent.list()
            check(False, "a bad token must raise")
        except KalturaException as error:
            check(error.code == "INVALID_KS", f"a bad token raises KalturaException INVALID_KS, not {error.code}")
        try:
            client.schedule.scheduleEvent.list(KalturaScheduleEventFilter(templateEntryCategoriesIdsLike="1"))
            check(False, "an unsupported filter must raise")
        except KalturaException as error:
            check(error.code == "feed.unknownFilter" and "templateEntryCategoriesIdsLike" in str(error), "an unsupported filter is named")

        log = open(os.path.join(work, "daemon.log")).read()
        check(all(token not in log for token in tokens.values()), "no token in the daemon's log")
        print(f"Kaltura client test: {checks} checks passed against port {port}")
    finally:
        stop(process, work)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Plays the seed's device flow against a running scheduledrop with Kaltura's own Python client (KalturaApiClient).

Starts the daemon built at the given path on a free port, adds partner 5 with `scheduledrop partner add 5 --json`,
then: an admin session.start with the admin secret; appToken.add (user sessions, disableentitlement and
setrole:CAPTURE_DEVICE_ROLE); the admin pushes the sample rooms and semester; the device starts a widget session,
then appToken.startSession with the SHA-256 of the widget KS followed by the token, and lists its own camera's
recordings with a KalturaRecordScheduleEventFilter and resourceIdsLike; the device's KS is refused appToken.add;
KSs made locally with generateSession (v1) and generateSessionV2 work; a wrong secret, an expired KS and an
ended KS get Kaltura's codes; the device registers a camera and adds and extends an ad-hoc recording but may
delete neither; a multirequest chains a widget session into the next call with {1:result:ks}.
Exits non-zero on the first failed check.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

from KalturaClient import KalturaClient, KalturaConfiguration
from KalturaClient.Plugins.BulkUpload import KalturaBulkUploadFilter  # noqa: F401 (registers the bulk service)
from KalturaClient.Plugins.Core import KalturaAppToken, KalturaAppTokenHashType, KalturaFilterPager, KalturaSessionType
from KalturaClient.Plugins.Schedule import (
    KalturaCameraScheduleResource,
    KalturaRecordScheduleEvent,
    KalturaRecordScheduleEventFilter,
    KalturaScheduleResourceFilter,
)

from kaltura_client_test import REPO, check, finished, refused, start, stop
import kaltura_client_test

PARTNER = 5


def client_for(port, ks=None):
    config = KalturaConfiguration()
    config.serviceUrl = f"http://127.0.0.1:{port}"
    client = KalturaClient(config)
    if ks:
        client.setKs(ks)
    return client


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/scheduledrop")
    work = tempfile.mkdtemp(prefix="scheduledrop-device-")
    process, port, _ = start(binary, work)
    try:
        added = subprocess.run(
            [binary, "partner", "add", str(PARTNER), "--json", "--config", os.path.join(work, "config.yaml")],
            check=True, capture_output=True, text=True,
        )
        secrets = json.loads(added.stdout)
        check(secrets["id"] == PARTNER and len(secrets["adminSecret"]) == 32, "partner add prints the new secrets as JSON")
        listed = subprocess.run(
            [binary, "partner", "list", "--config", os.path.join(work, "config.yaml")], check=True, capture_output=True, text=True
        )
        check(str(PARTNER) in listed.stdout and secrets["adminSecret"] not in listed.stdout, "partner list never shows a secret")
        if "--postgres" not in sys.argv:
            store = os.path.join(work, "data/scheduledrop.sqlite")
            check(oct(os.stat(store).st_mode & 0o777) == "0o600", "the store is the daemon user's only")

        # Partner preparation: an admin session, an app token for the device, the rooms and the semester.
        admin = client_for(port)
        admin_ks = admin.session.start(secrets["adminSecret"], "admin@example.edu", KalturaSessionType.ADMIN, PARTNER)
        admin.setKs(admin_ks)
        token = admin.appToken.add(
            KalturaAppToken(
                hashType=KalturaAppTokenHashType.SHA256,
                sessionType=KalturaSessionType.USER,
                sessionPrivileges="disableentitlement,setrole:CAPTURE_DEVICE_ROLE",
                description="lecture hall camera",
            )
        )
        check(token.id and len(token.token) == 32, "appToken.add gives the token's id and secret")
        check(admin.appToken.get(token.id).description == "lecture hall camera", "appToken.get gives it back")
        check([t.id for t in admin.appToken.list().objects] == [token.id], "appToken.list lists it")
        with open(os.path.join(REPO, "samples/resources.csv"), "rb") as csv:
            job = finished(admin, admin.schedule.scheduleResource.addFromBulkUpload(csv).id)
        check(job.status.getValue() == 5, f"the rooms and cameras were taken: {job.description}")
        with open(os.path.join(REPO, "samples/semester.ics"), "rb") as ics:
            job = finished(admin, admin.schedule.scheduleEvent.addFromBulkUpload(ics).id)
        check(job.status.getValue() == 5, f"the semester was taken: {job.description}")
        camera = admin.schedule.scheduleResource.list(KalturaScheduleResourceFilter(systemNameEqual="cam-s1-front")).objects[0]

        # The device: a widget session, then the app-token session with the hash of the widget KS and the token.
        device = client_for(port)
        widget = device.session.startWidgetSession(f"_{PARTNER}")
        check(widget.partnerId == PARTNER and widget.ks, "startWidgetSession gives a widget KS")
        device.setKs(widget.ks)
        refused("SERVICE_FORBIDDEN", "a widget KS lists no events", lambda: device.schedule.scheduleEvent.list())
        refused(
            "INVALID_APP_TOKEN_HASH", "a wrong token hash", lambda: device.appToken.startSession(token.id, hashlib.sha256(b"x").hexdigest())
        )
        token_hash = hashlib.sha256((widget.ks + token.token).encode()).hexdigest()
        session = device.appToken.startSession(token.id, token_hash)
        check(session.sessionType.getValue() == KalturaSessionType.USER, "the app token's session is a user session")
        check("setrole:CAPTURE_DEVICE_ROLE" in session.privileges, f"the token's privileges are imposed: {session.privileges}")
        device.setKs(session.ks)
        recordings = device.schedule.scheduleEvent.list(
            KalturaRecordScheduleEventFilter(resourceIdsLike=str(camera.id)), KalturaFilterPager(pageSize=500)
        )
        everything = admin.schedule.scheduleEvent.list(None, KalturaFilterPager(pageSize=500)).objects
        # The sample's front camera records the Monday lectures and nothing else.
        mine = [e.id for e in everything if e.referenceId == "cs101-lecture-monday@example.edu"]
        check(len(mine) > 10 and [e.id for e in recordings.objects] == mine, "the device lists exactly its camera's recordings")
        check(all(type(e).__name__ == "KalturaRecordScheduleEvent" for e in recordings.objects), "as record events")
        refused(
            "SERVICE_FORBIDDEN", "the device's KS may not add app tokens",
            lambda: device.appToken.add(KalturaAppToken(sessionType=KalturaSessionType.ADMIN)),
        )
        refused("SERVICE_FORBIDDEN", "nor read jobs", lambda: device.bulkUpload.bulk.list(None, None))

        # Sessions made locally by the client, v1 and v2, with either secret.
        for generate in (KalturaClient.generateSession, KalturaClient.generateSessionV2):
            ks = generate(secrets["adminSecret"], "script", KalturaSessionType.ADMIN, PARTNER, 600, "").decode()
            count = client_for(port, ks).schedule.scheduleEvent.list().totalCount
            check(count == len(everything), f"{generate.__name__} with the admin secret lists every event")
            ks = generate(secrets["secret"], "viewer", KalturaSessionType.USER, PARTNER, 600, "").decode()
            check(client_for(port, ks).schedule.scheduleEvent.list().totalCount == count, f"{generate.__name__} user KS reads too")
            ks = generate(secrets["secret"], "viewer", KalturaSessionType.ADMIN, PARTNER, 600, "").decode()
            refused("INVALID_KS", f"{generate.__name__}: the user secret cannot sign an admin KS", lambda: client_for(port, ks).appToken.list())
            ks = generate("0" * 32, "intruder", KalturaSessionType.ADMIN, PARTNER, 600, "").decode()
            refused("INVALID_KS", f"{generate.__name__} with a wrong secret", lambda: client_for(port, ks).schedule.scheduleEvent.list())
            ks = generate(secrets["adminSecret"], "late", KalturaSessionType.ADMIN, PARTNER, -60, "").decode()
            refused("EXPIRED_KS", f"{generate.__name__} expired", lambda: client_for(port, ks).schedule.scheduleEvent.list())
        refused(
            "START_SESSION_ERROR", "session.start with a wrong secret",
            lambda: client_for(port).session.start("0" * 32, "x", KalturaSessionType.ADMIN, PARTNER),
        )
        refused("MISSING_KS", "a call without a KS", lambda: client_for(port).schedule.scheduleEvent.list())

        # A multirequest: the widget session's KS feeds the next call.
        batch = client_for(port)
        batch.startMultiRequest()
        first = batch.session.startWidgetSession(f"_{PARTNER}")
        batch.setKs(first.ks)
        batch.session.get()
        results = batch.doMultiRequest()
        check(results[0].ks and results[1].ks == results[0].ks, "a multirequest hands {1:result:ks} to the next call")

        # session.end: the KS stops working.
        ending = client_for(port, admin.session.start(secrets["adminSecret"], "x", KalturaSessionType.ADMIN, PARTNER))
        ending.session.end()
        refused("INVALID_KS", "an ended KS", lambda: ending.schedule.scheduleEvent.list())

        # What CAPTURE_DEVICE_ROLE writes: the device registers itself, adds an ad-hoc recording and extends it.
        registered = device.schedule.scheduleResource.add(KalturaCameraScheduleResource(name="Portable", systemName="portable-1"))
        check(device.schedule.scheduleResource.get(registered.id).systemName == "portable-1", "the device registers itself")
        device.schedule.scheduleResource.update(registered.id, KalturaCameraScheduleResource(description="cart 3"))
        now = int(time.time())
        adhoc = device.schedule.scheduleEvent.add(KalturaRecordScheduleEvent(summary="Ad hoc", startDate=now + 60, endDate=now + 1860))
        extended = device.schedule.scheduleEvent.update(adhoc.id, KalturaRecordScheduleEvent(endDate=now + 3660))
        check(extended.endDate == now + 3660 and extended.summary == "Ad hoc", "the device extends its ad-hoc recording")
        refused("SERVICE_FORBIDDEN", "the device may not delete events", lambda: device.schedule.scheduleEvent.delete(adhoc.id))
        refused("SERVICE_FORBIDDEN", "nor resources", lambda: device.schedule.scheduleResource.delete(registered.id))

        log = open(os.path.join(work, "daemon.log")).read()
        check(
            all(secret not in log for secret in (secrets["adminSecret"], secrets["secret"], token.token, admin_ks, session.ks)),
            "no secret, token or KS in the daemon's log",
        )
        print(f"Kaltura device flow test: {kaltura_client_test.checks} checks passed against port {port}")
    finally:
        stop(process, work)


if __name__ == "__main__":
    main()

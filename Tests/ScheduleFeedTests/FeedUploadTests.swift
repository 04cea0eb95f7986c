import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleFeed
import ScheduleStore
import TestSupport
import Testing

@Suite("Files pushed over HTTP")
struct FeedUploadTests {
    /// A calendar with a single event, a weekly series with an override, and an event that is rejected.
    static func semester(day: Int64) -> String {
        calendar([
            ["UID:talk", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 3600))", "SUMMARY:Guest talk"],
            [
                "UID:weekly", "DTSTART:\(utc(day + 86_400))", "DTEND:\(utc(day + 86_400 + 5400))", "RRULE:FREQ=WEEKLY;COUNT=3",
                "SUMMARY:Weekly",
            ],
            [
                "UID:weekly", "RECURRENCE-ID:\(utc(day + 8 * 86_400))", "DTSTART:\(utc(day + 8 * 86_400 + 3600))",
                "DTEND:\(utc(day + 8 * 86_400 + 9000))", "SUMMARY:Weekly (moved)",
            ],
            ["UID:broken", "DTSTART:\(utc(day))", "DTEND:\(utc(day - 60))", "SUMMARY:Ends before it starts"],
        ])
    }

    /// What a comparison between two stores may look at: everything but ids and times of writing.
    struct Shape: Equatable {
        var uid: String
        var key: String
        var start: Int64
        var end: Int64
        var summary: String?
        var status: EventStatus
        var recurrence: RecurrenceType
    }

    static func shapes(_ events: [ScheduleEvent]) -> [Shape] {
        events.map {
            Shape(
                uid: $0.referenceId, key: $0.recurrenceKey, start: $0.startDate, end: $0.endDate, summary: $0.summary, status: $0.status,
                recurrence: $0.recurrenceType)
        }
    }

    @Test("an uploaded calendar gives the same events and report as the same file dropped in a folder")
    func uploadEqualsDrop() async throws {
        let text = Self.semester(day: FeedListTests.day)
        let dropped = try await FeedHarness()
        try await dropped.dropAndWait("semester.ics", text)
        let droppedReport = try #require(
            try await dropped.store.reports(fileId: dropped.store.versions(folderId: "drop", path: "semester.ics")[0].id).first)

        let pushed = try await FeedHarness(watchFolder: false)
        let reply = try await pushed.upload(
            "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1&ks=token-five", name: "semester.ics",
            file: Data(text.utf8))
        #expect(reply.status == 200, "\(reply.text)")
        let accepted = try reply.json()
        #expect(accepted["objectType"] as? String == "KalturaBulkUpload")
        #expect(accepted["fileName"] as? String == "semester.ics")
        let jobId = try #require((accepted["id"] as? NSNumber)?.int64Value)
        var job: [String: Any] = [:]
        try await waitUntil("the upload's job finished") {
            job = try await pushed.get("/api_v3/service/bulkupload_bulk/action/get?format=1&ks=token-five&id=\(jobId)").json()
            return (job["status"] as? NSNumber)?.intValue ?? 0 >= 5
        }
        #expect((job["status"] as? NSNumber)?.intValue == 12, "finished with a rejected item")
        let report = try #require(job["report"] as? [String: Any])
        let counts = try #require(report["counts"] as? [String: Any])
        #expect((counts["added"] as? NSNumber)?.intValue == droppedReport.counts.added)
        #expect((counts["rejected"] as? NSNumber)?.intValue == 1)

        let pushedReport = try #require(try await pushed.store.job(id: jobId)?.report)
        #expect(
            pushedReport.items.map { [$0.uid, $0.result.rawValue, $0.code] }
                == droppedReport.items.map { [$0.uid, $0.result.rawValue, $0.code] })
        #expect(pushedReport.counts == droppedReport.counts)
        #expect(pushedReport.partnerId == 5)
        #expect(pushedReport.file.folderId == FileIdentity.uploadFolderId(partnerId: 5))
        #expect(Self.shapes(try await pushed.storedEvents()) == Self.shapes(try await dropped.storedEvents()))
        #expect(try await pushed.storedEvents().count == 5)  // the talk, the series row and its 3 occurrences

        let log = try await pushed.get("/api_v3/service/bulkupload_bulk/action/serveLog?ks=token-five&id=\(jobId)")
        #expect(log.text.contains("rejected 1"))
        #expect(log.text.contains("broken"))
        await dropped.stop()
        await pushed.stop()
    }

    @Test("the partner comes from the token, never from the body")
    func partnerFromToken() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let day = FeedListTests.day
        let text = calendar([
            ["UID:claims-six", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 3600))", "X-KALTURA-PARTNER-ID:6"],
            ["UID:plain", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 3600))"],
        ])
        let reply = try await harness.upload(
            "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1", name: "x.ics", file: Data(text.utf8),
            fields: ["ks": "token-five", "partnerId": "6"])
        let jobId = try #require((try reply.json()["id"] as? NSNumber)?.int64Value)
        try await waitUntil("the job finished") { try await harness.store.job(id: jobId)?.report != nil }
        let report = try #require(try await harness.store.job(id: jobId)?.report)
        #expect(report.partnerId == 5)
        #expect(report.items.first { $0.uid == "claims-six" }?.code == ValidationError.Code.partnerMismatch.rawValue)
        #expect(try await harness.storedEvents(partnerId: 5).map(\.referenceId) == ["plain"])
        #expect(try await harness.storedEvents(partnerId: 6).isEmpty)
        let foreign = try await harness.get("/api_v3/service/bulkupload_bulk/action/get?format=1&ks=token-six&id=\(jobId)")
        #expect(foreign.errorCode == "BULK_UPLOAD_NOT_FOUND")
        await harness.stop()
    }

    @Test func aFolderNamedLikeAnotherPartnersUploadsDoesNotShowThemItsReports() async throws {
        // check-config refuses such an id; this is the feed's own guard, for a store written by an older version.
        let harness = try await FeedHarness(watchFolder: false)
        let text = calendar([["UID:secret", "DTSTART:\(utc(1_900_000_000))", "DTEND:\(utc(1_900_003_600))"]])
        let staged = harness.root.path + "/posing.ics"
        try Data(text.utf8).write(to: URL(fileURLWithPath: staged))
        let identity = FileIdentity(
            folderId: FileIdentity.uploadFolderId(partnerId: 6), path: "posing.ics", size: Int64(text.utf8.count), modified: 1)
        let ticket = try #require(try await harness.store.claim(identity, kind: .ical))
        _ = try await harness.runner.run(ticket, stagedFile: staged, settings: JobSettings(partnerId: 5))
        for action in ["get", "serveLog"] {
            let foreign = try await harness.get("/api_v3/service/bulkupload_bulk/action/\(action)?format=1&ks=token-six&id=\(ticket.jobId)")
            #expect(foreign.errorCode == "BULK_UPLOAD_NOT_FOUND", "\(action): \(foreign.text)")
        }
        let own = try await harness.get("/api_v3/service/bulkupload_bulk/action/get?format=1&ks=token-five&id=\(ticket.jobId)")
        #expect(try own.json()["id"] as? Int64 == ticket.jobId)
        await harness.stop()
    }

    @Test("resource CSV uploads, raw bodies, and refused uploads: too large, not UTF-8, no file, wrong format")
    func uploadForms() async throws {
        let harness = try await FeedHarness(maximumUploadBytes: 4096, watchFolder: false)
        let csv = "*action,name,type,systemName\nadd,Hall,location,hall\nadd,Hall camera,camera,hall-cam\n"
        let reply = try await harness.post(
            "/api_v3/service/schedule_scheduleresource/action/addFromBulkUpload?format=1&fileName=rooms.csv", body: Data(csv.utf8),
            contentType: "text/csv", headers: ["Authorization": "Bearer token-five"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(try reply.json()["fileName"] as? String == "rooms.csv")
        #expect(try reply.json()["bulkUploadType"] as? String == "bulkUploadCsv.CSV")
        try await waitUntil("the resources are stored") { try await harness.store.resources(partnerId: 5).count == 2 }

        let path = "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1&ks=token-five"
        let large = try await harness.upload(path, name: "big.ics", file: Data(repeating: UInt8(ascii: "x"), count: 5000))
        #expect(large.status == 413)
        #expect(try large.json()["code"] as? String == "feed.uploadTooLarge")
        let huge = try await harness.post(path, body: Data(repeating: UInt8(ascii: "x"), count: 200_000), contentType: "text/calendar")
        #expect(huge.status == 413)
        #expect(try huge.json()["code"] as? String == "feed.uploadTooLarge")
        let latin1 = try await harness.upload(path, name: "latin1.ics", file: Data([0x42, 0x45, 0x47, 0x49, 0x4E, 0x3A, 0xE9, 0x0A]))
        #expect(latin1.errorCode == "feed.uploadNotUTF8")
        #expect(try latin1.json()["code"] as? String == "feed.uploadNotUTF8")
        let none = try await harness.post(path, body: Data("{\"ks\": \"token-five\"}".utf8), contentType: "application/json")
        #expect(try none.json()["code"] as? String == "feed.missingUpload")
        let ical = try await harness.upload(path + "&format=ical", name: "x.ics", file: Data("BEGIN:VCALENDAR\r\n".utf8))
        #expect(ical.errorCode == "feed.invalidParameter")
        #expect(ical.text.contains("BEGIN:VERROR"))
        #expect(try await harness.store.folderStatuses().allSatisfy { $0.files[.pending] == nil })
        await harness.stop()
    }

    @Test("an upload accepted before a crash runs at the next start")
    func uploadSurvivesRestart() async throws {
        let root = try TemporaryDirectory()
        let store = try SQLiteStore(path: root.path + "/store.sqlite")
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let runner = JobRunner(store: store, reports: ReportWriter(directory: root.path + "/reports"), logger: quiet)
        let first = UploadInbox(
            store: store, runner: runner, directory: root.path + "/uploads", settings: { JobSettings(partnerId: $0) }, logger: quiet)
        let day = FeedListTests.day
        let jobId = try await first.submit(
            partnerId: 5, kind: .ical, name: "../../etc/passwd",
            bytes: Data(calendar([["UID:kept", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 60))"]]).utf8))
        #expect(try await store.job(id: jobId)?.finishedAt == nil)
        #expect(try await store.job(id: jobId)?.file.identity.path == "passwd.ics")

        let second = UploadInbox(
            store: store, runner: runner, directory: root.path + "/uploads", settings: { JobSettings(partnerId: $0) }, logger: quiet)
        let task = Task { try await second.run() }
        try await waitUntil("the recovered job finished") { try await store.job(id: jobId)?.report != nil }
        task.cancel()
        #expect(try await store.events(partnerId: 5).map(\.referenceId) == ["kept"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/uploads/5").isEmpty)
    }

    @Test("folder status lists the partner's own folders")
    func folderStatus() async throws {
        let harness = try await FeedHarness()
        try await harness.dropAndWait(
            "one.ics", calendar([["UID:one", "DTSTART:\(utc(FeedListTests.day))", "DTEND:\(utc(FeedListTests.day + 60))"]]))
        let own = try await harness.get("/api_v3/service/scheduledrop_folder/action/list?format=1&ks=token-five").json()
        let folders = try #require(own["objects"] as? [[String: Any]])
        #expect(folders.map { $0["id"] as? String } == ["drop"])
        #expect((folders.first?["filesHandled"] as? NSNumber)?.intValue == 1)
        let other = try await harness.get("/api_v3/service/scheduledrop_folder/action/list?format=1&ks=token-six").json()
        #expect((other["totalCount"] as? NSNumber)?.intValue == 0)
        let reports = try await harness.get("/api_v3/service/bulkupload_bulk/action/list?format=1&ks=token-five").json()
        #expect((reports["objects"] as? [[String: Any]])?.map { $0["fileName"] as? String } == ["one.ics"])
        #expect(try await harness.get("/healthz").text == "ok\n")
        await harness.stop()
    }

    @Test("an upload longer than the unauthenticated limit is read when its ks comes first, and refused when it comes after the file")
    func uploadLongerThanTheUnauthenticatedLimit() async throws {
        var limits = FeedLimits()
        limits.maximumUnauthenticatedBodyBytes = 16 * 1024
        let harness = try await FeedHarness(limits: limits, watchFolder: false)
        let day = FeedListTests.day
        let events = (0..<400).map {
            ["UID:talk-\($0)", "DTSTART:\(utc(day + Int64($0) * 3600))", "DTEND:\(utc(day + Int64($0) * 3600 + 1800))"]
        }
        let file = Data(calendar(events).utf8)
        #expect(file.count > 2 * limits.maximumUnauthenticatedBodyBytes)
        let path = "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1"
        let accepted = try await harness.upload(path, name: "long.ics", file: file, fields: ["ks": "token-five"])
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(try accepted.json()["objectType"] as? String == "KalturaBulkUpload")

        let late = try await harness.upload(path, name: "late.ics", file: file, trailingFields: ["ks": "token-five"])
        #expect(late.status == 413)
        #expect(late.errorCode == "feed.unauthenticatedBodyTooLarge")
        #expect(try (late.json()["message"] as? String)?.contains("no KS comes before") == true, "\(late.text)")
        let forged = try await harness.upload(path, name: "forged.ics", file: file, fields: ["ks": "token-nobody"])
        #expect(forged.errorCode == "feed.unauthenticatedBodyTooLarge")
        await harness.stop()
    }
}

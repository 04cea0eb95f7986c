import Foundation
import Ingestion
import Schedule
import ScheduleStore
import Synchronization
import Testing

/// Writes over the API (`scheduleEvent.add` …) against the file path: the same occurrences, the same codes, and no
/// update lost when both write the same events at once.
@Suite struct FeedWriteTests {
    /// A JSON call of `service.action` with `parameters`, as partner 5 (or `token`'s partner).
    static func call(
        _ feed: FeedHarness, _ service: String, _ action: String, _ parameters: [String: Any], token: String = "token-five"
    ) async throws -> Reply {
        var body = parameters
        body["ks"] = token
        body["format"] = 1
        return try await feed.post(
            "/api_v3/service/\(service)/action/\(action)", body: try JSONSerialization.data(withJSONObject: body),
            contentType: "application/json")
    }

    /// `scheduleEvent.add` of an object with `event`'s fields, as partner 5.
    static func add(_ feed: FeedHarness, _ event: [String: Any]) async throws -> Reply {
        try await call(feed, "schedule_scheduleevent", "add", ["scheduleEvent": event])
    }

    /// `scheduleEvent.update` of event `id` with `event`'s fields, as partner 5 (or `token`'s partner).
    static func update(_ feed: FeedHarness, _ id: Any, _ event: [String: Any], token: String = "token-five") async throws -> Reply {
        try await call(feed, "schedule_scheduleevent", "update", ["scheduleEventId": id, "scheduleEvent": event], token: token)
    }

    /// A series both ways: its RRULE as a file writes it, and the `recurrence` object a client sends for it.
    struct SeriesCase: Sendable, CustomTestStringConvertible {
        var zone: String
        /// DTSTART on the zone's wall clock, `20270301T090000`.
        var start: String
        var minutes: Int64
        var rule: String
        var recurrence: [String: String]
        var testDescription: String { "\(rule) in \(zone)" }
    }

    static let seriesCases = [
        SeriesCase(
            zone: "Europe/Berlin", start: "20270315T090000", minutes: 90, rule: "FREQ=WEEKLY;COUNT=6;BYDAY=MO",
            recurrence: ["frequency": "weeks", "count": "6", "byDay": "MO"]),
        SeriesCase(
            zone: "America/New_York", start: "20270226T163000", minutes: 60, rule: "FREQ=MONTHLY;UNTIL=20271231T235959Z;BYDAY=-1FR",
            recurrence: ["frequency": "months", "until": "1830297599", "byDay": "-1FR"]),
        SeriesCase(
            zone: "Europe/London", start: "20270322T080000", minutes: 45, rule: "FREQ=DAILY;INTERVAL=3;COUNT=20;BYDAY=MO,TU,WE,TH,FR",
            recurrence: ["frequency": "days", "interval": "3", "count": "20", "byDay": "MO,TU,WE,TH,FR"]),
        SeriesCase(
            zone: "Australia/Sydney", start: "20270105T100000", minutes: 120,
            rule: "FREQ=MONTHLY;COUNT=8;BYMONTHDAY=5,20;BYMONTH=1,4,7,10",
            recurrence: ["frequency": "months", "count": "8", "byMonthDay": "5,20", "byMonth": "1,4,7,10"]),
        SeriesCase(
            zone: "UTC", start: "20270104T120000", minutes: 30, rule: "FREQ=MONTHLY;COUNT=7;BYDAY=MO,TU;BYSETPOS=-1;WKST=SU",
            recurrence: ["frequency": "months", "count": "7", "byDay": "MO,TU", "byOffset": "-1", "weekStartDay": "SU"]),
    ]

    /// The occurrences of the partner's series `referenceId`: start, end and status, in order.
    static func occurrences(_ feed: FeedHarness, of referenceId: String) async throws -> [[Int64]] {
        let events = try await feed.storedEvents()
        let series = try #require(events.first { $0.referenceId == referenceId && $0.recurrenceType == .recurring })
        return events.filter { $0.parentId == series.id }.map { [$0.startDate, $0.endDate, Int64($0.status.rawValue)] }
    }

    @Test(arguments: seriesCases)
    func aSeriesAddedOverTheAPIGetsTheOccurrencesOfTheSameSeriesUploaded(_ series: SeriesCase) async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        try await feed.dropAndWait(
            "series.ics",
            calendar([
                [
                    "UID:from-file", "DTSTAMP:20260101T000000Z", "DTSTART;TZID=\(series.zone):\(series.start)",
                    "DURATION:PT\(series.minutes)M", "SUMMARY:Lecture", "RRULE:\(series.rule)",
                ]
            ]))
        let fileSeries = try await Self.occurrences(feed, of: "from-file")
        #expect(fileSeries.count > 3)
        let start = try #require(fileSeries.first)[0]
        let reply = try await Self.add(
            feed,
            [
                "objectType": "KalturaRecordScheduleEvent", "referenceId": "from-api", "summary": "Lecture", "startDate": start,
                "endDate": start + series.minutes * 60, "recurrenceType": 1,
                "recurrence": series.recurrence.merging(["objectType": "KalturaScheduleEventRecurrence", "timeZone": series.zone]) {
                    $1
                },
            ])
        #expect(reply.errorCode == nil, "\(reply.text)")
        #expect(try await Self.occurrences(feed, of: "from-api") == fileSeries)
    }

    @Test func aRejectedWriteGetsTheCodeAFileItemGets() async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        // Within the horizon, so that the series' occurrences are counted.
        let start = (Int64(Date().timeIntervalSince1970) / 3600 + 7 * 24) * 3600
        let bad: [(lines: [String], fields: [String: Any])] = [
            (["DTSTART:\(utc(start))", "DTEND:\(utc(start - 60))"], ["startDate": start, "endDate": start - 60]),
            (
                ["DTSTART:\(utc(start))", "DTEND:\(utc(start + 60))", "X-KALTURA-RESOURCE-IDS:987654"],
                ["startDate": start, "endDate": start + 60, "resourceIds": "987654"]
            ),
            (["DTSTART:\(utc(start))", "DTEND:\(utc(start + 2 * 86_400))"], ["startDate": start, "endDate": start + 2 * 86_400]),
            (
                ["DTSTART:\(utc(start))", "DTEND:\(utc(start + 60))", "RRULE:FREQ=MINUTELY;COUNT=5000"],
                [
                    "startDate": start, "endDate": start + 60, "recurrenceType": 1,
                    "recurrence": ["frequency": "minutes", "count": 5000] as [String: Any],
                ]
            ),
            (
                ["DTSTART:\(utc(start))", "DTEND:\(utc(start + 60))", "RRULE:FREQ=FORTNIGHTLY"],
                ["startDate": start, "endDate": start + 60, "recurrence": ["frequency": "fortnightly"]]
            ),
            (
                ["DTSTART:\(utc(start))", "DTEND:\(utc(start + 60))", "X-KALTURA-ENTRY-IDS:nope"],
                ["startDate": start, "endDate": start + 60, "entryIds": "nope"]
            ),
        ]
        try await feed.dropAndWait(
            "bad.ics", calendar(bad.enumerated().map { index, item in ["UID:bad-\(index)", "DTSTAMP:20260101T000000Z"] + item.lines }))
        let file = try #require(try await feed.store.latestFiles(folderId: "drop").first)
        let report = try #require(try await feed.store.lastReport(fileId: file.id)?.report)
        let fileCodes = report.items.map(\.code)
        #expect(fileCodes.allSatisfy { $0 != nil }, "every item of the file is rejected: \(fileCodes)")
        var apiCodes: [String?] = []
        for (index, item) in bad.enumerated() {
            var object = item.fields
            object["objectType"] = "KalturaRecordScheduleEvent"
            object["referenceId"] = "api-bad-\(index)"
            let reply = try await Self.add(feed, object)
            apiCodes.append(reply.errorCode)
            #expect(try reply.json()["code"] as? String == reply.errorCode)
        }
        #expect(apiCodes == fileCodes)
        #expect(try await feed.storedEvents().isEmpty, "nothing of a refused write is stored")
    }

    @Test func aFileWithTheUIDOfAnEventMadeOverTheAPIUpdatesItAndTheReverse() async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        let start: Int64 = 1_900_000_000
        let added = try await Self.add(
            feed,
            [
                "objectType": "KalturaLiveStreamScheduleEvent", "referenceId": "shared@example.edu", "summary": "From the API",
                "startDate": start, "endDate": start + 3600, "partnerId": 6,
            ])
        let id = try #require(try added.json()["id"] as? Int)
        #expect(try added.json()["partnerId"] as? Int == 5, "the partner is the KS's, never the object's")
        try await feed.dropAndWait(
            "shared.ics",
            calendar([
                [
                    "UID:shared@example.edu", "DTSTAMP:20260101T000000Z", "DTSTART:\(utc(start + 600))", "DTEND:\(utc(start + 4200))",
                    "SUMMARY:From the file", "X-KALTURA-TYPE:2",
                ],
                ["UID:file-only@example.edu", "DTSTAMP:20260101T000000Z", "DTSTART:\(utc(start))", "DTEND:\(utc(start + 60))"],
            ]))
        var events = try await feed.storedEvents()
        let shared = try #require(events.first { $0.referenceId == "shared@example.edu" })
        #expect(shared.id == Int64(id) && shared.summary == "From the file" && shared.startDate == start + 600)
        let fileOnly = try #require(events.first { $0.referenceId == "file-only@example.edu" }?.id)
        let versionBefore = try await feed.store.dataVersion()
        let updated = try await Self.update(feed, fileOnly, ["objectType": "KalturaRecordScheduleEvent", "summary": "Renamed"])
        #expect(try updated.json()["summary"] as? String == "Renamed")
        #expect(try await feed.store.dataVersion() > versionBefore, "a write moves the data version, so ETags change")
        events = try await feed.storedEvents()
        #expect(events.first { $0.id == fileOnly }?.summary == "Renamed")
        #expect(events.first { $0.id == fileOnly }?.startDate == start, "an update changes only what it sends")
        let other = try await Self.update(feed, fileOnly, ["summary": "Theirs"], token: "token-six")
        #expect(other.errorCode == "SCHEDULE_EVENT_ID_NOT_FOUND")
        let taken = try await Self.add(
            feed, ["objectType": "KalturaRecordScheduleEvent", "referenceId": "file-only@example.edu", "startDate": start])
        #expect(taken.errorCode == "feed.referenceIdTaken")
    }

    /// API writes and a file's job on the same event at once: each write lands whole, before or after the job, and the
    /// job's lands whole too; nothing one of them wrote is undone by a write that read the event before it.
    @Test func apiWritesAndAJobOnTheSameEventsAtOnceLoseNoUpdate() async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        let start: Int64 = 1_900_000_000
        let added = try await Self.add(
            feed,
            [
                "objectType": "KalturaRecordScheduleEvent", "referenceId": "contended", "summary": "before", "startDate": start,
                "endDate": start + 3600,
            ])
        let id = try #require(try added.json()["id"] as? Int)
        // A file large enough that its job holds the writer a while, the contended event last.
        var events = (0..<3000).map { index in
            [
                "UID:bulk-\(index)", "DTSTAMP:20260101T000000Z", "DTSTART:\(utc(start + Int64(index) * 7200))", "DURATION:PT1H",
                "SUMMARY:Bulk",
            ]
        }
        events.append(["UID:contended", "DTSTAMP:20260101T000000Z", "DTSTART:\(utc(start))", "DURATION:PT1H", "SUMMARY:from the file"])
        let text = calendar(events)
        let done = Atomic(false)
        let job = Task {
            try await feed.dropAndWait("bulk.ics", text)
            done.store(true, ordering: .relaxed)
        }
        // Writes while the job is awaited, then a few after it.
        var seen: [(summary: String, tags: String)] = []
        var after = 0
        while after < 3 && seen.count < 5000 {
            if done.load(ordering: .relaxed) { after += 1 }
            let round = seen.count + 1
            let reply = try await Self.update(feed, id, ["objectType": "KalturaRecordScheduleEvent", "tags": "round-\(round)"])
            let object = try reply.json()
            seen.append((object["summary"] as? String ?? "", object["tags"] as? String ?? ""))
        }
        try await job.value
        // Each write gave back its own change whole, on the event as the job left it or as it was before the job.
        #expect(seen.enumerated().allSatisfy { $1.tags == "round-\($0 + 1)" })
        #expect(seen.allSatisfy { $0.summary == "before" || $0.summary == "from the file" })
        let firstAfter = try #require(seen.firstIndex { $0.summary == "from the file" })
        #expect(seen[firstAfter...].allSatisfy { $0.summary == "from the file" }, "once the job landed, every later write sees it")
        let stored = try #require(try await feed.storedEvents().first { $0.referenceId == "contended" })
        #expect(stored.summary == "from the file", "the job's write is not undone by a write that read the event before it")
        #expect(stored.tags == "round-\(seen.count)", "nor the last write by the job")
        #expect(try await feed.storedEvents().count == 3001)
    }

    /// The occurrences of series `id`, in order of start.
    static func occurrences(_ feed: FeedHarness, seriesId id: Int) async throws -> [ScheduleEvent] {
        try await feed.store.events(partnerId: 5).filter { $0.parentId == Int64(id) }.sorted { $0.startDate < $1.startDate }
    }

    @Test func occurrencesAreDetachedAsExceptionsAndASeriesCanBecomeSingleAgain() async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        let start = (Int64(Date().timeIntervalSince1970) / 86_400 + 7) * 86_400 + 9 * 3600
        let added = try await Self.add(
            feed,
            [
                "objectType": "KalturaBlackoutScheduleEvent", "summary": "Exams", "startDate": start, "endDate": start + 7200,
                "recurrenceType": 1, "recurrence": ["frequency": "days", "count": 5],
            ])
        let series = try added.json()
        let id = try #require(series["id"] as? Int)
        #expect(series["objectType"] as? String == "KalturaBlackoutScheduleEvent")
        var occurrences = try await Self.occurrences(feed, seriesId: id)
        #expect(occurrences.count == 5 && occurrences.allSatisfy { $0.type == .blackout && $0.status == .active })
        let (second, third) = (try #require(occurrences[1].id), try #require(occurrences[2].id))
        let renamed = try await Self.update(feed, second, ["summary": "Resit", "endDate": occurrences[1].startDate + 3600])
        #expect(try renamed.json()["summary"] as? String == "Resit")
        let deleted = try await Self.call(feed, "schedule_scheduleevent", "delete", ["scheduleEventId": third])
        #expect(try deleted.json()["status"] as? Int == EventStatus.deleted.rawValue)
        // The series changes again: its exceptions stay as they were made.
        let moved = try await Self.update(
            feed, id, ["objectType": "KalturaBlackoutScheduleEvent", "summary": "Exams (hall B)", "description__null": ""])
        #expect(moved.errorCode == nil, "\(moved.text)")
        occurrences = try await Self.occurrences(feed, seriesId: id)
        // The deleted one keeps what it had when it was deleted.
        #expect(occurrences.map(\.summary) == ["Exams (hall B)", "Resit", "Exams", "Exams (hall B)", "Exams (hall B)"])
        #expect(occurrences[1].duration == 3600 && occurrences[0].duration == 7200)
        #expect(occurrences.map(\.status) == [.active, .active, .deleted, .active, .active])
        #expect(occurrences.allSatisfy { $0.type == .blackout })
        let retyped = try await Self.update(feed, id, ["objectType": "KalturaRecordScheduleEvent"])
        #expect(retyped.errorCode == "feed.invalidParameter")
        let recurring = try await Self.update(feed, second, ["recurrence": ["frequency": "weeks"]])
        #expect(recurring.errorCode == "feed.invalidParameter", "an occurrence repeats as its series does")
        // A stale SEQUENCE is refused, as a file's is not applied; a field sent as null is removed.
        let stale = try await Self.update(feed, id, ["sequence": 0, "summary": "x"])
        #expect(stale.errorCode == nil)
        _ = try await Self.update(feed, id, ["sequence": 3])
        let lower = try await Self.update(feed, id, ["sequence": 2])
        #expect(lower.errorCode == "event.staleSequence")
        let cleared = try await Self.update(feed, id, ["summary__null": ""])
        #expect(try cleared.json()["summary"] == nil)
        // A single event again: the occurrences are cancelled, the deleted one stays deleted.
        let single = try await Self.update(feed, id, ["recurrenceType": 0])
        #expect(try single.json()["recurrenceType"] as? Int == RecurrenceType.none.rawValue)
        occurrences = try await Self.occurrences(feed, seriesId: id)
        #expect(occurrences.map(\.status) == [.cancelled, .cancelled, .deleted, .cancelled, .cancelled])
    }

    @Test func anUpdatesRecurrenceIsLaidOverTheSeriesRuleFieldByField() async throws {
        let feed = try await FeedHarness()
        defer { Task { await feed.stop() } }
        let start = (Int64(Date().timeIntervalSince1970) / 86_400 + 7) * 86_400 + 9 * 3600
        let added = try await Self.add(
            feed,
            [
                "objectType": "KalturaRecordScheduleEvent", "startDate": start, "endDate": start + 3600, "recurrenceType": 1,
                "recurrence": ["frequency": "weeks", "count": 10, "byDay": "MO,TH", "timeZone": "Europe/Paris"] as [String: Any],
            ])
        let id = try #require(try added.json()["id"] as? Int)
        func rule() async throws -> String? {
            try await feed.store.events(partnerId: 5).first { $0.id == Int64(id) }?.recurrenceRule
        }
        #expect(try await rule() == "FREQ=WEEKLY;COUNT=10;BYDAY=MO,TH")
        _ = try await Self.update(feed, id, ["recurrence": ["count": 4]])
        #expect(try await rule() == "FREQ=WEEKLY;COUNT=4;BYDAY=MO,TH", "only the count changes")
        #expect(try await Self.occurrences(feed, seriesId: id).filter { $0.status == .active }.count == 4)
        let until = start + 21 * 86_400
        _ = try await Self.update(feed, id, ["recurrence": ["until": until, "byDay__null": ""] as [String: Any]])
        #expect(try await rule() == "FREQ=WEEKLY;UNTIL=\(utc(until))", "an until replaces the count; a part sent as null goes")
    }
}

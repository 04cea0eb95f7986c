import Foundation
import ICalendar
import Schedule
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

/// One occurrence as `Tests/Clients/expand_series.py` (recurring-ical-events) gives it.
private struct Expanded: Decodable, Equatable, CustomStringConvertible {
    var uid: String
    var start: Int64
    var end: Int64
    var recurrenceId: Int64?

    var description: String { "\(isoTime(start))–\(isoTime(end))" }
}

/// The occurrences recurring-ical-events 3.8.2 makes of `calendar`, in order of start.
private func expand(_ calendar: [UInt8]) async throws -> [Expanded] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let script = root.appendingPathComponent("Clients/expand_series.py").path
    let directory = try TemporaryDirectory()
    let input = directory.path + "/calendar.ics"
    try Data(calendar).write(to: URL(fileURLWithPath: input))
    let results = directory.path + "/occurrences.jsonl"
    // Subprocess, not Foundation's Process: a Process's exit can be missed, and its wait then never ends.
    _ = try await offPool { try Subprocess.run("/usr/bin/env", ["python3", script, input, results]) }
    let output = try Data(contentsOf: URL(fileURLWithPath: results))
    return try output.split(separator: 0x0A).map { try JSONDecoder().decode(Expanded.self, from: Data($0)) }
}

/// A file of the repository's `samples/` folder.
private func sample(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples/" + name)
    return try String(contentsOf: url, encoding: .utf8)
}

/// The instant of a recurrence key such as `20261019T071500Z`.
private func instant(ofKey key: String) throws -> Int64 {
    try DateTimeValue(ContentLine(name: "RECURRENCE-ID", value: key)).local.wallSeconds
}

/// Series on both sides of UTC, each across both of its zone's DST changes of 2026, with EXDATEs and RDATEs
/// written in the series' zone, in UTC, in another zone and floating, an UNTIL on the local clock, a Windows
/// zone name without a VTIMEZONE, and a moved occurrence.
private let ownSeries = KalturaFixture.calendar([
    [
        "UID:ny-evening", "DTSTART;TZID=America/New_York:20260203T180000", "DTEND;TZID=America/New_York:20260203T193000",
        "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261201T235959", "EXDATE;TZID=America/New_York:20260310T180000,20261103T180000",
        "EXDATE:20260402T220000Z", "RDATE;TZID=America/New_York:20260307T100000", "RDATE:20261107T150000Z", "SUMMARY:Evening class",
    ],
    [
        "UID:ny-evening", "RECURRENCE-ID;TZID=America/New_York:20261029T180000", "DTSTART;TZID=America/New_York:20261030T170000",
        "DTEND;TZID=America/New_York:20261030T183000", "SUMMARY:Evening class (moved)",
    ],
    [
        "UID:sydney-morning", "DTSTART;TZID=Australia/Sydney:20260304T100000", "DTEND;TZID=Australia/Sydney:20260304T110000",
        "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20261028T000000Z", "EXDATE;TZID=Europe/Berlin:20260408T020000",
        "EXDATE;TZID=Australia/Sydney:20261007T100000", "RDATE;VALUE=PERIOD;TZID=Australia/Sydney:20260405T090000/PT2H",
        "SUMMARY:Morning lab",
    ],
    [
        "UID:tokyo-daily", "DTSTART;TZID=Asia/Tokyo:20260320T083000", "DURATION:PT45M", "RRULE:FREQ=DAILY;COUNT=12",
        "EXDATE;TZID=Asia/Tokyo:20260322T083000", "SUMMARY:Stand-up",
    ],
    [
        "UID:windows-zone", "DTSTART;TZID=W. Europe Standard Time:20260319T160000",
        "DTEND;TZID=W. Europe Standard Time:20260319T170000", "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;TZID=W. Europe Standard Time:20260402T160000", "RDATE;TZID=W. Europe Standard Time:20260328T120000",
        "SUMMARY:Seminar",
    ],
])

/// Series whose RRULE's UNTIL is on the local clock (east and west of UTC), in UTC or a DATE, across DST changes, and
/// a series of dates and a floating series, whose UNTIL stays as written.
private let untilSeries = KalturaFixture.calendar([
    [
        "UID:berlin-local-until", "DTSTART;TZID=Europe/Berlin:20261019T091500", "DTEND;TZID=Europe/Berlin:20261019T101500",
        "RRULE:FREQ=WEEKLY;UNTIL=20270201T083000", "SUMMARY:Berlin",
    ],
    [
        "UID:new-york-local-until", "DTSTART;TZID=America/New_York:20261019T091500", "DTEND;TZID=America/New_York:20261019T100000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270201T091500", "SUMMARY:New York",
    ],
    [
        "UID:los-angeles-date-until", "DTSTART;TZID=America/Los_Angeles:20261020T170000",
        "DTEND;TZID=America/Los_Angeles:20261020T180000", "RRULE:FREQ=WEEKLY;UNTIL=20261229;INTERVAL=2", "SUMMARY:Los Angeles",
    ],
    [
        "UID:tokyo-utc-until", "DTSTART;TZID=Asia/Tokyo:20261101T083000", "DURATION:PT30M", "RRULE:FREQ=DAILY;UNTIL=20261110T000000Z",
        "SUMMARY:Tokyo",
    ],
    ["UID:utc-floating-until", "DTSTART:20261019T120000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;UNTIL=20261025T120000", "SUMMARY:UTC"],
    ["UID:dates-until", "DTSTART;VALUE=DATE:20261102", "RRULE:FREQ=DAILY;UNTIL=20261106", "SUMMARY:Dates"],
    [
        "UID:floating-until", "DTSTART:20261103T100000", "DTEND:20261103T110000", "RRULE:FREQ=DAILY;UNTIL=20261105T100000",
        "SUMMARY:Floating",
    ],
])

/// A weekly series of ten, then the same series shortened to six with an EXDATE and an instance cancelled.
private let shortenedSeries = KalturaFixture.calendar([
    [
        "UID:shrinking", "SEQUENCE:1", "DTSTART;TZID=Europe/Berlin:20261103T140000", "DTEND;TZID=Europe/Berlin:20261103T150000",
        "RRULE:FREQ=WEEKLY;COUNT=6", "EXDATE;TZID=Europe/Berlin:20261117T140000", "SUMMARY:Shrinking",
    ],
    [
        "UID:shrinking", "SEQUENCE:1", "RECURRENCE-ID;TZID=Europe/Berlin:20261124T140000", "DTSTART;TZID=Europe/Berlin:20261124T140000",
        "DTEND;TZID=Europe/Berlin:20261124T150000", "STATUS:CANCELLED", "SUMMARY:Shrinking",
    ],
])

/// The series `shortenedSeries` shortens, as first ingested.
private let fullSeries = KalturaFixture.calendar([
    [
        "UID:shrinking", "DTSTART;TZID=Europe/Berlin:20261103T140000", "DTEND;TZID=Europe/Berlin:20261103T150000",
        "RRULE:FREQ=WEEKLY;COUNT=10", "SUMMARY:Shrinking",
    ]
])

@Suite struct SeriesExportTests {
    /// Ingests `files` and checks, for each series, that recurring-ical-events expands the iCal served for it (the
    /// series alone, then with its occurrences as the feed lists them) into exactly the stored occurrences.
    private func checkRoundTrip(_ files: [(name: String, text: String)], series expected: Int) async throws {
        let harness = try Harness()
        let settings = JobSettings(partnerId: 1)
        _ = try await ingest(harness, "resources.csv", try sample("resources.csv"), modified: 1, settings: settings)
        for (index, file) in files.enumerated() {
            let report = try await ingest(harness, file.name, file.text, modified: Int64(index + 2), settings: settings)
            #expect(report.counts.rejected == 0 && report.counts.warnings == 0, "\(file.name): \(report.items)")
        }
        let events = try await harness.store.events(partnerId: 1)
        let allSeries = events.filter { $0.recurrenceType == .recurring }
        #expect(allSeries.count == expected)
        for series in allSeries {
            let occurrences = events.filter { $0.referenceId == series.referenceId && $0.recurrenceType == .recurrence }
                .sorted { $0.startDate < $1.startDate }
            #expect(occurrences.count > 2 && occurrences.allSatisfy { $0.status == .active })

            // The series alone: the master's instances, each at its recurrence key; the unmoved ones as stored.
            let alone = try await expand(try EventCalendar.calendar([series]))
            let keys = try occurrences.map { try instant(ofKey: $0.recurrenceKey) }.sorted()
            #expect(alone.map(\.start) == keys, "\(series.referenceId): instants of the rule, instant by instant")
            let unmoved = occurrences.filter { $0.source == nil }.map {
                Expanded(uid: $0.referenceId, start: $0.startDate, end: $0.endDate)
            }
            #expect(
                alone.filter { row in unmoved.contains { $0.start == row.start } }.map {
                    Expanded(uid: $0.uid, start: $0.start, end: $0.end)
                }
                    == unmoved, "\(series.referenceId): unmoved occurrences")

            // With its occurrences, as the feed lists them: exactly the stored occurrences.
            let listed = try await expand(try EventCalendar.calendar([series] + occurrences))
            #expect(
                listed.map { Expanded(uid: $0.uid, start: $0.start, end: $0.end) }
                    == occurrences.map { Expanded(uid: $0.referenceId, start: $0.startDate, end: $0.endDate) },
                "\(series.referenceId): occurrences with overrides")
            #expect(
                try listed.map(\.recurrenceId)
                    == occurrences.sorted { $0.startDate < $1.startDate }.map { try instant(ofKey: $0.recurrenceKey) })
        }
    }

    @Test func theSemesterSampleExpandsToItsStoredOccurrencesAcrossDST() async throws {
        try await checkRoundTrip([("semester.ics", try sample("semester.ics"))], series: 2)
    }

    @Test func seriesEastAndWestOfUTCExpandToTheirStoredOccurrencesAcrossDST() async throws {
        try await checkRoundTrip([("own.ics", ownSeries)], series: 4)
    }

    @Test func seriesWithAnUntilOnTheirOwnClockExpandToTheirStoredOccurrences() async throws {
        try await checkRoundTrip([("until.ics", untilSeries)], series: 7)
    }

    /// Ingests `files` in order, exports every stored event that is not deleted and reads the export back; checks
    /// that each item read back is `unchanged`, with no warning but one its file gave it, and that nothing was
    /// rewritten. Returns the harness and the read-back's report.
    private func exportAndReadBack(_ files: [(name: String, text: String)]) async throws -> (Harness, IngestionReport) {
        let harness = try Harness()
        let settings = JobSettings(partnerId: 1)
        _ = try await ingest(harness, "resources.csv", try sample("resources.csv"), modified: 1, settings: settings)
        var firstWarnings: [String: [String]] = [:]
        for (index, file) in files.enumerated() {
            let report = try await ingest(harness, file.name, file.text, modified: Int64(index + 2), settings: settings)
            for item in report.items where item.result != .rejected {
                firstWarnings[item.uid ?? "", default: []] += item.warnings.map(\.code)
            }
        }
        let stored = try await harness.store.events(partnerId: 1).filter { $0.status != .deleted }
        let export = try EventCalendar.calendar(stored)
        let report = try await ingest(harness, "export.ics", String(decoding: export, as: UTF8.self), modified: 100, settings: settings)
        #expect(report.items.count == stored.count, "one item per exported event")
        for item in report.items {
            // The one warning allowed is the one the sample itself gave: an unknown X-KALTURA-* property is kept, so
            // it comes back with its warning.
            #expect(
                item.result == .unchanged && item.warnings.allSatisfy { firstWarnings[item.uid ?? ""]?.contains($0.code) == true },
                "line \(item.line) \(item.uid ?? ""): \(item.result) \(item.code ?? "") \(item.message ?? "") \(item.warnings)")
        }
        #expect(report.counts.unchanged == stored.count)
        #expect(try await harness.store.events(partnerId: 1).filter { $0.status != .deleted } == stored, "nothing was rewritten")
        return (harness, report)
    }

    @Test func everySampleExportedAndReadBackIsUnchangedItemByItem() async throws {
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples").path
        ).filter { $0.hasSuffix(".ics") }.sorted()
        #expect(samples.count >= 4)
        let (_, report) = try await exportAndReadBack(try samples.map { ($0, try sample($0)) })
        #expect(report.items.flatMap(\.warnings).map(\.code) == ["event.unknownKalturaProperty"])
    }

    @Test func seriesWithAnUntilOnTheirOwnClockOrShortenedAreExportedAndReadBackUnchanged() async throws {
        let (harness, report) = try await exportAndReadBack([
            ("until.ics", untilSeries), ("full.ics", fullSeries), ("shortened.ics", shortenedSeries),
        ])
        #expect(report.counts.warnings == 0, "\(report.items.filter { !$0.warnings.isEmpty })")
        let events = try await harness.store.events(partnerId: 1)
        func series(_ uid: String) throws -> ScheduleEvent {
            try #require(events.first { $0.referenceId == uid && $0.recurrenceType == .recurring })
        }
        func starts(_ uid: String, _ status: EventStatus = .active) -> [String] {
            events.filter { $0.referenceId == uid && $0.recurrenceType == .recurrence && $0.status == status }.map(\.startDate)
                .sorted().map(isoTime)
        }
        // A local UNTIL is read on DTSTART's clock, and stored in UTC when DTSTART is in UTC or has a TZID.
        #expect(try series("berlin-local-until").recurrenceRule == "FREQ=WEEKLY;UNTIL=20270201T073000Z")
        #expect(starts("berlin-local-until").last == "2027-01-25T08:15:00Z", "08:30 in Berlin, before that Monday's 09:15")
        #expect(try series("new-york-local-until").recurrenceRule == "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270201T141500Z")
        #expect(starts("new-york-local-until").last == "2027-02-01T14:15:00Z", "09:15 in New York, UNTIL inclusive")
        #expect(try series("los-angeles-date-until").recurrenceRule == "FREQ=WEEKLY;UNTIL=20261230T075959Z;INTERVAL=2")
        #expect(starts("los-angeles-date-until").last == "2026-12-30T01:00:00Z", "17:00 on 29 December in Los Angeles")
        #expect(try series("tokyo-utc-until").recurrenceRule == "FREQ=DAILY;UNTIL=20261110T000000Z")
        #expect(starts("tokyo-utc-until").last == "2026-11-09T23:30:00Z")
        #expect(try series("utc-floating-until").recurrenceRule == "FREQ=DAILY;UNTIL=20261025T120000Z")
        #expect(starts("utc-floating-until").count == 7)
        #expect(try series("dates-until").recurrenceRule == "FREQ=DAILY;UNTIL=20261106", "a series of dates keeps its DATE")
        #expect(starts("dates-until").count == 5)
        #expect(try series("floating-until").recurrenceRule == "FREQ=DAILY;UNTIL=20261105T100000", "a floating series keeps its own")
        #expect(starts("floating-until").count == 3)
        // The shortened series: what it no longer has, and an instance it cancels, are cancelled occurrences.
        #expect(starts("shrinking").count == 4)
        #expect(
            starts("shrinking", .cancelled) == [
                "2026-11-17T13:00:00Z", "2026-11-24T13:00:00Z", "2026-12-15T13:00:00Z", "2026-12-22T13:00:00Z", "2026-12-29T13:00:00Z",
                "2027-01-05T13:00:00Z",
            ])
    }

    @Test func everyPropertyKalturasExportWritesIsReadWithoutWarningAndItsStreamCredentialsAreNotKept() async throws {
        var fixture = try await KalturaFixture()
        // As kSchedulingICalEvent::fromObject writes an occurrence of a live-stream series (X-KALTURA-OWNER-ID aside).
        let kaltura = [
            "UID:stored-series", "RECURRENCE-ID:20250609T090000Z", "DTSTART:20250609T100000Z", "DTEND:20250609T110000Z",
            "SUMMARY:Series (moved)", "X-KALTURA-ID:{OCCURRENCE}", "X-KALTURA-TYPE:2", "X-KALTURA-PARTNER-ID:5", "X-KALTURA-STATUS:2",
            "X-KALTURA-PARENT-ID:{SERIES}", "X-KALTURA-PARENT-UID:stored-series", "X-KALTURA-RESOURCE-IDS:{ROOM}", "X-KALTURA-TAGS:a,b",
            "X-KALTURA-TEMPLATE-ENTRY-ID:0_abcdefgh", "X-KALTURA-ENTRY-IDS:0_abcdefgh", "X-KALTURA-CATEGORY-IDS:12",
            "X-KALTURA-PRIMARY-RTMP-ENDPOINT:rtmp://a.example/live", "X-KALTURA-SECONDARY-RTMP-ENDPOINT:rtmp://b.example/live",
            "X-KALTURA-PRIMARY-RTSP-ENDPOINT:rtsp://a.example/live", "X-KALTURA-SECONDARY-RTSP-ENDPOINT:rtsp://b.example/live",
            "X-KALTURA-LIVE-STREAM-NAME:stream_1", "X-KALTURA-LIVE-STREAM-USERNAME:broadcaster",
            "X-KALTURA-LIVE-STREAM-PASSWORD:s3cret-pass",
        ]
        let occurrence = try #require(try await fixture.occurrences(of: "stored-series").first { $0.recurrenceKey == "20250609T090000Z" })
        fixture.ids["OCCURRENCE"] = occurrence.id
        let report = try await fixture.run(
            "kaltura.ics", KalturaFixture.calendar([kaltura], calendarLines: ["X-KALTURA-TOTAL-COUNT:1", "X-KALTURA-EXECUTION-TIME:0.05"]))
        #expect(report.items.map(\.result) == [.updated] && report.counts.warnings == 0, "\(report.items)")
        let moved = try #require(try await fixture.occurrences(of: "stored-series").first { $0.recurrenceKey == "20250609T090000Z" })
        #expect(
            moved.type == .liveStream && moved.tags == "a,b" && moved.categoryIds == [12] && moved.resourceIds == [fixture.ids["ROOM"]!])
        let stored = try await fixture.events().compactMap(\.source).joined()
        #expect(!stored.contains("s3cret-pass") && !stored.contains("X-KALTURA-LIVE-STREAM"), "the entry's stream credentials are dropped")
        let export = String(decoding: try EventCalendar.calendar(try await fixture.events()), as: UTF8.self)
        #expect(!export.contains("s3cret-pass") && !export.contains("RTMP-ENDPOINT"))
    }
}

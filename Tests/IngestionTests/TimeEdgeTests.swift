import Foundation
import Schedule
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

/// Times at the edges of the iCalendar engine, found on calendars the tests had not seen: a DTEND without a zone, an
/// instance in a DST gap, a DTEND's exact length across a change of offset, and lines that cannot be read whole.
@Suite struct TimeEdgeTests {
    /// The events of `text` ingested as one file: the report, and every stored event with its start and end in UTC.
    private func ingested(_ text: String) async throws -> (report: IngestionReport, events: [ScheduleEvent]) {
        let harness = try Harness()
        let lines = text.split(separator: "\n").map { $0 + "\r\n" }.joined()
        let report = try await ingest(harness, "edge.ics", "BEGIN:VCALENDAR\r\n" + lines + "END:VCALENDAR\r\n", modified: 1)
        return (report, try await harness.store.events(partnerId: 5))
    }

    /// The occurrences of series `uid` as `start/end` in ISO UTC, in order.
    private func occurrences(_ events: [ScheduleEvent], _ uid: String) -> [String] {
        events.filter { $0.referenceId == uid && $0.parentId != nil }.sorted { $0.startDate < $1.startDate }
            .map { isoTime($0.startDate) + "/" + isoTime($0.endDate) }
    }

    @Test(arguments: [
        ("America/New_York", "2025-09-02T13:00:00Z/2025-09-02T14:00:00Z"),
        ("Europe/Berlin", "2025-09-02T07:00:00Z/2025-09-02T08:00:00Z"),
        ("Australia/Sydney", "2025-09-01T23:00:00Z/2025-09-02T00:00:00Z"),
    ])
    func aDTEndWithoutAZoneIsReadInTheStartsZoneWithAWarning(zone: String, expected: String) async throws {
        let (report, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:single
            DTSTART;TZID=\(zone):20250902T090000
            DTEND:20250902T100000
            END:VEVENT
            BEGIN:VEVENT
            UID:weekly
            DTSTART;TZID=\(zone):20250902T090000
            DTEND:20250902T100000
            RRULE:FREQ=WEEKLY;COUNT=2
            END:VEVENT
            """)
        #expect(report.items.map(\.result) == [.added, .added])
        #expect(report.items.allSatisfy { $0.warnings.map(\.code) == ["event.endZoneAssumed"] })
        let single = try #require(events.first { $0.referenceId == "single" })
        #expect(isoTime(single.startDate) + "/" + isoTime(single.endDate) == expected)
        let weekly = occurrences(events, "weekly")
        #expect(weekly.first == expected)
        #expect(weekly.count == 2)
    }

    @Test func anHourlyInstanceInADSTGapIsIgnoredAndNotCounted() async throws {
        let (_, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:new-york
            DTSTART;TZID=America/New_York:20250309T000000
            DTEND;TZID=America/New_York:20250309T010000
            RRULE:FREQ=HOURLY;COUNT=5
            END:VEVENT
            BEGIN:VEVENT
            UID:sydney
            DTSTART;TZID=Australia/Sydney:20251005T000000
            DURATION:PT30M
            RRULE:FREQ=HOURLY;COUNT=4
            END:VEVENT
            """)
        #expect(
            occurrences(events, "new-york") == [
                "2025-03-09T05:00:00Z/2025-03-09T06:00:00Z", "2025-03-09T06:00:00Z/2025-03-09T07:00:00Z",
                "2025-03-09T07:00:00Z/2025-03-09T08:00:00Z", "2025-03-09T08:00:00Z/2025-03-09T09:00:00Z",
                "2025-03-09T09:00:00Z/2025-03-09T10:00:00Z",
            ])
        // Sydney skips 02:00–03:00 on 5 October 2025: 00:00 and 01:00 at +10, then 03:00 and 04:00 at +11.
        #expect(
            occurrences(events, "sydney") == [
                "2025-10-04T14:00:00Z/2025-10-04T14:30:00Z", "2025-10-04T15:00:00Z/2025-10-04T15:30:00Z",
                "2025-10-04T16:00:00Z/2025-10-04T16:30:00Z", "2025-10-04T17:00:00Z/2025-10-04T17:30:00Z",
            ])
    }

    @Test func aDailyInstanceInADSTGapIsMovedForwardAndKeepsItsLength() async throws {
        let (_, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:night
            DTSTART;TZID=America/New_York:20250308T023000
            DURATION:PT1H
            RRULE:FREQ=DAILY;COUNT=3
            END:VEVENT
            """)
        #expect(
            occurrences(events, "night") == [
                "2025-03-08T07:30:00Z/2025-03-08T08:30:00Z",
                "2025-03-09T07:30:00Z/2025-03-09T08:30:00Z",  // 02:30 does not exist: 03:30 EDT, an hour long
                "2025-03-10T06:30:00Z/2025-03-10T07:30:00Z",
            ])
    }

    @Test(arguments: [
        // 22:00 EDT to 06:00 EST is 9 hours; so is every instance.
        (
            "America/New_York", "20251101T220000", "20251102T060000",
            ["2025-11-02T02:00:00Z/2025-11-02T11:00:00Z", "2025-11-03T03:00:00Z/2025-11-03T12:00:00Z"]
        ),
        // East: 22:00 CEST to 06:00 CET.
        (
            "Europe/Berlin", "20251025T220000", "20251026T060000",
            ["2025-10-25T20:00:00Z/2025-10-26T05:00:00Z", "2025-10-26T21:00:00Z/2025-10-27T06:00:00Z"]
        ),
        // South: 22:00 AEDT to 06:00 AEST.
        (
            "Australia/Sydney", "20260404T220000", "20260405T060000",
            ["2026-04-04T11:00:00Z/2026-04-04T20:00:00Z", "2026-04-05T12:00:00Z/2026-04-05T21:00:00Z"]
        ),
    ])
    func aDTEndsExactLengthIsKeptByEveryInstanceAcrossAChangeOfOffset(zone: String, start: String, end: String, expected: [String])
        async throws
    {
        let (_, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:overnight
            DTSTART;TZID=\(zone):\(start)
            DTEND;TZID=\(zone):\(end)
            RRULE:FREQ=DAILY;COUNT=2
            END:VEVENT
            """)
        #expect(occurrences(events, "overnight") == expected)
    }

    @Test func aDTEndThatCannotBeReadRejectsTheEvent() async throws {
        let (report, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:no-colon
            DTSTART:20250902T090000Z
            DTEND
            END:VEVENT
            BEGIN:VEVENT
            UID:open-quote
            DTSTART:20250902T090000Z
            DTEND;TZID="Europe/Berlin:20250902T100000
            END:VEVENT
            BEGIN:VEVENT
            UID:broken-rule
            DTSTART:20250902T090000Z
            RRULE;X:FREQ=DAILY;COUNT=3
            END:VEVENT
            BEGIN:VEVENT
            UID:fine
            DTSTART:20250902T090000Z
            X-NOTE
            END:VEVENT
            """)
        #expect(report.items.map(\.result) == [.rejected, .rejected, .rejected, .added])
        #expect(report.items.prefix(3).allSatisfy { $0.code == "event.unreadableTime" })
        #expect(report.items[3].warnings.map(\.code) == ["ical.malformedContentLine"], "a line that says nothing of time stays a warning")
        #expect(events.map(\.referenceId) == ["fine"])
    }

    @Test func invalidUTF8InASummaryKeepsTheValidTextWithAWarning() async throws {
        let harness = try Harness()
        let bytes =
            Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:latin\r\nDTSTART:20250902T090000Z\r\nSUMMARY:Caf".utf8) + [0xE9]
            + Array(" Kr\u{00FC}ger\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: harness.data + "/latin.ics"))
        let identity = FileIdentity(folderId: "drop", path: "latin.ics", size: Int64(bytes.count), modified: 1)
        let ticket = try #require(try await harness.store.claim(identity, kind: .ical))
        let report = try await harness.runner.run(ticket, stagedFile: harness.data + "/latin.ics", settings: JobSettings(partnerId: 5))
        #expect(report.items.first?.warnings.map(\.code) == ["ical.invalidUTF8"])
        #expect(report.items.first?.warnings.first?.message.contains("line 5") == true)
        #expect(try await harness.store.events(partnerId: 5).first?.summary == "Caf\u{FFFD} Kr\u{00FC}ger")
    }

    @Test func anEventWhoseOwnEXDATERemovesEveryInstanceSaysSo() async throws {
        let (report, events) = try await ingested(
            """
            BEGIN:VEVENT
            UID:series
            DTSTART:20250902T090000Z
            DTEND:20250902T100000Z
            RRULE:FREQ=DAILY;COUNT=2
            EXDATE:20250902T090000Z,20250903T090000Z
            END:VEVENT
            BEGIN:VEVENT
            UID:single
            DTSTART;TZID=Europe/Berlin:20250902T110000
            DTEND;TZID=Europe/Berlin:20250902T120000
            EXDATE:20250902T090000Z
            END:VEVENT
            BEGIN:VEVENT
            UID:kept
            DTSTART:20250902T090000Z
            DTEND:20250902T100000Z
            RRULE:FREQ=DAILY;COUNT=2
            EXDATE:20250902T090000Z
            END:VEVENT
            """)
        #expect(report.items.map { $0.warnings.map(\.code) } == [["event.noOccurrences"], ["event.noOccurrences"], []])
        #expect(occurrences(events, "series").isEmpty)
        #expect(events.first { $0.referenceId == "single" }?.status == .cancelled, "an event that does not happen is cancelled")
        #expect(occurrences(events, "kept").count == 1)
    }
}

import Foundation
import Schedule
import Testing

@testable import Ingestion

/// SPEC §8: what Kaltura's own engine gets wrong with events, each shown right through a whole job.
@Suite struct KalturaShortfallTests {
    /// Runs `text` as a file of partner 5 whose floating times are read in `zone`, and returns the non-occurrence events by UID.
    private func ingestFile(_ text: String, zone: String = "UTC") async throws -> (IngestionReport, [String: ScheduleEvent]) {
        let fixture = try await KalturaFixture()
        let report = try await ingest(
            fixture.harness, "x.ics", text, modified: 1_000,
            settings: JobSettings(partnerId: 5, timeZone: TimeZone(identifier: zone)!))
        let events = try await fixture.events().filter { $0.recurrenceKey.isEmpty && !$0.referenceId.hasPrefix("stored-") }
        return (report, Dictionary(uniqueKeysWithValues: events.map { ($0.referenceId, $0) }))
    }

    @Test func fileWithLFLineEndsIsSplitIntoLines() async throws {
        let text =
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:20250701T090000Z\nSUMMARY:One\nEND:VEVENT\n"
            + "BEGIN:VEVENT\nUID:b\nDTSTART:20250702T090000Z\nSUMMARY:Two\nEND:VEVENT\nEND:VCALENDAR\n"
        let (report, events) = try await ingestFile(text)
        #expect(report.counts.added == 2)
        #expect(events["a"]?.summary == "One" && events["b"]?.summary == "Two")
    }

    @Test func foldedLineWithAColonIsUnfolded() async throws {
        let text = KalturaFixture.calendar([["UID:a", "DTSTART:20250701T090000Z", "SUMMARY:Lecture: Intro\r\n  to: databases"]])
        #expect(try await ingestFile(text).1["a"]?.summary == "Lecture: Intro to: databases")
    }

    @Test func textIsUnescapedOnImport() async throws {
        let text = KalturaFixture.calendar([["UID:a", "DTSTART:20250701T090000Z", "SUMMARY:a\\, b\\; c\\\\ d\\nnext line"]])
        #expect(try await ingestFile(text).1["a"]?.summary == "a, b; c\\ d\nnext line")
    }

    @Test func alarmPropertiesDoNotOverwriteTheEvent() async throws {
        let text = KalturaFixture.calendar([
            [
                "UID:a", "DTSTART:20250701T090000Z", "DTEND:20250701T100000Z", "SUMMARY:Lecture", "DESCRIPTION:Room 1",
                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "SUMMARY:Reminder", "DESCRIPTION:Go now", "DTSTART:20990101T000000Z",
                "END:VALARM",
            ]
        ])
        let event = try #require(try await ingestFile(text).1["a"])
        #expect(event.summary == "Lecture" && event.description == "Room 1" && event.endDate - event.startDate == 3_600)
    }

    @Test func statusCancelledCancels() async throws {
        let text = KalturaFixture.calendar([["UID:a", "DTSTART:20250701T090000Z", "STATUS:CANCELLED"]])
        let (report, events) = try await ingestFile(text)
        #expect(report.items.map(\.result) == [.cancelled])
        #expect(events["a"]?.status == .cancelled)
    }

    @Test func exdateRdateAndOverridesAreApplied() async throws {
        let text = KalturaFixture.calendar([
            [
                "UID:s", "DTSTART:20250701T090000Z", "DTEND:20250701T100000Z", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250702T090000Z",
                "RDATE:20250710T090000Z", "SUMMARY:Series",
            ],
            ["UID:s", "RECURRENCE-ID:20250703T090000Z", "DTSTART:20250703T150000Z", "SUMMARY:Moved"],
        ])
        let (_, events) = try await ingestFile(text)
        #expect(events["s"]?.summary == "Series", "the override does not overwrite its series")
        #expect(events["s"]?.recurrenceType == .recurring)
    }

    @Test func occurrencesOfExdateRdateAndOverridesAreStored() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run(
            "s.ics",
            KalturaFixture.calendar([
                [
                    "UID:s", "DTSTART:20250701T090000Z", "DTEND:20250701T100000Z", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250702T090000Z",
                    "RDATE:20250710T090000Z", "SUMMARY:Series",
                ],
                ["UID:s", "RECURRENCE-ID:20250703T090000Z", "DTSTART:20250703T150000Z", "SUMMARY:Moved"],
            ]))
        let occurrences = try await fixture.occurrences(of: "s")
        #expect(occurrences.map(\.recurrenceKey) == ["20250701T090000Z", "20250703T090000Z", "20250710T090000Z"])
        #expect(occurrences.map(\.summary) == ["Series", "Moved", "Series"])
    }

    @Test func resourceIdsAreLinkedOnImport() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run(
            "r.ics", KalturaFixture.calendar([["UID:a", "DTSTART:20250701T090000Z", "X-KALTURA-RESOURCE-IDS:{CAMERA}"]]))
        #expect(try await fixture.events().first { $0.referenceId == "a" }?.resourceIds == [fixture.ids["CAMERA"]!])
    }

    @Test func datesAndFloatingTimesAreKeptInTheFoldersZone() async throws {
        let text = KalturaFixture.calendar([
            ["UID:day", "DTSTART;VALUE=DATE:20250701"],
            ["UID:floating", "DTSTART:20250701T090000", "DTEND:20250701T100000"],
        ])
        let (report, events) = try await ingestFile(text, zone: "America/New_York")
        #expect(report.counts.added == 2)
        #expect(events["day"]?.startDate == 1_751_342_400 && events["day"]?.duration == 86_400, "midnight in New York, all day")
        #expect(events["floating"]?.startDate == 1_751_374_800, "09:00 in New York (EDT) is 13:00Z")
        #expect(events["floating"]?.timeZoneID == "floating:America/New_York")
    }

    @Test func zonedTimesUseTheOffsetOfTheirOwnDate() async throws {
        let text = KalturaFixture.calendar([
            ["UID:winter", "DTSTART;TZID=Europe/Berlin:20250115T090000"],
            ["UID:summer", "DTSTART;TZID=Europe/Berlin:20250715T090000"],
        ])
        let events = try await ingestFile(text).1
        #expect(events["winter"]?.startDate == 1_736_928_000, "08:00Z")
        #expect(events["summer"]?.startDate == 1_752_562_800, "07:00Z")
    }

    @Test func unknownTimeZoneIsRejectedNotTakenForUTC() async throws {
        let text = KalturaFixture.calendar([["UID:a", "DTSTART;TZID=Campus Standard Time:20250701T090000"]])
        let (report, events) = try await ingestFile(text)
        #expect(report.items.map(\.code) == ["ical.unknownTimeZone"])
        #expect(events.isEmpty)
    }
}

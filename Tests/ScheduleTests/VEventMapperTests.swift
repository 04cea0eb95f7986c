import Foundation
import ICalendar
import Testing

@testable import Schedule

/// Maps the first VEVENT of `text` with partner 7.
private func map(_ text: String, floating: String = "UTC") throws -> Result<ScheduleEvent, ValidationError> {
    var reader = CalendarReader(BufferByteSource(text))
    var zones = ZoneResolver()
    while let item = try reader.next() {
        guard item.component.name == "VEVENT" else { continue }
        return VEventMapper(partnerId: 7, floatingZone: TimeZone(identifier: floating)!)
            .map(item.component, calendarProperties: item.calendarProperties, zones: &zones).map(\.event)
    }
    throw ICalendarError(.notICalendar, line: 0, "no VEVENT")
}

private func calendar(_ event: String, calendarLines: String = "") -> String {
    "BEGIN:VCALENDAR\nVERSION:2.0\n\(calendarLines)BEGIN:VEVENT\n\(event)\nEND:VEVENT\nEND:VCALENDAR\n"
}

private func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Int64 {
    LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute).wallSeconds
}

@Suite struct VEventMapperTests {
    @Test func mapsTheFieldsOfAnEvent() throws {
        let event = try map(
            calendar(
                """
                UID:abc@example.edu
                DTSTART;TZID=Europe/Berlin:20250715T091500
                DTEND;TZID=Europe/Berlin:20250715T104500
                SUMMARY:Algorithms\\, lecture 3
                DESCRIPTION:Line one\\nLine two
                LOCATION:Room 1\\; east wing
                ORGANIZER;CN=Prof:mailto:prof@example.edu
                SEQUENCE:4
                """)
        ).get()
        #expect(event.partnerId == 7)
        #expect(event.referenceId == "abc@example.edu")
        #expect(event.startDate == instant(2025, 7, 15, 7, 15))
        #expect(event.endDate == instant(2025, 7, 15, 8, 45))
        #expect(event.summary == "Algorithms, lecture 3")
        #expect(event.description == "Line one\nLine two")
        #expect(event.location == "Room 1; east wing")
        #expect(event.organizer == "mailto:prof@example.edu")
        #expect(event.sequence == 4)
        #expect(event.timeZoneID == "Europe/Berlin")
        #expect(event.status == .active)
        #expect(event.recurrenceType == RecurrenceType.none)
    }

    @Test func alarmPropertiesDoNotLeakIntoTheEvent() throws {
        let event = try map(
            calendar(
                """
                UID:a
                DTSTART:20250715T090000Z
                SUMMARY:The lecture
                BEGIN:VALARM
                ACTION:DISPLAY
                SUMMARY:Alarm summary
                DESCRIPTION:Alarm description
                TRIGGER:-PT15M
                END:VALARM
                """)
        ).get()
        #expect(event.summary == "The lecture")
        #expect(event.description == nil)
    }

    @Test func endComesFromDurationOrDefaults() throws {
        let withDuration = try map(calendar("UID:a\nDTSTART:20250715T090000Z\nDURATION:PT1H30M")).get()
        #expect(withDuration.endDate - withDuration.startDate == 5400)
        let instantaneous = try map(calendar("UID:a\nDTSTART:20250715T090000Z")).get()
        #expect(instantaneous.endDate == instantaneous.startDate)
        let allDay = try map(calendar("UID:a\nDTSTART;VALUE=DATE:20250715"), floating: "America/New_York").get()
        #expect(allDay.startDate == instant(2025, 7, 15, 4))
        #expect(allDay.endDate == instant(2025, 7, 16, 4))
        #expect(allDay.timeZoneID == "floating:America/New_York")
    }

    @Test func durationOfDaysFollowsTheWallClockAcrossDST() throws {
        // Berlin moves to summer time on 2025-03-30: one nominal day is 23 hours there.
        let event = try map(calendar("UID:a\nDTSTART;TZID=Europe/Berlin:20250329T120000\nDURATION:P1D")).get()
        #expect(event.endDate - event.startDate == 23 * 3600)
    }

    @Test func cancellationComesFromStatusOrMethod() throws {
        #expect(try map(calendar("UID:a\nDTSTART:20250715T090000Z\nSTATUS:CANCELLED")).get().status == .cancelled)
        #expect(try map(calendar("UID:a\nDTSTART:20250715T090000Z", calendarLines: "METHOD:CANCEL\n")).get().status == .cancelled)
        #expect(try map(calendar("UID:a\nDTSTART:20250715T090000Z\nSTATUS:CONFIRMED")).get().status == .active)
    }

    @Test(arguments: [
        // A local UNTIL is read on DTSTART's clock, east and west of UTC and after a DST change; a DATE as its last second.
        ("DTSTART;TZID=Europe/Berlin:20261019T091500", "FREQ=WEEKLY;UNTIL=20270201T091500", "FREQ=WEEKLY;UNTIL=20270201T081500Z"),
        (
            "DTSTART;TZID=America/New_York:20260301T091500", "FREQ=DAILY;UNTIL=20260310T091500;INTERVAL=2",
            "FREQ=DAILY;UNTIL=20260310T131500Z;INTERVAL=2"
        ),
        ("DTSTART;TZID=Asia/Tokyo:20261101T083000", "FREQ=DAILY;until=20261110", "FREQ=DAILY;UNTIL=20261110T145959Z"),
        ("DTSTART:20261019T120000Z", "FREQ=DAILY;UNTIL=20261025T120000", "FREQ=DAILY;UNTIL=20261025T120000Z"),
        // Already in UTC, or a floating or DATE DTSTART: as written.
        ("DTSTART;TZID=Europe/Berlin:20261019T091500", "FREQ=WEEKLY;UNTIL=20270201T081500Z", "FREQ=WEEKLY;UNTIL=20270201T081500Z"),
        ("DTSTART:20261019T091500", "FREQ=WEEKLY;UNTIL=20270201T091500", "FREQ=WEEKLY;UNTIL=20270201T091500"),
        ("DTSTART;VALUE=DATE:20261019", "FREQ=WEEKLY;UNTIL=20270201", "FREQ=WEEKLY;UNTIL=20270201"),
    ])
    func untilIsStoredInUTCWhenTheStartIsInUTCOrHasATZID(start: String, rule: String, stored: String) throws {
        #expect(try map(calendar("UID:a\n\(start)\nRRULE:\(rule)")).get().recurrenceRule == stored)
    }

    @Test(arguments: [
        ("DTSTART:20250715T090000Z", "event.missingUID"),
        ("UID:a", "event.missingStart"),
        ("UID:a\nDTSTART:20250715T090000Z\nDTEND:20250715T080000Z", "event.endBeforeStart"),
        ("UID:a\nDTSTART:20250715T090000Z\nDTEND:20250715T100000Z\nDURATION:PT1H", "event.endAndDuration"),
        ("UID:a\nDTSTART:20250715T090000Z\nSEQUENCE:-1", "event.invalidSequence"),
        ("UID:a\nDTSTART:2025-07-15", "ical.invalidDateTime"),
        ("UID:a\nDTSTART;TZID=Nowhere/Land:20250715T090000", "ical.unknownTimeZone"),
        ("UID:a\nDTSTART:20250715T090000Z\nDURATION:1 hour", "ical.invalidDuration"),
        ("UID:a\nDTSTART:20250715T090000Z\nDTEND:20250716T090001Z", "event.tooLong"),
    ])
    func invalidEventsAreRejectedWithTheirCode(event: String, code: String) throws {
        guard case .failure(let error) = try map(calendar(event)) else {
            Issue.record("expected a rejection with \(code)")
            return
        }
        #expect(error.code == code)
        #expect(!error.message.isEmpty)
    }
}

@Suite struct IngestionReportTests {
    @Test func jsonHasTheStableShapeOfSpecSection4() throws {
        let report = IngestionReport(
            file: FileReport(folderId: "f", path: "a.ics", size: 10, mtime: "2025-01-01T00:00:00Z", sha256: "ab"),
            partnerId: 3, kind: .ical, startedAt: "s", finishedAt: "e", status: .handled,
            items: [
                ItemReport(line: 2, uid: "u1", action: "upsert", result: .added, id: 1),
                ItemReport(line: 9, uid: "u2", action: "upsert", result: .rejected, code: "event.missingStart", message: "m"),
                ItemReport(
                    line: 12, uid: "u3", action: "cancel", result: .cancelled, id: 2, warnings: [ReportWarning(code: "w", message: "x")]),
            ])
        let object = try #require(JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(Set(object.keys) == ["file", "partnerId", "kind", "startedAt", "finishedAt", "status", "counts", "items", "conflicts"])
        #expect(object["kind"] as? String == "ical")
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts == ["added": 1, "updated": 0, "cancelled": 1, "deleted": 0, "unchanged": 0, "rejected": 1, "warnings": 1])
        let file = try #require(object["file"] as? [String: Any])
        #expect(Set(file.keys) == ["folderId", "path", "size", "mtime", "sha256"])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items[1]["code"] as? String == "event.missingStart")
        #expect(Set(items[0].keys) == ["line", "uid", "action", "result", "id", "warnings"])
    }

    @Test func writtenJSONDecodesToAnEqualReport() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} unicode é 日本 🎓"
        let full = IngestionReport(
            file: FileReport(folderId: "f", path: "dir/\(tricky).ics", size: 1 << 40, mtime: "m", etag: "\"abc\"", sha256: "ff"),
            partnerId: -1, kind: .resourceCsv, startedAt: "s", finishedAt: "e", status: .error,
            items: [
                ItemReport(
                    line: 3, systemName: tricky, action: "add", result: .rejected, code: "c", message: tricky,
                    warnings: [ReportWarning(code: "w1", message: tricky), ReportWarning(code: "w2", message: "")]),
                ItemReport(line: 4, uid: "u", action: "upsert", result: .added, id: Int64.max, occurrences: OccurrenceCounts()),
                ItemReport(line: 5, uid: "u", action: "cancel", result: .cancelled, id: 9, recurrenceKey: "20250301T090000Z"),
            ],
            conflicts: [
                ConflictReport(eventId: 1, otherEventId: 2, resourceId: 3, start: 1_740_819_600, end: 1_740_823_200),
                ConflictReport(eventId: 1, otherEventId: 4, resourceId: nil, start: -62_135_596_800, end: 253_402_300_799),
            ], code: "x.y", message: tricky)
        let empty = IngestionReport(
            file: FileReport(folderId: "f", path: "p", size: 0, mtime: nil, sha256: nil), partnerId: 1, kind: .ical,
            startedAt: "s", finishedAt: "e", status: .handled, items: [])
        for report in [full, empty] {
            #expect(try JSONDecoder().decode(IngestionReport.self, from: report.json()) == report)
        }
        let array = try JSONDecoder().decode([IngestionReport].self, from: IngestionReport.jsonArray([full, empty]))
        #expect(array == [full, empty])
    }

    @Test func anItemsRarelySetFieldsChangeOnlyItsCopyAndClearedAreAsNeverSet() {
        let original = ItemReport(line: 1, uid: "u", action: "upsert", result: .rejected, code: "c", message: "m")
        var copy = original
        copy.message = "changed"
        copy.recurrenceKey = "20250301T090000Z"
        #expect(original.message == "m" && original.recurrenceKey == nil)
        #expect(copy.code == "c" && copy.message == "changed" && copy.recurrenceKey == "20250301T090000Z")
        #expect(copy != original)
        (copy.code, copy.message, copy.recurrenceKey) = (nil, nil, nil)
        #expect(copy == ItemReport(line: 1, uid: "u", action: "upsert", result: .rejected))
        copy.occurrences = OccurrenceCounts()
        #expect(copy != ItemReport(line: 1, uid: "u", action: "upsert", result: .rejected))
    }

    @Test func aSummaryOfManyMegabytesIsHandedOverInPiecesThatMakeTheWholeText() throws {
        var spool = ConflictList.Writer(memoryLimit: 1_000)
        for index in 0..<30_000 {
            try spool.append(ConflictReport(eventId: Int64(index), otherEventId: 1, resourceId: 2, start: 0, end: 60))
        }
        let conflicts = try spool.finish()
        let report = IngestionReport(
            file: FileReport(folderId: "f", path: "p", size: 0, mtime: nil, sha256: nil), partnerId: 1, kind: .ical,
            startedAt: "s", finishedAt: "e", status: .handled, items: [], conflicts: conflicts)
        var pieces: [[UInt8]] = []
        report.writeSummary(jobId: 7) { pieces.append($0) }
        #expect(pieces.count > 1, "a summary over a megabyte comes in pieces")
        #expect(pieces.dropLast().allSatisfy { $0.count >= 1 << 20 })
        let lines = String(decoding: pieces.joined(), as: UTF8.self).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("  conflict: ") }.count == 30_000)
        #expect(lines.last == "  conflict: event 29999 overlaps event 1 on resource 2, 1970-01-01T00:00:00Z to 1970-01-01T00:01:00Z")
    }

    @Test func isoTimeFormatsUTC() {
        #expect(isoTime(0) == "1970-01-01T00:00:00Z")
        #expect(isoTime(1_740_819_600) == "2025-03-01T09:00:00Z")
        #expect(isoTime(-1) == "1969-12-31T23:59:59Z")
    }

    @Test func isoSecondsReadsWhatIsoTimeWrites() {
        for seconds: Int64 in [0, -1, 1_740_819_600, 951_782_400, -62_135_596_800, 253_402_300_799] {
            #expect(isoSeconds(isoTime(seconds)) == seconds)
        }
        for text in [
            "", "a", "2025-03-01T09:00:00", "2025-03-01 09:00:00Z", "2025-02-30T09:00:00Z", "2025-13-01T09:00:00Z", "2025-03-01T24:00:00Z",
            "+025-03-01T09:00:00Z",
        ] {
            #expect(isoSeconds(text) == nil, "\(text)")
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import ICalendar

/// The VEVENTs of a calendar text.
private func events(_ body: String) throws -> [Component] {
    var reader = CalendarReader(BufferByteSource("BEGIN:VCALENDAR\n" + body + "\nEND:VCALENDAR\n"))
    var result: [Component] = []
    while let item = try reader.next() {
        if item.component.name == "VEVENT" { result.append(item.component) }
    }
    return result
}

/// The occurrences of the VEVENTs in `body` over [`from`, `to`) (YYYYMMDD, UTC), as `start/end/summary` strings.
private func expand(_ body: String, from: String = "20000101", to: String = "20300101", floatingTimeZone: String? = nil) throws
    -> [String]
{
    let components = try events(body)
    var zones = ZoneResolver()
    let set = RecurrenceSet(uid: components.first?.property("UID")?.value ?? "", components: components, floatingTimeZone: floatingTimeZone)
    return try set.occurrences(overlapping: day(from)..<day(to), zones: &zones).map { occurrence in
        let id = occurrence.recurrenceID.map { OracleFormat.format($0) + " " } ?? ""
        return id + OracleFormat.format(occurrence.start) + "/" + OracleFormat.format(occurrence.end) + " "
            + (occurrence.component.property("SUMMARY")?.value ?? "")
    }
}

private func day(_ text: String) -> Int64 {
    try! DateTimeValue(ContentLine(name: "X", value: text)).local.wallSeconds
}

@Suite struct RecurrenceSetTests {
    @Test func aSingleEventIsOneOccurrenceWithoutRecurrenceID() throws {
        #expect(
            try expand("BEGIN:VEVENT\nUID:a\nDTSTART:20250301T090000Z\nDTEND:20250301T100000Z\nSUMMARY:x\nEND:VEVENT")
                == ["2025-03-01T09:00:00Z/2025-03-01T10:00:00Z x"])
    }

    @Test func zonedSeriesKeepsItsWallClockAcrossDaylightSaving() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART;TZID=Europe/Berlin:20250324T090000
            DURATION:PT1H
            RRULE:FREQ=WEEKLY;COUNT=2
            SUMMARY:x
            END:VEVENT
            """
        #expect(
            try expand(body) == [
                "2025-03-24T08:00:00Z 2025-03-24T08:00:00Z/2025-03-24T09:00:00Z x",
                "2025-03-31T07:00:00Z 2025-03-31T07:00:00Z/2025-03-31T08:00:00Z x",
            ])
    }

    @Test func exdatesRdatesAndPeriodsShapeTheSet() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART:20250301T090000Z
            DTEND:20250301T100000Z
            RRULE:FREQ=DAILY;COUNT=4
            EXDATE:20250302T090000Z,20250303T090000Z
            RDATE;VALUE=PERIOD:20250310T120000Z/PT3H
            RDATE:20250301T090000Z
            SUMMARY:x
            END:VEVENT
            """
        #expect(
            try expand(body) == [
                "2025-03-01T09:00:00Z 2025-03-01T09:00:00Z/2025-03-01T10:00:00Z x",
                "2025-03-04T09:00:00Z 2025-03-04T09:00:00Z/2025-03-04T10:00:00Z x",
                "2025-03-10T12:00:00Z 2025-03-10T12:00:00Z/2025-03-10T15:00:00Z x",
            ])
    }

    @Test func overridesReplaceTheirInstanceAndTheHighestSequenceWins() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART:20250301T090000Z
            DURATION:PT1H
            RRULE:FREQ=DAILY;COUNT=3
            SUMMARY:base
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID:20250302T090000Z
            SEQUENCE:2
            DTSTART:20250302T150000Z
            DURATION:PT2H
            SUMMARY:moved
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID:20250302T090000Z
            SEQUENCE:1
            DTSTART:20250302T170000Z
            SUMMARY:stale
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID:20250320T090000Z
            DTSTART:20250320T090000Z
            SUMMARY:orphan
            END:VEVENT
            """
        #expect(
            try expand(body) == [
                "2025-03-01T09:00:00Z 2025-03-01T09:00:00Z/2025-03-01T10:00:00Z base",
                "2025-03-02T09:00:00Z 2025-03-02T15:00:00Z/2025-03-02T17:00:00Z moved",
                "2025-03-03T09:00:00Z 2025-03-03T09:00:00Z/2025-03-03T10:00:00Z base",
                "2025-03-20T09:00:00Z 2025-03-20T09:00:00Z/2025-03-20T09:00:00Z orphan",
            ])
    }

    @Test func thisAndFutureMovesEveryLaterInstance() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART:20250301T090000Z
            DURATION:PT1H
            RRULE:FREQ=DAILY;COUNT=4
            SUMMARY:base
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID;RANGE=THISANDFUTURE:20250302T090000Z
            DTSTART:20250302T100000Z
            DURATION:PT30M
            SUMMARY:later
            END:VEVENT
            """
        #expect(
            try expand(body) == [
                "2025-03-01T09:00:00Z 2025-03-01T09:00:00Z/2025-03-01T10:00:00Z base",
                "2025-03-02T09:00:00Z 2025-03-02T10:00:00Z/2025-03-02T10:30:00Z later",
                "2025-03-03T09:00:00Z 2025-03-03T10:00:00Z/2025-03-03T10:30:00Z later",
                "2025-03-04T09:00:00Z 2025-03-04T10:00:00Z/2025-03-04T10:30:00Z later",
            ])
    }

    @Test func theWindowKeepsOverlappingOccurrencesAndZeroLengthOnesInside() throws {
        let body = "BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20250301\nRRULE:FREQ=DAILY;COUNT=5\nSUMMARY:d\nEND:VEVENT"
        #expect(try expand(body, from: "20250302", to: "20250304").map { String($0.prefix(10)) } == ["2025-03-02", "2025-03-03"])
        let instant = "BEGIN:VEVENT\nUID:b\nDTSTART:20250302T000000Z\nSUMMARY:z\nEND:VEVENT"
        #expect(try expand(instant, from: "20250302", to: "20250303").count == 1)
        #expect(try expand(instant, from: "20250301", to: "20250302").isEmpty)
    }

    @Test func xWRTimeZoneReadsFloatingTimesAndGloballyUniqueTZIDsResolveByTheirTail() throws {
        let floating = "BEGIN:VEVENT\nUID:a\nDTSTART:20250301T090000\nDURATION:PT1H\nSUMMARY:x\nEND:VEVENT"
        #expect(try expand(floating) == ["2025-03-01T09:00:00/2025-03-01T10:00:00 x"])
        #expect(try expand(floating, floatingTimeZone: "Europe/Berlin") == ["2025-03-01T08:00:00Z/2025-03-01T09:00:00Z x"])
        let unique = "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=/mozilla.org/20070129_1/Europe/Berlin:20250301T090000\nSUMMARY:x\nEND:VEVENT"
        #expect(try expand(unique) == ["2025-03-01T08:00:00Z/2025-03-01T08:00:00Z x"])
    }

    @Test func emptyRulesAreNoRulesAndDateExdatesRemoveTheirDay() throws {
        let empty = "BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20250301\nRRULE:\nRDATE:\nSUMMARY:x\nEND:VEVENT"
        #expect(try expand(empty) == ["2025-03-01/2025-03-02 x"], "not recurring: no RECURRENCE-ID")
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART:20250301T090000Z
            RRULE:FREQ=DAILY;COUNT=3
            EXDATE;VALUE=DATE:20250302
            SUMMARY:x
            END:VEVENT
            """
        #expect(try expand(body).map { String($0.prefix(10)) } == ["2025-03-01", "2025-03-03"])
    }

    @Test func aDateSeriesIsOverriddenByADateTimeRecurrenceIDOnItsDay() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART;VALUE=DATE:20200402
            RRULE:FREQ=WEEKLY;COUNT=3
            SUMMARY:bin
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID;TZID=Europe/London:20200409T000000
            DTSTART;VALUE=DATE:20200410
            SUMMARY:moved
            END:VEVENT
            """
        #expect(
            try expand(body).map { $0.split(separator: " ", maxSplits: 1)[1] } == [
                "2020-04-02/2020-04-03 bin", "2020-04-10/2020-04-11 moved", "2020-04-16/2020-04-17 bin",
            ])
    }

    @Test func anOutdatedCopyOfAnEditedSeriesIsLeftOut() throws {
        let body = """
            BEGIN:VEVENT
            UID:a
            DTSTART;VALUE=DATE:20240701
            RRULE:FREQ=WEEKLY;UNTIL=20240720;INTERVAL=2
            SEQUENCE:2
            SUMMARY:series
            END:VEVENT
            BEGIN:VEVENT
            UID:a
            RECURRENCE-ID;VALUE=DATE:20240729
            DTSTART;VALUE=DATE:20240729
            RRULE:FREQ=WEEKLY;INTERVAL=2
            SEQUENCE:1
            SUMMARY:stale
            END:VEVENT
            """
        #expect(try expand(body).map { String($0.split(separator: " ")[2]) } == ["series", "series"])
    }

    @Test func aRunawaySeriesEndsWithACodedError() throws {
        let body = "BEGIN:VEVENT\nUID:a\nDTSTART:20000101T000000Z\nRRULE:FREQ=MINUTELY\nSUMMARY:x\nEND:VEVENT"
        let error = #expect(throws: ICalendarError.self) { try expand(body) }
        #expect(error?.code == .tooManyOccurrences)
    }

    /// For random series with COUNT and EXDATEs taken from their own instances: exactly COUNT − EXDATEs
    /// occurrences, strictly increasing, all inside the window.
    @Test func countLessExdatesStrictlyIncreasingAndInsideTheWindow() throws {
        var random = SeededGenerator(seed: 20_261_124)
        let frequencies = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
        let weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        let zones = ["Z", "Europe/Berlin", "America/New_York", "floating"]
        for _ in 0..<300 {
            let frequency = frequencies[Int.random(in: 0..<frequencies.count, using: &random)]
            let count = 1 + Int.random(in: 0..<40, using: &random)
            var rule = "FREQ=\(frequency);INTERVAL=\(1 + Int.random(in: 0..<3, using: &random));COUNT=\(count)"
            if frequency == "WEEKLY" && Int.random(in: 0..<2, using: &random) == 0 {
                rule +=
                    ";BYDAY=" + weekdays.shuffled(using: &random).prefix(1 + Int.random(in: 0..<3, using: &random)).joined(separator: ",")
            }
            let zone = zones[Int.random(in: 0..<zones.count, using: &random)]
            let local =
                "2025\(String(format: "%02d", 1 + Int.random(in: 0..<12, using: &random)))\(String(format: "%02d", 1 + Int.random(in: 0..<28, using: &random)))T093000"
            let start =
                switch zone {
                case "Z": "DTSTART:\(local)Z"
                case "floating": "DTSTART:\(local)"
                default: "DTSTART;TZID=\(zone):\(local)"
                }
            let body = "BEGIN:VEVENT\nUID:r\n\(start)\nDURATION:PT1H\nRRULE:\(rule)\nSUMMARY:s\nEND:VEVENT"
            let all = try expand(body, from: "20000101", to: "25000101")
            #expect(all.count == count, "\(rule) \(start)")
            let excluded = all.enumerated().filter { _ in Int.random(in: 0..<4, using: &random) == 0 }.map { $0.element }
            let exdates = excluded.map { line -> String in
                let id = line.prefix(20).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
                return zone == "floating" ? String(id.prefix(15)) : String(id)
            }
            let withExdates =
                exdates.isEmpty
                ? body : body.replacingOccurrences(of: "SUMMARY:s", with: "EXDATE:\(exdates.joined(separator: ","))\nSUMMARY:s")
            let remaining = try expand(withExdates, from: "20000101", to: "25000101")
            #expect(remaining.count == count - excluded.count, "\(rule) \(start) less \(exdates)")
            let starts = remaining.map { $0.split(separator: " ")[1].prefix(20) }
            #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "\(rule) \(start)")
            let window = try expand(withExdates, from: "20250601", to: "20260101")
            #expect(
                window.allSatisfy { line in
                    let parts = line.split(separator: " ")[1].split(separator: "/")
                    return parts[0] < "2026-01-01" && parts[1] > "2025-06-01"
                })
            #expect(window.count <= remaining.count)
        }
    }
}

import Foundation
import Testing

@testable import ICalendar

private func property(_ text: String) throws -> ContentLine {
    try #require(try contentLines(text + "\n").first)
}

private let utc = TimeZone(identifier: "UTC")!

@Suite struct DateTimeValueTests {
    @Test func readsEachForm() throws {
        #expect(try DateTimeValue(property("DTSTART:20250301T090000Z")) == .utc(LocalDateTime(year: 2025, month: 3, day: 1, hour: 9)))
        #expect(
            try DateTimeValue(property("DTSTART:20250301T090000")) == .floating(LocalDateTime(year: 2025, month: 3, day: 1, hour: 9)))
        #expect(try DateTimeValue(property("DTSTART;VALUE=DATE:20250301")) == .date(LocalDateTime(year: 2025, month: 3, day: 1)))
        #expect(try DateTimeValue(property("DTSTART:20250301")) == .date(LocalDateTime(year: 2025, month: 3, day: 1)))
        #expect(
            try DateTimeValue(property("DTSTART;TZID=Europe/Berlin:20250301T090000"))
                == .zoned(LocalDateTime(year: 2025, month: 3, day: 1, hour: 9), tzid: "Europe/Berlin"))
    }

    @Test(arguments: ["20251301T090000Z", "20250230T090000", "2025030T090000", "20250301T250000", "20250301X090000", "tomorrow"])
    func malformedValuesAreErrors(text: String) throws {
        let error = #expect(throws: ICalendarError.self) { try DateTimeValue(property("DTSTART:" + text)) }
        #expect(error?.code == .invalidDateTime)
        #expect(error?.line == 1)
    }

    @Test func zonedTimesUseTheOffsetOfTheirOwnDate() throws {
        var zones = ZoneResolver()
        let winter = try zones.instant(of: DateTimeValue(property("DTSTART;TZID=Europe/Berlin:20250115T090000")), floatingZone: utc)
        let summer = try zones.instant(of: DateTimeValue(property("DTSTART;TZID=Europe/Berlin:20250715T090000")), floatingZone: utc)
        #expect(winter == LocalDateTime(year: 2025, month: 1, day: 15, hour: 8).wallSeconds)
        #expect(summer == LocalDateTime(year: 2025, month: 7, day: 15, hour: 7).wallSeconds)
    }

    @Test func nonexistentLocalTimeMovesForwardByTheGap() {
        // Europe/Berlin skips 02:00-03:00 on 2025-03-30; 02:30 is read as 03:30 CEST = 01:30Z.
        let zone = TimeZone(identifier: "Europe/Berlin")!
        #expect(
            zone.instant(of: LocalDateTime(year: 2025, month: 3, day: 30, hour: 2, minute: 30))
                == LocalDateTime(year: 2025, month: 3, day: 30, hour: 1, minute: 30).wallSeconds)
    }

    @Test func repeatedLocalTimeIsTheFirstOccurrence() {
        // Europe/Berlin repeats 02:00-03:00 on 2025-10-26; 02:30 is the first one, CEST = 00:30Z.
        let zone = TimeZone(identifier: "Europe/Berlin")!
        #expect(
            zone.instant(of: LocalDateTime(year: 2025, month: 10, day: 26, hour: 2, minute: 30))
                == LocalDateTime(year: 2025, month: 10, day: 26, hour: 0, minute: 30).wallSeconds)
    }

    @Test func floatingTimesAreReadInTheGivenZone() throws {
        var zones = ZoneResolver()
        let value = try DateTimeValue(property("DTSTART:20250715T090000"))
        #expect(
            try zones.instant(of: value, floatingZone: TimeZone(identifier: "America/New_York")!)
                == LocalDateTime(year: 2025, month: 7, day: 15, hour: 13).wallSeconds)
    }

    @Test func unknownZoneIsAnErrorNotUTC() throws {
        var zones = ZoneResolver()
        let value = try DateTimeValue(property("DTSTART;TZID=Mars/Olympus_Mons:20250715T090000"))
        let error = #expect(throws: ICalendarError.self) { try zones.instant(of: value, floatingZone: utc, line: 7) }
        #expect(error?.code == .unknownTimeZone)
        #expect(error?.line == 7)
    }

    @Test func civilDateArithmeticRoundTrips() {
        for seconds: Int64 in [-86_401, -1, 0, 951_782_400, 1_709_164_800, 4_102_444_799, 253_402_300_799] {
            #expect(LocalDateTime(wallSeconds: seconds).wallSeconds == seconds)
        }
        #expect(LocalDateTime(year: 2024, month: 2, day: 28).adding(days: 1) == LocalDateTime(year: 2024, month: 2, day: 29))
        #expect(LocalDateTime(year: 2025, month: 2, day: 28).adding(days: 1) == LocalDateTime(year: 2025, month: 3, day: 1))
        #expect(LocalDateTime(year: 2025, month: 3, day: 1, hour: 9, minute: 5, second: 7).description == "20250301T090507")
    }
}

@Suite struct DurationAndTextTests {
    @Test func durationsParse() throws {
        #expect(try ICalDuration(parsing: "P1W") == ICalDuration(days: 7))
        #expect(try ICalDuration(parsing: "-PT1H30M") == ICalDuration(seconds: -5400))
        #expect(try ICalDuration(parsing: "P1DT2H3M4S") == ICalDuration(days: 1, seconds: 7384))
        #expect(try ICalDuration(parsing: "+PT15M") == ICalDuration(seconds: 900))
    }

    @Test(arguments: ["", "P", "PT", "1H", "PT1D", "P1H", "PTH", "P1W2", "P99999999999D"])
    func malformedDurationsAreErrors(text: String) {
        #expect(throws: ICalendarError.self) { try ICalDuration(parsing: text) }
    }

    @Test func textIsUnescaped() {
        #expect(TextValue.unescape(#"a\, b\; c\\ d\nline\Nnext"#) == "a, b; c\\ d\nline\nnext")
        #expect(TextValue.unescape("plain") == "plain")
        #expect(TextValue.unescape(#"trailing\"#) == "trailing\\")
    }
}

import Foundation
import Testing

@testable import ICalendar

/// The folder of libical's VTIMEZONE files, one per tzdata zone.
private let zoneinfoDirectory = corpusDirectory.appendingPathComponent("files/libical-zoneinfo/zoneinfo")

/// The VTIMEZONE components of an iCalendar text.
private func timeZoneComponents(_ text: String) throws -> [Component] {
    try calendarItems(text).map(\.component).filter { $0.name == "VTIMEZONE" }
}

/// The VTIMEZONE of libical's file for an IANA zone.
private func libicalZone(_ name: String) throws -> VTimeZone {
    let text = try String(contentsOf: zoneinfoDirectory.appendingPathComponent(name + ".ics"), encoding: .utf8)
    return try VTimeZone(#require(try timeZoneComponents(text).first))
}

private func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Int64 {
    LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute).wallSeconds
}

@Suite struct VTimeZoneTests {
    @Test func everyLibicalZoneFileParses() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: zoneinfoDirectory.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count == 597)
        var resolver = ZoneResolver()
        for file in files {
            var reader = CalendarReader(try FileByteSource(path: zoneinfoDirectory.appendingPathComponent(file).path))
            var zones = 0
            while let item = try reader.next() {
                guard item.component.name == "VTIMEZONE" else { continue }
                try resolver.register(item.component)
                zones += 1
            }
            #expect(zones == 1, "\(file)")
        }
    }

    /// Offsets of libical's VTIMEZONEs over 2000–2030 equal those of the system's tzdata for the same zone.
    @Test(arguments: [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "Europe/London",
        "Pacific/Auckland", "America/Santiago", "Africa/Casablanca", "Asia/Tehran", "Australia/Lord_Howe",
    ])
    func offsetsMatchTheSystemZone(name: String) throws {
        let defined = try libicalZone(name)
        let system = try #require(TimeZone(identifier: name))
        func systemOffset(_ instant: Int64) -> Int { system.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))) }
        var instant = utc(2000, 1, 1)
        var transitions: [Int64] = []
        while instant < utc(2031, 1, 1) {
            #expect(defined.offset(atInstant: instant) == systemOffset(instant), "\(name) at \(LocalDateTime(wallSeconds: instant))Z")
            if systemOffset(instant) != systemOffset(instant + 4 * 3600) { transitions.append(instant) }
            instant += 4 * 3600 + 17 * 60
        }
        #expect(name == "Asia/Kolkata" || transitions.count > 2, "\(name) changes offset in 2000–2030")
        for window in transitions {
            var second = window
            while second <= window + 4 * 3600 {
                #expect(defined.offset(atInstant: second) == systemOffset(second), "\(name) at \(LocalDateTime(wallSeconds: second))Z")
                let wall = LocalDateTime(wallSeconds: second + Int64(systemOffset(second)) - 3600)
                #expect(defined.instant(of: wall) == system.instant(of: wall), "\(name) wall \(wall)")
                second += 60
            }
        }
    }

    @Test func beforeTheFirstOnsetTheEarliestOffsetFromHolds() throws {
        let berlin = try libicalZone("Europe/Berlin")
        #expect(berlin.offset(atInstant: utc(1850, 6, 1)) == 53 * 60 + 28)
        #expect(berlin.offset(atInstant: utc(1900, 6, 1)) == 3600)
    }

    @Test func endlessRulesReachPastThePrecomputedSpan() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VTIMEZONE
            TZID:Exported Berlin
            BEGIN:STANDARD
            DTSTART:16010101T030000
            TZOFFSETFROM:+0200
            TZOFFSETTO:+0100
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:16010101T020000
            TZOFFSETFROM:+0100
            TZOFFSETTO:+0200
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
            END:DAYLIGHT
            END:VTIMEZONE
            END:VCALENDAR
            """
        let zone = try VTimeZone(#require(try timeZoneComponents(text).first))
        #expect(zone.tzid == "Exported Berlin")
        for year in [1700, 2025, 2199, 2200, 2500, 9000] {
            #expect(zone.offset(atInstant: utc(year, 1, 15)) == 3600, "\(year)")
            #expect(zone.offset(atInstant: utc(year, 7, 15)) == 7200, "\(year)")
        }
        // 2500-03-28 is the last Sunday of March: 02:00 CET becomes 03:00 CEST at 01:00Z.
        #expect(zone.offset(atInstant: utc(2500, 3, 28, 0, 59)) == 3600)
        #expect(zone.offset(atInstant: utc(2500, 3, 28, 1)) == 7200)
    }

    @Test func aZoneOnlyTheFileDefinesResolvesWithGapsAndOverlaps() throws {
        let berlin = try String(contentsOf: zoneinfoDirectory.appendingPathComponent("Europe/Berlin.ics"), encoding: .utf8)
        let custom = berlin.replacingOccurrences(of: "TZID:/citadel.org/20260414_1/Europe/Berlin", with: "TZID:My Custom Zone")
        var resolver = ZoneResolver()
        for component in try timeZoneComponents(custom) { try resolver.register(component) }
        guard case .defined = resolver.zone(for: "My Custom Zone") else {
            Issue.record("My Custom Zone should resolve to its VTIMEZONE")
            return
        }
        func instant(_ local: LocalDateTime) throws -> Int64 {
            try resolver.instant(of: .zoned(local, tzid: "My Custom Zone"), floatingZone: TimeZone(identifier: "UTC")!)
        }
        // 2025-03-30 02:30 does not exist (02:00 CET → 03:00 CEST): it moves forward by the gap, to 03:30 CEST = 01:30Z.
        #expect(try instant(LocalDateTime(year: 2025, month: 3, day: 30, hour: 2, minute: 30)) == utc(2025, 3, 30, 1, 30))
        // 2025-10-26 02:30 happens twice: the first, CEST, is 00:30Z.
        #expect(try instant(LocalDateTime(year: 2025, month: 10, day: 26, hour: 2, minute: 30)) == utc(2025, 10, 26, 0, 30))
        #expect(try instant(LocalDateTime(year: 2025, month: 10, day: 26, hour: 3, minute: 30)) == utc(2025, 10, 26, 2, 30))
        #expect(try instant(LocalDateTime(year: 2025, month: 7, day: 1, hour: 12)) == utc(2025, 7, 1, 10))
    }

    @Test func systemZonesWinOverVTimeZonesOfTheSameName() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VTIMEZONE
            TZID:Europe/Berlin
            BEGIN:STANDARD
            DTSTART:19700101T000000
            TZOFFSETFROM:+0500
            TZOFFSETTO:+0500
            END:STANDARD
            END:VTIMEZONE
            END:VCALENDAR
            """
        var resolver = ZoneResolver()
        for component in try timeZoneComponents(text) { try resolver.register(component) }
        let noon = LocalDateTime(year: 2025, month: 1, day: 15, hour: 12)
        #expect(
            try resolver.instant(of: .zoned(noon, tzid: "Europe/Berlin"), floatingZone: TimeZone(identifier: "UTC")!)
                == utc(2025, 1, 15, 11))
        let error = #expect(throws: ICalendarError.self) {
            try resolver.instant(of: .zoned(noon, tzid: "Nowhere Standard Time"), floatingZone: TimeZone(identifier: "UTC")!, line: 4)
        }
        #expect(error?.code == .unknownTimeZone)
        #expect(
            try resolver.instant(of: .zoned(noon, tzid: "W. Europe Standard Time"), floatingZone: TimeZone(identifier: "UTC")!)
                == utc(2025, 1, 15, 11), "a Windows zone name resolves through the CLDR table")
    }

    @Test(arguments: [
        (
            "BEGIN:VTIMEZONE\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE",
            "ical.invalidTimeZone"
        ),
        ("BEGIN:VTIMEZONE\nTZID:X\nEND:VTIMEZONE", "ical.invalidTimeZone"),
        (
            "BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nEND:STANDARD\nEND:VTIMEZONE",
            "ical.invalidTimeZone"
        ),
        (
            "BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nTZOFFSETTO:+0100\nTZOFFSETFROM:+0100\nEND:STANDARD\nEND:VTIMEZONE",
            "ical.invalidTimeZone"
        ),
        (
            "BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+01\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE",
            "ical.invalidUTCOffset"
        ),
        (
            "BEGIN:VTIMEZONE\nTZID:X\nBEGIN:DAYLIGHT\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=9XX\nEND:DAYLIGHT\nEND:VTIMEZONE",
            "ical.invalidRecurrence"
        ),
    ])
    func malformedVTimeZonesAreCodedErrors(body: String, code: String) throws {
        let components = try timeZoneComponents("BEGIN:VCALENDAR\n" + body + "\nEND:VCALENDAR\n")
        let error = #expect(throws: ICalendarError.self) { try VTimeZone(#require(components.first)) }
        #expect(error?.code.rawValue == code)
    }

    @Test func utcOffsetsParse() throws {
        #expect(try UTCOffset(parsing: "+0100").seconds == 3600)
        #expect(try UTCOffset(parsing: "-053000").seconds == -19_800)
        #expect(try UTCOffset(parsing: "+005328").seconds == 3208)
        #expect(try UTCOffset(parsing: "-0000").seconds == 0)
        #expect(UTCOffset(seconds: -19_800).description == "-0530")
        #expect(UTCOffset(seconds: 3208).description == "+005328")
    }

    @Test(arguments: ["", "0100", "+1", "+01:00", "+2400", "+0160", "+010", "+01000", "+0100000", "+01a0", "++0100"])
    func malformedUTCOffsetsAreCodedErrors(text: String) {
        let error = #expect(throws: ICalendarError.self) { try UTCOffset(parsing: text, line: 3) }
        #expect(error?.code == .invalidUTCOffset)
        #expect(error?.line == 3)
    }
}

import Foundation
import TestSupport
import Testing

@testable import ICalendar

@Suite struct SystemZoneTests {
    @Test(arguments: [
        "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Apia",
        "Africa/Casablanca", "UTC",
    ])
    func theTableAnswersAsFoundationDoes(identifier: String) throws {
        let timeZone = try #require(TimeZone(identifier: identifier))
        let zone = SystemZone(timeZone)
        var random = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            // Any instant from 1901 to 2199, and again right around each hour to catch transitions.
            let instant = Int64.random(in: 0..<9_400_000_000, using: &random) - 2_170_000_000
            for probe in [instant, instant / 3600 * 3600, instant / 3600 * 3600 - 1] {
                #expect(
                    zone.offset(atInstant: probe) == timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe))),
                    "\(identifier) at \(probe)")
            }
        }
    }

    @Test func wallTimesInGapsAndOverlapsFollowRFC5545() throws {
        let zone = SystemZone(try #require(TimeZone(identifier: "Europe/Berlin")))
        // 2025-03-30 02:30 does not exist: read with the offset before the gap (+1), it is 01:30Z.
        #expect(zone.instant(of: LocalDateTime(year: 2025, month: 3, day: 30, hour: 2, minute: 30)) == 1_743_298_200)
        // 2025-10-26 02:30 happens twice: the first, still at +2, is 00:30Z.
        #expect(zone.instant(of: LocalDateTime(year: 2025, month: 10, day: 26, hour: 2, minute: 30)) == 1_761_438_600)
    }
}

import Foundation
import Testing

@testable import ICalendar

/// Up to `limit` instances of `rule` from `start`, floating.
func instances(
    _ rule: String, from start: LocalDateTime, isDate: Bool = false, includeStart: Bool = false, limit: Int = 1000
) throws -> [LocalDateTime] {
    var iterator = try RecurrenceIterator(
        rule: RecurrenceRule(parsing: rule), start: start, startIsDate: isDate, includeStart: includeStart
    ) { $0.wallSeconds }
    var result: [LocalDateTime] = []
    while result.count < limit, let value = try iterator.next() { result.append(value) }
    return result
}

private func day(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> LocalDateTime {
    LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute)
}

@Suite struct RecurrenceIteratorTests {
    @Test func includedStartIsFirstAndCountsTowardCount() throws {
        // 2025-03-04 is a Tuesday; the rule names Mondays only.
        let start = day(2025, 3, 4, 9)
        #expect(
            try instances("FREQ=WEEKLY;BYDAY=MO;COUNT=3", from: start) == [day(2025, 3, 10, 9), day(2025, 3, 17, 9), day(2025, 3, 24, 9)])
        #expect(
            try instances("FREQ=WEEKLY;BYDAY=MO;COUNT=3", from: start, includeStart: true) == [
                start, day(2025, 3, 10, 9), day(2025, 3, 17, 9),
            ])
        #expect(try instances("FREQ=WEEKLY;BYDAY=TU;COUNT=2", from: start, includeStart: true) == [start, day(2025, 3, 11, 9)])
    }

    @Test func timeOfDayPartsAreIgnoredForDates() throws {
        #expect(try instances("FREQ=DAILY;BYHOUR=9,10;COUNT=2", from: day(2025, 3, 4), isDate: true) == [day(2025, 3, 4), day(2025, 3, 5)])
        let error = #expect(throws: ICalendarError.self) { try instances("FREQ=HOURLY;COUNT=2", from: day(2025, 3, 4), isDate: true) }
        #expect(error?.code == .invalidRecurrence)
    }

    @Test func dateUntilIncludesItsWholeDay() throws {
        let result = try instances("FREQ=DAILY;UNTIL=20250306", from: day(2025, 3, 4, 23))
        #expect(result == [day(2025, 3, 4, 23), day(2025, 3, 5, 23), day(2025, 3, 6, 23)])
    }

    @Test func utcUntilIsComparedAsAnInstant() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        var iterator = try RecurrenceIterator(
            rule: RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20250331T070000Z"), start: day(2025, 3, 29, 9), startIsDate: false,
            includeStart: false
        ) { berlin.instant(of: $0) }
        var result: [LocalDateTime] = []
        while let value = try iterator.next() { result.append(value) }
        // 09:00 CET is 08:00Z on the 29th and 30th (DST starts at 02:00 on the 30th: 09:00 CEST = 07:00Z).
        #expect(result == [day(2025, 3, 29, 9), day(2025, 3, 30, 9), day(2025, 3, 31, 9)])
    }

    @Test func iterationEndsAfterTheYear9999() throws {
        #expect(try instances("FREQ=DAILY", from: day(9999, 12, 30, 12)) == [day(9999, 12, 30, 12), day(9999, 12, 31, 12)])
        #expect(try instances("FREQ=YEARLY;INTERVAL=1000", from: day(8000, 1, 1)) == [day(8000, 1, 1), day(9000, 1, 1)])
        #expect(try instances("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=5", from: day(9999, 11, 1)) == [day(9999, 12, 31)])
    }

    @Test(arguments: [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=-30",
        "FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6", "FREQ=WEEKLY;INTERVAL=2;BYMONTH=2;BYDAY=MO;BYSETPOS=9", "FREQ=HOURLY;INTERVAL=48;BYHOUR=1",
        "FREQ=MINUTELY;BYMONTH=11;BYMONTHDAY=31", "FREQ=SECONDLY;INTERVAL=60;BYSECOND=30", "FREQ=SECONDLY;BYSECOND=60",
        "FREQ=HOURLY;INTERVAL=84;BYDAY=MO;BYHOUR=12", "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
    ])
    func rulesThatNeverMatchEndQuicklyWithACodedError(rule: String) {
        let clock = ContinuousClock()
        let began = clock.now
        let error = #expect(throws: ICalendarError.self) { try instances(rule + ";COUNT=2", from: day(2025, 3, 3)) }
        #expect(error?.code == .recurrenceNeverMatches)
        #expect(clock.now - began < .seconds(3))
    }

    @Test func barrenRulesWithUntilJustEnd() throws {
        #expect(try instances("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20300101", from: day(2025, 3, 3)).isEmpty)
    }

    @Test func rareButPossibleRulesAreFound() throws {
        #expect(
            try instances("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2", from: day(2096, 3, 1)) == [day(2104, 2, 29), day(2108, 2, 29)])
        #expect(try instances("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29;COUNT=1", from: day(2000, 3, 1)) == [day(2400, 2, 29)])
    }

    @Test func skippingTowardAWindowMatchesWalkingThere() throws {
        let rules = [
            "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=3", "FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=SU",
            "FREQ=DAILY;INTERVAL=5;BYMONTH=3,9", "FREQ=HOURLY;INTERVAL=7;BYDAY=SA",
            "RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=-366;SKIP=BACKWARD",
        ]
        for rule in rules {
            let start = day(1997, 6, 10, 9, 30)
            let target = day(2031, 2, 14, 12)
            let walked = try instances(rule, from: start, limit: 100_000).filter { $0 >= target }.prefix(12)
            var iterator = try RecurrenceIterator(rule: RecurrenceRule(parsing: rule), start: start, startIsDate: false, includeStart: true)
            {
                $0.wallSeconds
            }
            iterator.skip(to: target)
            var skipped: [LocalDateTime] = []
            while skipped.count < 12, let value = try iterator.next() { skipped.append(value) }
            #expect(skipped == Array(walked), "\(rule)")
        }
    }

    @Test func weeklyExpansionIsCheap() throws {
        let rule = try RecurrenceRule(parsing: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=50")
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<1000 {
                var iterator = try RecurrenceIterator(rule: rule, start: day(2025, 1, 6, 9), startIsDate: false, includeStart: true) {
                    $0.wallSeconds
                }
                while try iterator.next() != nil {}
            }
        }
        #expect(elapsed < .seconds(2), "1000 expansions of 50 instances took \(elapsed)")
    }
}

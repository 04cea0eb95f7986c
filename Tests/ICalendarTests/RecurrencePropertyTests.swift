import TestSupport
import Testing

@testable import ICalendar

/// A random valid RRULE with its DTSTART.
struct RandomRecurrence: CustomStringConvertible {
    var text: String
    var start: LocalDateTime
    var isDate: Bool

    var description: String { "\(text) from \(start)\(isDate ? " (DATE)" : "")" }

    init(using random: inout SeededGenerator, bounded: Bool) {
        let frequencies = ["YEARLY", "YEARLY", "MONTHLY", "MONTHLY", "WEEKLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"]
        let frequency = frequencies.randomElement(using: &random)!
        let subDaily = ["HOURLY", "MINUTELY", "SECONDLY"].contains(frequency)
        isDate = !subDaily && Bool.random(using: &random)
        start = LocalDateTime(
            year: Int.random(in: 1990...2040, using: &random), month: Int.random(in: 1...12, using: &random),
            day: Int.random(in: 1...28, using: &random), hour: isDate ? 0 : Int.random(in: 0...23, using: &random),
            minute: isDate ? 0 : Int.random(in: 0...59, using: &random))
        var parts = ["FREQ=" + frequency, "INTERVAL=\(Int.random(in: 1...4, using: &random))"]
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        func list(_ range: ClosedRange<Int>, signed: Bool, most: Int) -> String {
            (0..<Int.random(in: 1...most, using: &random)).map { _ in
                let value = Int.random(in: range, using: &random)
                return String(signed && Bool.random(using: &random) ? -value : value)
            }.joined(separator: ",")
        }
        let weekNumbers = frequency == "YEARLY" && chance(20)
        if weekNumbers { parts.append("BYWEEKNO=" + list(1...53, signed: true, most: 3)) }
        if chance(30) { parts.append("BYMONTH=" + list(1...12, signed: false, most: 4)) }
        if frequency != "WEEKLY" && chance(25) { parts.append("BYMONTHDAY=" + list(1...31, signed: true, most: 4)) }
        if (frequency == "YEARLY" || subDaily) && chance(15) { parts.append("BYYEARDAY=" + list(1...366, signed: true, most: 3)) }
        if chance(40) {
            let numbered = (frequency == "YEARLY" || frequency == "MONTHLY") && !weekNumbers
            let days = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                let code = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].randomElement(using: &random)!
                guard numbered && chance(40) else { return code }
                return "\(Int.random(in: 1...5, using: &random) * (Bool.random(using: &random) ? 1 : -1))\(code)"
            }
            parts.append("BYDAY=" + days.joined(separator: ","))
        }
        if chance(20) { parts.append("BYHOUR=" + list(0...23, signed: false, most: 3)) }
        if frequency != "SECONDLY" && chance(15) { parts.append("BYMINUTE=" + list(0...59, signed: false, most: 3)) }
        if frequency == "MINUTELY" && chance(20) { parts.append("BYSECOND=" + list(0...59, signed: false, most: 3)) }
        if chance(15) { parts.append("BYSETPOS=" + list(1...5, signed: true, most: 2)) }
        if chance(20) { parts.append("WKST=" + ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].randomElement(using: &random)!) }
        if bounded {
            if Bool.random(using: &random) {
                parts.append("COUNT=\(Int.random(in: 1...40, using: &random))")
            } else {
                let span: Int64 = ["SECONDLY": 7200, "MINUTELY": 3 * 86_400, "HOURLY": 60 * 86_400][frequency] ?? 3000 * 86_400
                let until = LocalDateTime(wallSeconds: start.wallSeconds + Int64.random(in: 0...span, using: &random))
                parts.append("UNTIL=" + (isDate ? String(until.description.prefix(8)) : until.description))
            }
        }
        text = parts.shuffled(using: &random).joined(separator: ";")
    }
}

@Suite struct RecurrencePropertyTests {
    /// Expands a random rule: up to `limit` instances, or nil when it never matches.
    private func expand(_ case: RandomRecurrence, includeStart: Bool = false, limit: Int = 5000) throws -> [LocalDateTime]? {
        do {
            return try instances(`case`.text, from: `case`.start, isDate: `case`.isDate, includeStart: includeStart, limit: limit)
        } catch let error as ICalendarError where error.code == .recurrenceNeverMatches {
            return nil
        }
    }

    @Test func countYieldsExactlyThatManyIncreasingInstances() throws {
        var random = SeededGenerator(seed: 20_250_301)
        var checked = 0
        while checked < 300 {
            let example = RandomRecurrence(using: &random, bounded: true)
            let rule = try RecurrenceRule(parsing: example.text)
            guard let count = rule.count, let result = try expand(example) else { continue }
            checked += 1
            #expect(result.count == count || result.last.map { $0.year > 9000 } == true, "\(example)")
            #expect(zip(result, result.dropFirst()).allSatisfy { $0 < $1 }, "\(example)")
            #expect(result.allSatisfy { $0 >= example.start }, "\(example)")
            let withStart = try #require(try expand(example, includeStart: true))
            #expect(withStart.first == example.start, "\(example)")
            #expect(withStart.count == count || withStart.last.map { $0.year > 9000 } == true, "\(example)")
            #expect(Array(withStart.dropFirst()) == Array(result.filter { $0 != example.start }.prefix(count - 1)), "\(example)")
        }
    }

    @Test func untilBoundsEveryInstance() throws {
        var random = SeededGenerator(seed: 7)
        var checked = 0
        while checked < 300 {
            let example = RandomRecurrence(using: &random, bounded: true)
            let rule = try RecurrenceRule(parsing: example.text)
            guard let until = rule.until, let result = try expand(example, limit: 100_000) else { continue }
            checked += 1
            let last = until.isDate ? until.local.adding(days: 1).wallSeconds - 1 : until.local.wallSeconds
            #expect(result.allSatisfy { $0.wallSeconds <= last }, "\(example)")
            #expect(zip(result, result.dropFirst()).allSatisfy { $0 < $1 }, "\(example)")
        }
    }

    @Test func skippingAheadYieldsWhatWalkingYields() throws {
        var random = SeededGenerator(seed: 99)
        var checked = 0
        while checked < 100 {
            let example = RandomRecurrence(using: &random, bounded: false)
            guard let walked = try expand(example, limit: 1000), walked.count > 10 else { continue }
            checked += 1
            let target = walked[Int.random(in: 1..<walked.count - 5, using: &random)].adding(days: -Int.random(in: 0...40, using: &random))
            var iterator = try RecurrenceIterator(
                rule: RecurrenceRule(parsing: example.text), start: example.start, startIsDate: example.isDate, includeStart: false
            ) { $0.wallSeconds }
            iterator.skip(to: target)
            let expected = walked.filter { $0 >= target }.prefix(5)
            var skipped: [LocalDateTime] = []
            while skipped.count < expected.count, let value = try iterator.next() { skipped.append(value) }
            #expect(skipped == Array(expected), "\(example) skipping to \(target)")
        }
    }
}

/// Rules of whole days checked against a day-by-day search that applies RFC 5545's limits directly.
@Suite struct RecurrenceBruteForceTests {
    /// A random DATE-started rule without ordinals, BYSETPOS, BYYEARDAY or BYWEEKNO.
    private struct DayRule {
        var frequency: RecurrenceRule.Frequency
        var interval: Int
        var months: Set<Int>
        var monthDays: Set<Int>
        var weekdays: Set<Int>
        var weekStart: Int

        init(using random: inout SeededGenerator) {
            frequency = [.daily, .weekly, .monthly, .yearly].randomElement(using: &random)!
            interval = Int.random(in: 1...3, using: &random)
            func pick(_ range: ClosedRange<Int>, _ percent: Int, most: Int) -> Set<Int> {
                guard Int.random(in: 0..<100, using: &random) < percent else { return [] }
                return Set((0..<Int.random(in: 1...most, using: &random)).map { _ in Int.random(in: range, using: &random) })
            }
            months = pick(1...12, 40, most: 4)
            monthDays = frequency == .weekly ? [] : pick(-31...31, 40, most: 4).subtracting([0])
            weekdays = pick(0...6, 50, most: 3)
            weekStart = Int.random(in: 0...6, using: &random)
        }

        var text: String {
            var parts = ["FREQ=\(frequency.rawValue)", "INTERVAL=\(interval)", "WKST=" + RecurrenceRule.Weekday(rawValue: weekStart)!.code]
            if !months.isEmpty { parts.append("BYMONTH=" + months.sorted().map(String.init).joined(separator: ",")) }
            if !monthDays.isEmpty { parts.append("BYMONTHDAY=" + monthDays.sorted().map(String.init).joined(separator: ",")) }
            if !weekdays.isEmpty {
                parts.append("BYDAY=" + weekdays.sorted().map { RecurrenceRule.Weekday(rawValue: $0)!.code }.joined(separator: ","))
            }
            return parts.joined(separator: ";")
        }

        /// Whether `day` is an instance of the rule started on `start`, judged on its own.
        func matches(_ day: Int, start: Int) -> Bool {
            let (year, month, dayOfMonth) = civilFromDays(day)
            let (startYear, startMonth, startDayOfMonth) = civilFromDays(start)
            let length = daysInMonth(year: year, month: month)
            let weekday = Gregorian.weekday(ofDay: day)
            let monthDayOK = monthDays.contains(dayOfMonth) || monthDays.contains(dayOfMonth - length - 1)
            let weekdayOK = weekdays.isEmpty || weekdays.contains(weekday)
            let monthOK = months.isEmpty || months.contains(month)
            switch frequency {
            case .daily:
                return (day - start) % interval == 0 && monthOK && (monthDays.isEmpty || monthDayOK) && weekdayOK
            case .weekly:
                let weeks =
                    (Gregorian.startOfWeek(containing: day, weekStart: weekStart)
                        - Gregorian.startOfWeek(containing: start, weekStart: weekStart)) / 7
                let dayOK = weekdays.isEmpty ? weekday == Gregorian.weekday(ofDay: start) : weekdays.contains(weekday)
                return weeks % interval == 0 && dayOK && monthOK
            case .monthly:
                let dayOK = !monthDays.isEmpty ? monthDayOK && weekdayOK : !weekdays.isEmpty ? weekdayOK : dayOfMonth == startDayOfMonth
                return ((year - startYear) * 12 + month - startMonth) % interval == 0 && monthOK && dayOK
            default:
                let inMonth = !months.isEmpty ? monthOK : (!weekdays.isEmpty && monthDays.isEmpty) || month == startMonth
                let dayOK = !monthDays.isEmpty ? monthDayOK && weekdayOK : !weekdays.isEmpty ? weekdayOK : dayOfMonth == startDayOfMonth
                return (year - startYear) % interval == 0 && inMonth && dayOK
            }
        }
    }

    @Test func dayRulesMatchADayByDaySearch() throws {
        var random = SeededGenerator(seed: 424_242)
        var productive = 0
        for _ in 0..<300 {
            let rule = DayRule(using: &random)
            let start = daysFromCivil(
                year: Int.random(in: 1995...2035, using: &random), month: Int.random(in: 1...12, using: &random),
                day: Int.random(in: 1...28, using: &random))
            let end = start + 5 * 366
            let expected = (start..<end).filter { rule.matches($0, start: start) }.map { LocalDateTime(wallSeconds: Int64($0) * 86_400) }
            var iterator = try RecurrenceIterator(
                rule: RecurrenceRule(parsing: rule.text), start: LocalDateTime(wallSeconds: Int64(start) * 86_400), startIsDate: true,
                includeStart: false
            ) { $0.wallSeconds }
            var result: [LocalDateTime] = []
            do {
                while let value = try iterator.next(), value.wallSeconds < Int64(end) * 86_400 { result.append(value) }
            } catch let error as ICalendarError where error.code == .recurrenceNeverMatches {
                #expect(expected.isEmpty, "\(rule.text) never matches, yet \(expected.first!) does")
                continue
            }
            #expect(result == expected, "\(rule.text) from \(LocalDateTime(wallSeconds: Int64(start) * 86_400))")
            if !expected.isEmpty { productive += 1 }
        }
        #expect(productive > 200, "most random rules have instances within five years")
    }
}

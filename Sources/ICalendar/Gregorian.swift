/// Proleptic Gregorian arithmetic on day numbers (days since 1970-01-01), as recurrence expansion needs it.
///
/// Weekdays are numbered 0 (Monday) to 6 (Sunday), the order of `RecurrenceRule.Weekday`.
enum Gregorian {
    /// Seconds in a calendar day.
    static let secondsPerDay: Int64 = 86_400
    /// The wall seconds of 9999-12-31T23:59:59, the last instant a recurrence may yield.
    static let lastWallSecond: Int64 = LocalDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59).wallSeconds

    /// The weekday of a day number, 0 (Monday) to 6 (Sunday).
    static func weekday(ofDay day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7
    }

    /// Whether `year` has a February 29.
    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// 365 or 366.
    static func daysInYear(_ year: Int) -> Int {
        isLeap(year) ? 366 : 365
    }

    /// The day number of January 1 of `year`.
    static func firstDay(ofYear year: Int) -> Int {
        daysFromCivil(year: year, month: 1, day: 1)
    }

    /// The day number of the first day of week 1 of `year`, weeks starting on `weekStart`.
    ///
    /// Week 1 is the first week with at least four days in the year (RFC 5545 §3.3.10, ISO 8601 when the week starts on Monday).
    static func weekOneStart(year: Int, weekStart: Int) -> Int {
        let january1 = firstDay(ofYear: year)
        let offset = (weekday(ofDay: january1) - weekStart + 7) % 7
        return offset <= 3 ? january1 - offset : january1 - offset + 7
    }

    /// The week-numbering year that `day` belongs to, weeks starting on `weekStart`.
    static func weekYear(ofDay day: Int, weekStart: Int) -> Int {
        let year = civilFromDays(day).0
        if day < weekOneStart(year: year, weekStart: weekStart) { return year - 1 }
        if day >= weekOneStart(year: year + 1, weekStart: weekStart) { return year + 1 }
        return year
    }

    /// The first day of the week (starting on `weekStart`) that holds `day`.
    static func startOfWeek(containing day: Int, weekStart: Int) -> Int {
        day - (weekday(ofDay: day) - weekStart + 7) % 7
    }

    /// Greatest common divisor of two positive numbers.
    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}

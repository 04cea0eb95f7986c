extension RecurrenceRule {
    /// RRULE text with its UNTIL in UTC, the form RFC 5545 §3.3.10 requires when DTSTART is in UTC or has a TZID; the
    /// other parts stay as written.
    ///
    /// `instant` gives the instant of a wall time on DTSTART's clock. A local UNTIL is read on that clock and a DATE
    /// as its last second, as `RecurrenceIterator` reads them, so the rule keeps its instances (but for an UNTIL in a
    /// DST gap, which no UTC instant matches exactly). Text that does not parse, has no UNTIL, or has it in UTC
    /// already, is returned as it is.
    public static func textWithUntilInUTC(_ text: String, instant: (LocalDateTime) throws -> Int64) rethrows -> String {
        guard let until = (try? RecurrenceRule(parsing: text))?.until else { return text }
        let local: LocalDateTime
        switch until {
        case .utc: return text
        case .floating(let value), .zoned(let value, _): local = value
        case .date(let day): local = LocalDateTime(wallSeconds: day.wallSeconds + Gregorian.secondsPerDay - 1)
        }
        let utc = LocalDateTime(wallSeconds: try instant(local)).description + "Z"
        return text.split(separator: ";", omittingEmptySubsequences: false).map { part in
            String(part).trimmingSpaces.asciiUppercased.hasPrefix("UNTIL=") ? "UNTIL=" + utc : String(part)
        }.joined(separator: ";")
    }
}

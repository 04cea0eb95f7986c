import Foundation

/// Turns TZIDs into time zones and wall-clock times into instants, as RFC 5545 §3.3.5 asks.
///
/// A TZID is looked up as an IANA name in the system's tzdata. Lookups are cached, so one
/// resolver should serve a whole file.
public struct ZoneResolver: Sendable {
    private var cache: [String: TimeZone?] = [:]

    /// Creates a resolver with an empty cache.
    public init() {}

    /// The zone a TZID names, or nil when it names none.
    public mutating func zone(for tzid: String) -> TimeZone? {
        if let cached = cache[tzid] { return cached }
        let zone = TimeZone(identifier: tzid.trimmingSpaces)
        cache[tzid] = zone
        return zone
    }

    /// The instant (seconds since 1970 UTC) of `value`; floating values and dates are read in `floatingZone`.
    ///
    /// Throws `unknownTimeZone` when a TZID names no zone: an unknown zone never becomes UTC silently.
    public mutating func instant(of value: DateTimeValue, floatingZone: TimeZone, line: Int = 0) throws -> Int64 {
        switch value {
        case .utc(let local):
            return local.wallSeconds
        case .date(let local), .floating(let local):
            return floatingZone.instant(of: local)
        case .zoned(let local, let tzid):
            guard let zone = zone(for: tzid) else {
                throw ICalendarError(.unknownTimeZone, line: line, "TZID \(excerpt(tzid)) names no known time zone")
            }
            return zone.instant(of: local)
        }
    }
}

extension TimeZone {
    /// The instant of a wall-clock time in this zone.
    ///
    /// A time that occurs twice (the hour repeated when clocks go back) is the first of the two;
    /// a time that does not exist (skipped when clocks go forward) is read with the offset in
    /// force before the gap, so it lands after the gap by the gap's length (RFC 5545 §3.3.5).
    public func instant(of local: LocalDateTime) -> Int64 {
        let wall = local.wallSeconds
        let offsetBefore = Int64(secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - 86_400))))
        let offsetAfter = Int64(secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall + 86_400))))
        let candidates = [wall - offsetBefore, wall - offsetAfter].filter { instant in
            Int64(secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))) == wall - instant
        }
        return candidates.min() ?? wall - offsetBefore
    }
}

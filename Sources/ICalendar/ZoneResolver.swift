import Foundation

/// Turns TZIDs into time zones and wall-clock times into instants, as RFC 5545 §3.3.5 asks.
///
/// A TZID is looked up, in this order, as an IANA name in the system's tzdata, as a Windows zone
/// name (`WindowsZones`), and as the TZID of a VTIMEZONE the file defined (`register(_:)`).
/// Lookups are cached, so one resolver should serve a whole file.
public struct ZoneResolver: Sendable {
    /// A zone a TZID resolves to.
    public enum Zone: Sendable {
        /// A zone of the system's tzdata.
        case system(SystemZone)
        /// A zone the file defines with a VTIMEZONE.
        case defined(VTimeZone)

        /// The instant of a wall-clock time in this zone; see `TimeZone.instant(of:)` for gaps and overlaps.
        public func instant(of local: LocalDateTime) -> Int64 {
            instant(ofWall: local.wallSeconds)
        }

        /// The instant of a wall-clock time given as `LocalDateTime.wallSeconds`.
        func instant(ofWall wall: Int64) -> Int64 {
            switch self {
            case .system(let zone): zone.instant(ofWall: wall)
            case .defined(let zone): zone.instant(ofWall: wall)
            }
        }

        /// The offset from UTC, in seconds east, in force at `instant`.
        public func offset(atInstant instant: Int64) -> Int {
            switch self {
            case .system(let zone): zone.offset(atInstant: instant)
            case .defined(let zone): zone.offset(atInstant: instant)
            }
        }
    }

    private var cache: [String: Zone?] = [:]
    /// The TZID asked last and its answer: files name one zone over and over.
    private var last: (tzid: String, zone: Zone?)?
    private var definitions: [String: VTimeZone] = [:]

    /// Creates a resolver with an empty cache and no VTIMEZONE.
    public init() {}

    /// The IANA zone at the end of a globally unique TZID (RFC 5545 §3.2.19) that the file does not define,
    /// such as `/freeassociation.sourceforge.net/Europe/Berlin` or `/mozilla.org/20070129_1/America/New_York`.
    static func globallyUniqueZone(_ name: String) -> TimeZone? {
        guard name.hasPrefix("/") else { return nil }
        let parts = name.split(separator: "/")
        for count in stride(from: min(3, parts.count), through: 1, by: -1) {
            if let zone = TimeZone(identifier: parts.suffix(count).joined(separator: "/")) { return zone }
        }
        return nil
    }

    /// Makes a VTIMEZONE of the file available to the TZIDs that name it.
    ///
    /// A later VTIMEZONE with the same TZID replaces an earlier one. Throws what `VTimeZone.init` throws.
    public mutating func register(_ component: Component) throws {
        let zone = try VTimeZone(component)
        definitions[zone.tzid] = zone
        cache[zone.tzid] = nil
        last = nil
    }

    /// The zone a TZID names, or nil when it names none.
    public mutating func zone(for tzid: String) -> Zone? {
        if let last, last.tzid == tzid { return last.zone }
        if let cached = cache[tzid] {
            last = (tzid, cached)
            return cached
        }
        let name = tzid.trimmingSpaces
        let zone: Zone?
        if let system = TimeZone(identifier: name) {
            zone = .system(SystemZone(system))
        } else if let windows = WindowsZones.ianaIdentifier(forWindowsName: name), let system = TimeZone(identifier: windows) {
            zone = .system(SystemZone(system))
        } else if let defined = definitions[tzid] ?? definitions[name] {
            zone = .defined(defined)
        } else {
            zone = Self.globallyUniqueZone(name).map { .system(SystemZone($0)) }
        }
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
            return try knownZone(tzid, line: line).instant(of: local)
        }
    }

    /// The value with a TZID converted to UTC; other values unchanged.
    mutating func resolved(_ value: DateTimeValue) throws -> DateTimeValue {
        guard case .zoned = value else { return value }
        return .utc(LocalDateTime(wallSeconds: try key(of: value)))
    }

    /// The value as seconds for comparing instances: the instant for UTC and zoned times, the wall clock read as UTC otherwise.
    mutating func key(of value: DateTimeValue) throws -> Int64 {
        guard case .zoned(let local, let tzid) = value else { return value.local.wallSeconds }
        return try knownZone(tzid).instant(of: local)
    }

    /// A function from wall-clock times (`LocalDateTime.wallSeconds`) on `value`'s clock to keys (see `key(of:)`).
    mutating func converter(for value: DateTimeValue) throws -> @Sendable (Int64) -> Int64 {
        guard case .zoned(_, let tzid) = value else { return { $0 } }
        let zone = try knownZone(tzid)
        return { zone.instant(ofWall: $0) }
    }

    /// A function from keys (see `key(of:)`) to wall-clock times on `value`'s clock: the inverse of `converter(for:)`
    /// but for a time in a gap, which it gives as the wall time the gap moves it to.
    mutating func wallConverter(for value: DateTimeValue) throws -> @Sendable (Int64) -> Int64 {
        guard case .zoned(_, let tzid) = value else { return { $0 } }
        let zone = try knownZone(tzid)
        return { $0 + Int64(zone.offset(atInstant: $0)) }
    }

    /// The zone a TZID names; `unknownTimeZone` when it names none, so that an unknown zone never becomes UTC silently.
    private mutating func knownZone(_ tzid: String, line: Int = 0) throws -> Zone {
        guard let zone = zone(for: tzid) else {
            throw ICalendarError(.unknownTimeZone, line: line, "TZID \(excerpt(tzid)) names no known time zone")
        }
        return zone
    }
}

extension TimeZone {
    /// The instant of a wall-clock time in this zone.
    ///
    /// A time that occurs twice (the hour repeated when clocks go back) is the first of the two;
    /// a time that does not exist (skipped when clocks go forward) is read with the offset in
    /// force before the gap, so it lands after the gap by the gap's length (RFC 5545 §3.3.5).
    public func instant(of local: LocalDateTime) -> Int64 {
        wallClockInstant(local.wallSeconds) { secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0))) }
    }
}

/// The instant of a wall-clock time (`LocalDateTime.wallSeconds`) in a zone whose offset (seconds east of UTC) at
/// an instant is `offset`.
///
/// The offsets a day before and a day after are candidates; of those that give back the wall time the
/// earlier wins (an overlap's first pass), and when neither does (a gap) the offset before it is used.
func wallClockInstant(_ wall: Int64, offset: (Int64) -> Int) -> Int64 {
    let before = wall - Int64(offset(wall - 86_400))
    let after = wall - Int64(offset(wall + 86_400))
    let beforeHolds = Int64(offset(before)) == wall - before
    let afterHolds = Int64(offset(after)) == wall - after
    switch (beforeHolds, afterHolds) {
    case (true, true): return min(before, after)
    case (false, true): return after
    default: return before
    }
}

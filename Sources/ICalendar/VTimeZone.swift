/// A time zone defined by a VTIMEZONE component (RFC 5545 §3.6.5) rather than by the system's tzdata.
///
/// Every STANDARD and DAYLIGHT observance contributes onsets: its DTSTART, its RDATEs and the
/// instances of its RRULE, each a wall time in the observance's TZOFFSETFROM, after which
/// TZOFFSETTO is in force. Before the earliest onset the earliest observance's TZOFFSETFROM is.
/// Onsets up to 2200 are computed once, when the zone is built, so lookups are a binary search;
/// RRULEs without an end are expanded on demand for instants after that.
public struct VTimeZone: Sendable {
    /// The TZID the VTIMEZONE defines.
    public let tzid: String

    /// The moment one offset gives way to another.
    private struct Transition: Sendable {
        var instant: Int64
        var offsetFrom: Int
        var offsetTo: Int
    }

    /// An observance whose RRULE never ends, kept for instants past the precomputed span.
    private struct OpenRule: Sendable {
        var rule: RecurrenceRule
        var start: LocalDateTime
        var offsetFrom: Int
        var offsetTo: Int
    }

    /// Onsets are precomputed up to this instant (2200-01-01T00:00:00Z).
    private static let horizon = LocalDateTime(year: 2200, month: 1, day: 1).wallSeconds

    private let transitions: [Transition]
    private let openRules: [OpenRule]

    /// Builds the zone from a VTIMEZONE component.
    ///
    /// Throws `invalidTimeZone` when TZID, every observance, or an observance's DTSTART or offsets are
    /// missing; `invalidUTCOffset`, `invalidDateTime` or `invalidRecurrence` for malformed values. An
    /// RRULE that never matches contributes only its DTSTART.
    public init(_ component: Component) throws {
        guard component.name == "VTIMEZONE" else {
            throw ICalendarError(.invalidTimeZone, line: component.line, "\(component.name) is not a VTIMEZONE")
        }
        guard let tzid = component.property(upperCased: "TZID").map({ TextValue.unescape($0.value).trimmingSpaces }), !tzid.isEmpty else {
            throw ICalendarError(.invalidTimeZone, line: component.line, "VTIMEZONE without TZID")
        }
        self.tzid = tzid
        var transitions: [Transition] = []
        var openRules: [OpenRule] = []
        for observance in component.components where observance.name == "STANDARD" || observance.name == "DAYLIGHT" {
            func required(_ name: String) throws -> ContentLine {
                guard let property = observance.property(name) else {
                    throw ICalendarError(.invalidTimeZone, line: observance.line, "\(observance.name) of \(excerpt(tzid)) has no \(name)")
                }
                return property
            }
            let fromProperty = try required("TZOFFSETFROM")
            let toProperty = try required("TZOFFSETTO")
            let startProperty = try required("DTSTART")
            let offsetFrom = try UTCOffset(parsing: fromProperty.value, line: fromProperty.line).seconds
            let offsetTo = try UTCOffset(parsing: toProperty.value, line: toProperty.line).seconds
            let start = try DateTimeValue(startProperty)
            func onset(_ value: DateTimeValue) -> Transition {
                var instant = value.local.wallSeconds
                if case .utc = value {} else { instant -= Int64(offsetFrom) }
                return Transition(instant: instant, offsetFrom: offsetFrom, offsetTo: offsetTo)
            }
            transitions.append(onset(start))
            for property in observance.properties(upperCased: "RDATE") {
                transitions += try Self.dates(of: property).map(onset)
            }
            for property in observance.properties(upperCased: "RRULE") {
                let rule = try RecurrenceRule(parsing: property.value, line: property.line)
                var iterator = try RecurrenceIterator(
                    rule: rule, start: start.local, startIsDate: false, includeStart: true, line: property.line
                ) { $0.wallSeconds - Int64(offsetFrom) }
                do {
                    while let wall = try iterator.next(), wall.wallSeconds - Int64(offsetFrom) <= Self.horizon {
                        transitions.append(
                            Transition(instant: wall.wallSeconds - Int64(offsetFrom), offsetFrom: offsetFrom, offsetTo: offsetTo))
                    }
                } catch let error as ICalendarError where error.code == .recurrenceNeverMatches {
                    // Only the DTSTART onset, already added.
                }
                if rule.count == nil && rule.until == nil {
                    openRules.append(OpenRule(rule: rule, start: start.local, offsetFrom: offsetFrom, offsetTo: offsetTo))
                }
            }
        }
        guard !transitions.isEmpty else {
            throw ICalendarError(
                .invalidTimeZone, line: component.line, "VTIMEZONE \(excerpt(tzid)) has no STANDARD or DAYLIGHT observance")
        }
        self.transitions = transitions.enumerated().sorted { ($0.element.instant, $0.offset) < ($1.element.instant, $1.offset) }
            .map(\.element)
        self.openRules = openRules
    }

    /// The offset from UTC, in seconds east, in force at `instant` (seconds since 1970 UTC).
    public func offset(atInstant instant: Int64) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle].instant <= instant { low = middle + 1 } else { high = middle }
        }
        var latest = low > 0 ? transitions[low - 1] : nil
        if instant > Self.horizon {
            for open in openRules {
                if let onset = Self.lastOnset(of: open, atOrBefore: instant), onset.instant >= latest?.instant ?? .min { latest = onset }
            }
        }
        return latest?.offsetTo ?? transitions[0].offsetFrom
    }

    /// The instant of a wall-clock time in this zone, with the rules of `TimeZone.instant(of:)`.
    ///
    /// A repeated wall time is the first of the two; a skipped one moves forward by the gap (RFC 5545 §3.3.5).
    public func instant(of local: LocalDateTime) -> Int64 {
        instant(ofWall: local.wallSeconds)
    }

    /// The instant of a wall-clock time given as `LocalDateTime.wallSeconds`.
    func instant(ofWall wall: Int64) -> Int64 {
        wallClockInstant(wall) { offset(atInstant: $0) }
    }

    /// The latest onset of an open rule at or before `instant`, searching back two years from it.
    private static func lastOnset(of open: OpenRule, atOrBefore instant: Int64) -> Transition? {
        guard
            var iterator = try? RecurrenceIterator(
                rule: open.rule, start: open.start, startIsDate: false, includeStart: true,
                instant: {
                    $0.wallSeconds - Int64(open.offsetFrom)
                })
        else { return nil }
        iterator.skip(to: LocalDateTime(wallSeconds: instant + Int64(open.offsetFrom) - 2 * 366 * Gregorian.secondsPerDay))
        var latest: Transition?
        while let wall = try? iterator.next(), wall.wallSeconds - Int64(open.offsetFrom) <= instant {
            latest = Transition(instant: wall.wallSeconds - Int64(open.offsetFrom), offsetFrom: open.offsetFrom, offsetTo: open.offsetTo)
        }
        return latest
    }

    /// The dates of an RDATE property: comma-separated DATE-TIMEs, DATEs, or PERIODs (their starts).
    private static func dates(of property: ContentLine) throws -> [DateTimeValue] {
        try property.value.split(separator: ",").map { item in
            let text = String(item.split(separator: "/").first ?? item).trimmingSpaces
            if let date = DateTimeValue.parseDate(text.utf8) { return .date(date) }
            guard let (value, isUTC) = DateTimeValue.parseDateTime(text) else {
                throw ICalendarError(.invalidDateTime, line: property.line, "RDATE is not a DATE-TIME: \(excerpt(text))")
            }
            return isUTC ? .utc(value) : .floating(value)
        }
    }
}

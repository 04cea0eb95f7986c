import Foundation

/// The VEVENTs that share one UID — a master and its RECURRENCE-ID overrides — and the occurrences they make.
///
/// The master's instances are its DTSTART (always the first instance, RFC 5545 §3.8.5.3, and
/// counted by the first RRULE's COUNT, §3.3.10; a further RRULE, which RFC 5545 deprecates,
/// counts only its own instances), every RRULE's instances and every RDATE, less the EXDATEs.
/// Of several components without RECURRENCE-ID the one with the highest SEQUENCE is the master
/// (the first on a tie), as RFC 5545 §3.8.7.4 makes SEQUENCE the revision. An EXDATE that is a
/// DATE removes every instance starting on that day.
///
/// An override replaces the instance whose start equals its RECURRENCE-ID; with
/// `RANGE=THISANDFUTURE` it also moves every later instance by the same shift and lends them its
/// duration and properties. Of several overrides for one instance the highest SEQUENCE wins (the
/// later one on a tie). An override that matches no instance still stands as an occurrence,
/// unless an EXDATE removes its RECURRENCE-ID or it is an outdated copy of an edited series (it
/// has an RRULE of its own and a lower SEQUENCE than the master), as Thunderbird leaves behind.
public struct RecurrenceSet: Sendable {
    /// The most instances one set may produce before expansion stops with an error.
    public static var maximumInstances: Int { 200_000 }

    /// The UID the components share.
    public let uid: String
    /// The component without RECURRENCE-ID with the highest SEQUENCE, if any.
    public let master: Component?
    /// The components with a RECURRENCE-ID, in file order.
    public let overrides: [Component]

    /// Groups `components` (all with UID `uid`) into the master and its overrides.
    ///
    /// With `floatingTimeZone` (a calendar's `X-WR-TIMEZONE`, as Google writes it), floating
    /// DTSTART, DTEND, RDATE, EXDATE and RECURRENCE-ID values are read in that zone.
    public init(uid: String, components: [Component], floatingTimeZone: String? = nil) {
        self.uid = uid
        let read = floatingTimeZone.map { zone in components.map { $0.readingFloatingTimes(in: zone) } } ?? components
        var master: Component?
        var overrides: [Component] = []
        for component in read {
            if component.hasProperty(upperCased: "RECURRENCE-ID") {
                overrides.append(component)
            } else if master == nil || component.sequence > master!.sequence {
                master = component
            }
        }
        self.master = master
        self.overrides = overrides
    }

    /// Whether the event recurs: the master has a non-empty RRULE or RDATE (empty ones are ignored), or there are overrides.
    public var isRecurring: Bool {
        guard overrides.isEmpty, let master else { return true }
        return master.properties.contains { property in
            (property.hasName("RRULE") || property.hasName("RDATE")) && property.withValueBytes { !trimmingSpaces($0).isEmpty }
        }
    }

    /// Every occurrence that overlaps `window` (seconds since 1970; floating times and dates are
    /// compared as if they were UTC), in order of start. A zero-length occurrence is in the window
    /// when it starts inside it.
    public func occurrences(overlapping window: Range<Int64>, zones: inout ZoneResolver) throws -> [Occurrence] {
        let recurring = isRecurring
        var result: [Occurrence] = []
        // The wall seconds of each occurrence's start, to sort by.
        var starts: [Int64] = []
        /// Keeps the occurrence that `make` makes when `begins..<ends` (wall seconds of its resolved start and end) overlaps the window.
        func emit(begins: Int64, ends: Int64, _ make: () throws -> Occurrence) rethrows {
            if begins < window.upperBound && (window.lowerBound < ends || (begins == ends && window.lowerBound <= begins)) {
                result.append(try make())
                starts.append(begins)
            }
        }
        /// An occurrence at `start` lasting `timing`'s exact length when it has one, else its wall-clock length.
        func emit(_ start: DateTimeValue, timing: Timing, id: DateTimeValue?, from component: Component) throws {
            let resolvedStart = try zones.resolved(start)
            let resolvedEnd =
                if let exact = timing.exactDuration, resolvedStart.isAbsolute {
                    DateTimeValue.utc(LocalDateTime(wallSeconds: resolvedStart.local.wallSeconds + exact))
                } else {
                    try zones.resolved(start.adding(seconds: timing.duration))
                }
            emit(begins: resolvedStart.local.wallSeconds, ends: resolvedEnd.local.wallSeconds) {
                Occurrence(recurrenceID: id, start: resolvedStart, end: resolvedEnd, component: component)
            }
        }
        if !recurring {
            // A single event: its DTSTART, unless an EXDATE removes it.
            guard let master, let timing = try Timing(master, zones: &zones) else { return [] }
            if master.hasProperty(upperCased: "EXDATE") {
                let exclusions = try Exclusions(master, zones: &zones)
                guard !exclusions.excludes(key: try zones.key(of: timing.start), wall: timing.start.local.wallSeconds) else { return [] }
            }
            try emit(timing.start, timing: timing, id: nil, from: master)
            return result
        }
        var replacements = try overrideTable(zones: &zones)
        // A DATE instance is also matched by a DATE-TIME RECURRENCE-ID on its day, as Outlook writes them.
        var dayKeys: [Int64: Int64] = [:]
        for replacement in replacements.values where !replacement.id.isDate {
            dayKeys[replacement.wallDay] = replacement.key
        }
        let futures = replacements.values.filter(\.thisAndFuture).sorted { $0.key < $1.key }
        var exclusions = Exclusions()
        if let master, let timing = try Timing(master, zones: &zones) {
            exclusions = try Exclusions(master, zones: &zones)
            // Instances that end before the window need no work, unless an override may move them into it.
            let from = futures.isEmpty ? window.lowerBound - max(timing.duration, 0) - 2 * 86_400 : Int64.min
            let series = timing.start
            let endKey = try zones.converter(for: series)
            let wallOf = try zones.wallConverter(for: series)
            for (key, instance) in try instances(
                of: master, timing: timing, excluding: exclusions, from: from, dropping: replacements.isEmpty, before: window.upperBound,
                zones: &zones)
            {
                let isDate = instance.written?.isDate ?? series.isDate
                if key < from && replacements[key] == nil && (!isDate || dayKeys.isEmpty) { continue }
                let start = instance.start(in: series)
                // The key is the instance's instant for UTC and zoned starts, so it gives the resolved start directly.
                let resolvedStart = start.isAbsolute ? DateTimeValue.utc(LocalDateTime(wallSeconds: key)) : start
                let id = recurring ? resolvedStart : nil
                if let replacement = replacements.removeValue(forKey: key)
                    ?? (isDate ? replacements.removeValue(forKey: dayKeys[key] ?? .min) : nil)
                {
                    try emit(replacement.timing.start, timing: replacement.timing, id: replacement.id, from: replacement.component)
                } else if let future = futures.last(where: { $0.key < key }) {
                    try emit(start.adding(seconds: future.shift), timing: future.timing, id: id, from: future.component)
                } else if instance.written == nil && series.isAbsolute {
                    // An instance of the series' own UTC or zoned clock: it lasts the exact length a DTEND gives, else
                    // its end's instant comes from its wall time, from the wall time it starts at (moved forward out
                    // of a gap, as DTSTART would be), so that it is never cut to nothing.
                    let ends = timing.exactDuration.map { key + $0 } ?? endKey(wallOf(key) + timing.duration)
                    emit(begins: key, ends: ends) {
                        Occurrence(recurrenceID: id, start: resolvedStart, end: .utc(LocalDateTime(wallSeconds: ends)), component: master)
                    }
                } else if let duration = instance.duration {
                    let resolvedEnd = try zones.resolved(start.adding(seconds: duration))
                    emit(begins: resolvedStart.local.wallSeconds, ends: resolvedEnd.local.wallSeconds) {
                        Occurrence(recurrenceID: id, start: resolvedStart, end: resolvedEnd, component: master)
                    }
                } else {
                    try emit(start, timing: timing, id: id, from: master)
                }
            }
        }
        let masterSequence = master?.sequence ?? 0
        for replacement in replacements.values.sorted(by: { $0.key < $1.key }) {
            let outdated = replacement.component.hasProperty(upperCased: "RRULE") && replacement.sequence < masterSequence
            guard !outdated, !exclusions.excludes(key: replacement.key, wall: replacement.id.local.wallSeconds) else { continue }
            try emit(replacement.timing.start, timing: replacement.timing, id: replacement.id, from: replacement.component)
        }
        // Usually already in order: instances come in order, and overrides that replace none are rare.
        guard zip(starts, starts.dropFirst()).contains(where: { $0 > $1 }) else { return result }
        return starts.indices.sorted { starts[$0] < starts[$1] }.map { result[$0] }
    }

    /// The master's instances that start before `limit` (plus a margin for zone offsets), with their keys, in order, without
    /// duplicates or EXDATEs. A rule without COUNT starts its walk near `from` instead of at DTSTART; with `dropping`,
    /// instances whose keys lie before `from` are left out.
    private func instances(
        of master: Component, timing: Timing, excluding exclusions: Exclusions, from: Int64, dropping: Bool, before limit: Int64,
        zones: inout ZoneResolver
    ) throws -> [(key: Int64, instance: Instance)] {
        let stop = limit + 2 * 86_400
        let start = timing.start
        let earliest = dropping ? from : Int64.min
        var made = 1
        var found: [(key: Int64, instance: Instance)] = []
        let startKey = try zones.key(of: start)
        if startKey >= earliest { found.append((startKey, Instance(wall: start.local.wallSeconds))) }
        let rules = try master.properties(upperCased: "RRULE").filter { property in
            property.withValueBytes { !trimmingSpaces($0).isEmpty }
        }.map {
            try RecurrenceRule(parsing: $0.value, line: $0.line)
        }
        if !rules.isEmpty {
            let convert = try zones.converter(for: start)
            let wallOf = try zones.wallConverter(for: start)
            for (index, rule) in rules.enumerated() {
                var iterator = try RecurrenceIterator(
                    rule: rule, start: start.local, startIsDate: start.isDate, includeStart: index == 0, line: master.line,
                    instantOfWall: convert, wallExists: { wallOf(convert($0)) == $0 })
                if rule.count == nil && from > Int64.min + 86_400 {
                    iterator.skip(to: LocalDateTime(wallSeconds: from - 86_400))
                }
                while let wall = try iterator.nextWall(), wall < stop {
                    let key = convert(wall)
                    if key >= earliest { found.append((key, Instance(wall: wall))) }
                    made += 1
                    guard made <= Self.maximumInstances else {
                        throw ICalendarError(
                            .tooManyOccurrences, line: master.line,
                            "the event makes more than \(Self.maximumInstances) instances in the window")
                    }
                }
            }
        }
        let rdates = master.properties(upperCased: "RDATE")
        if rdates.isEmpty, rules.count == 1, rules[0].frequency.isDailyOrLonger {
            // One rule of days or longer yields distinct instances in order, DTSTART (found[0]) first
            // unless the walk started later: no merging needed.
            let rest = found.count > 1 && found[1].key == found[0].key ? found.dropFirst() : found[...]
            return rest.filter { !exclusions.excludes(key: $0.key, wall: $0.instance.wall) }
        }
        for property in rdates {
            for date in try RecurrenceDate.list(property) {
                let duration: Int64? =
                    if let end = date.end {
                        try zones.key(of: end) - zones.key(of: date.start)
                    } else {
                        date.duration.map { Int64($0.days) * 86_400 + Int64($0.seconds) }
                    }
                let key = try zones.key(of: date.start)
                if key >= earliest {
                    found.append((key, Instance(wall: date.start.local.wallSeconds, written: date.start, duration: duration)))
                }
            }
        }
        var byKey: [Int64: Instance] = [:]
        for (key, instance) in found {
            guard !exclusions.excludes(key: key, wall: instance.wall) else { continue }
            if let existing = byKey[key], existing.duration != nil || instance.duration == nil { continue }
            byKey[key] = instance
        }
        return byKey.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The overrides by the key of their RECURRENCE-ID; of several for one instance the highest SEQUENCE (then the last) wins.
    private func overrideTable(zones: inout ZoneResolver) throws -> [Int64: Replacement] {
        var table: [Int64: Replacement] = [:]
        for component in overrides {
            guard let property = component.property(upperCased: "RECURRENCE-ID") else { continue }
            let id = try DateTimeValue(property)
            guard let timing = try Timing(component, zones: &zones) else { continue }
            let key = try zones.key(of: id)
            let replacement = Replacement(
                key: key, id: try zones.resolved(id), timing: timing, component: component,
                thisAndFuture: property.parameter(upperCased: "RANGE")?.asciiUppercased == "THISANDFUTURE",
                shift: try zones.key(of: timing.start) - key, sequence: component.sequence,
                wallDay: id.local.wallSeconds.floorDivided(by: 86_400) * 86_400)
            if let existing = table[key], existing.sequence > replacement.sequence { continue }
            table[key] = replacement
        }
        return table
    }
}

/// One instance of a master before overrides: its start, and its own length when an RDATE period gives one.
private struct Instance {
    /// The start's wall-clock time, as `LocalDateTime.wallSeconds`.
    var wall: Int64
    /// The start as an RDATE writes it; nil for the series' own start moved to `wall`.
    var written: DateTimeValue?
    var duration: Int64?

    /// The start: `written`, or the series' start `series` moved to `wall`.
    func start(in series: DateTimeValue) -> DateTimeValue {
        written ?? series.replacingLocal(LocalDateTime(wallSeconds: wall))
    }
}

/// A master's EXDATEs: instants (or wall times) removed, and whole days removed by DATE values.
private struct Exclusions {
    var keys = Set<Int64>()
    var days = Set<Int64>()

    init() {}

    init(_ master: Component, zones: inout ZoneResolver) throws {
        for property in master.properties(upperCased: "EXDATE") {
            for value in try DateTimeValue.list(property) {
                keys.insert(try zones.key(of: value))
                if value.isDate { days.insert(value.local.wallSeconds) }
            }
        }
    }

    /// Whether an instance with this key and start (wall seconds) is removed.
    func excludes(key: Int64, wall: Int64) -> Bool {
        keys.contains(key) || (!days.isEmpty && days.contains(wall.floorDivided(by: 86_400) * 86_400))
    }
}

/// An override ready to apply.
private struct Replacement {
    var key: Int64
    var id: DateTimeValue
    var timing: Timing
    var component: Component
    var thisAndFuture: Bool
    var shift: Int64
    var sequence: Int
    /// The day of the RECURRENCE-ID on its own wall clock, as seconds since 1970 (midnight).
    var wallDay: Int64
}

/// A component's start and its length in wall-clock seconds (DTEND − DTSTART, or DURATION, or the RFC 5545 default).
///
/// DTEND on the start's own clock is subtracted on that clock; in another zone, as instants; a floating DTEND beside
/// a UTC or zoned DTSTART is read on the start's clock (`DateTimeValue.endOnClock(of:)`). An end before the start is
/// read as the two swapped, as common readers do. A DTEND of a UTC or zoned start also gives the exact length, which
/// every instance keeps (RFC 5545 §3.8.5.3), across a change of offset too; DURATION is nominal.
struct Timing {
    /// The DTSTART value.
    var start: DateTimeValue
    /// The length on the start's wall clock.
    var duration: Int64
    /// The length in seconds of time when a DTEND gives it and the start is UTC or zoned; nil otherwise.
    var exactDuration: Int64?

    /// The timing of `component`, or nil when it has no DTSTART (such a VEVENT has no occurrence).
    init?(_ component: Component, zones: inout ZoneResolver) throws {
        guard let property = component.property(upperCased: "DTSTART") else { return nil }
        start = try DateTimeValue(property)
        if let property = component.property(upperCased: "DTEND"), let written = try? DateTimeValue(property) {
            let end = written.endOnClock(of: start)
            if start.isSameClock(as: end) {
                duration = end.local.wallSeconds - start.local.wallSeconds
            } else {
                duration = try zones.key(of: end) - zones.key(of: start)
            }
            if start.isAbsolute && end.isAbsolute {
                exactDuration = abs(try zones.key(of: end) - zones.key(of: start))
            }
            if duration < 0 {
                start = end
                duration = -duration
            }
        } else if let property = component.property(upperCased: "DURATION") {
            let value = try ICalDuration(parsing: property.value, line: property.line)
            duration = Int64(value.days) * 86_400 + Int64(value.seconds)
        } else {
            duration = start.isDate ? 86_400 : 0
        }
    }
}

extension DateTimeValue {
    /// Whether the value names an instant by itself (UTC, or with a TZID) rather than a floating time or a date.
    var isAbsolute: Bool {
        switch self {
        case .utc, .zoned: true
        case .date, .floating: false
        }
    }

    /// The value as the end of an event that starts at `start`: a floating end beside a UTC or zoned start is read on
    /// the start's clock, as RFC 5545 §3.8.2.2 wants DTEND in DTSTART's form and the writer of such a file meant; any
    /// other value as written.
    public func endOnClock(of start: DateTimeValue) -> DateTimeValue {
        guard case .floating(let local) = self, start.isAbsolute else { return self }
        return start.replacingLocal(local)
    }

    /// Whether both values are read on one clock: both dates, both floating, both UTC, or both with the same TZID.
    func isSameClock(as other: DateTimeValue) -> Bool {
        switch (self, other) {
        case (.date, .date), (.floating, .floating), (.utc, .utc): true
        case (.zoned(_, let a), .zoned(_, let b)): a == b
        default: false
        }
    }

    /// The same kind of value (same TZID) at another wall-clock time.
    func replacingLocal(_ local: LocalDateTime) -> DateTimeValue {
        switch self {
        case .date: .date(local)
        case .utc: .utc(local)
        case .floating: .floating(local)
        case .zoned(_, let tzid): .zoned(local, tzid: tzid)
        }
    }
}

extension Component {
    /// The component with its floating DTSTART, DTEND, RDATE, EXDATE and RECURRENCE-ID values given the TZID `zone`.
    func readingFloatingTimes(in zone: String) -> Component {
        var copy = self
        for index in copy.properties.indices {
            let property = copy.properties[index]
            guard ["DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID"].contains(property.name),
                property.parameter(upperCased: "TZID") == nil,
                property.parameter(upperCased: "VALUE").map({ $0.asciiUppercased == "DATE-TIME" }) ?? true
            else { continue }
            let values = property.value.split(separator: ",")
            guard !values.isEmpty, values.allSatisfy({ $0.utf8.count == 15 }) else { continue }
            copy.properties[index].parameters.append(Parameter(name: "TZID", values: [zone]))
        }
        return copy
    }
}

extension RecurrenceRule.Frequency {
    /// Whether instances are at least a day apart, so that moving one across a DST gap cannot reorder them.
    var isDailyOrLonger: Bool {
        switch self {
        case .secondly, .minutely, .hourly: false
        case .daily, .weekly, .monthly, .yearly: true
        }
    }
}

extension Component {
    /// The SEQUENCE number (RFC 5545 §3.8.7.4), 0 when absent or unreadable.
    var sequence: Int { property(upperCased: "SEQUENCE").flatMap { Int($0.value.trimmingSpaces) } ?? 0 }
}

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
        master = read.filter { $0.property("RECURRENCE-ID") == nil }.reduce(nil) { best, next in
            guard let best else { return next }
            return next.sequence > best.sequence ? next : best
        }
        overrides = read.filter { $0.property("RECURRENCE-ID") != nil }
    }

    /// Whether the event recurs: the master has a non-empty RRULE or RDATE (empty ones are ignored), or there are overrides.
    public var isRecurring: Bool {
        guard overrides.isEmpty, let master else { return true }
        return master.properties.contains { property in
            (property.name == "RRULE" || property.name == "RDATE") && property.withValueBytes { !trimmingSpaces($0).isEmpty }
        }
    }

    /// Every occurrence that overlaps `window` (seconds since 1970; floating times and dates are
    /// compared as if they were UTC), in order of start. A zero-length occurrence is in the window
    /// when it starts inside it.
    public func occurrences(overlapping window: Range<Int64>, zones: inout ZoneResolver) throws -> [Occurrence] {
        let recurring = isRecurring
        var result: [Occurrence] = []
        func emit(
            _ start: DateTimeValue, duration: Int64, id: DateTimeValue?, from component: Component, resolvedStart: DateTimeValue? = nil
        ) throws {
            let occurrence = Occurrence(
                recurrenceID: id, start: try resolvedStart ?? zones.resolved(start),
                end: try zones.resolved(start.adding(seconds: duration)),
                component: component)
            let begins = occurrence.start.local.wallSeconds
            let ends = occurrence.end.local.wallSeconds
            if begins < window.upperBound && (window.lowerBound < ends || (begins == ends && window.lowerBound <= begins)) {
                result.append(occurrence)
            }
        }
        if !recurring {
            // A single event: its DTSTART, unless an EXDATE removes it.
            guard let master, let timing = try Timing(master, zones: &zones) else { return [] }
            if master.property("EXDATE") != nil {
                let exclusions = try Exclusions(master, zones: &zones)
                guard !exclusions.excludes(key: try zones.key(of: timing.start), start: timing.start) else { return [] }
            }
            try emit(timing.start, duration: timing.duration, id: nil, from: master)
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
            for (key, instance) in try instances(
                of: master, timing: timing, excluding: exclusions, from: from, before: window.upperBound, zones: &zones)
            {
                if key < from && replacements[key] == nil && (!instance.start.isDate || dayKeys.isEmpty) { continue }
                // The key is the instance's instant for UTC and zoned starts, so it gives the resolved start directly.
                let resolvedStart = instance.start.isAbsolute ? DateTimeValue.utc(LocalDateTime(wallSeconds: key)) : instance.start
                let id = recurring ? resolvedStart : nil
                if let replacement = replacements.removeValue(forKey: key)
                    ?? (instance.start.isDate ? replacements.removeValue(forKey: dayKeys[key] ?? .min) : nil)
                {
                    try emit(
                        replacement.timing.start, duration: replacement.timing.duration, id: replacement.id, from: replacement.component)
                } else if let future = futures.last(where: { $0.key < key }) {
                    try emit(
                        instance.start.adding(seconds: future.shift), duration: future.timing.duration, id: id, from: future.component)
                } else {
                    try emit(
                        instance.start, duration: instance.duration ?? timing.duration, id: id, from: master, resolvedStart: resolvedStart)
                }
            }
        }
        let masterSequence = master?.sequence ?? 0
        for replacement in replacements.values.sorted(by: { $0.key < $1.key }) {
            let outdated = replacement.component.property("RRULE") != nil && replacement.sequence < masterSequence
            guard !outdated, !exclusions.excludes(key: replacement.key, start: replacement.id) else { continue }
            try emit(replacement.timing.start, duration: replacement.timing.duration, id: replacement.id, from: replacement.component)
        }
        return result.sorted { $0.start.local < $1.start.local }
    }

    /// The master's instances that start before `limit` (plus a margin for zone offsets), with their keys, in order, without
    /// duplicates or EXDATEs. A rule without COUNT starts its walk near `from` instead of at DTSTART.
    private func instances(
        of master: Component, timing: Timing, excluding exclusions: Exclusions, from: Int64, before limit: Int64,
        zones: inout ZoneResolver
    ) throws -> [(key: Int64, instance: Instance)] {
        let stop = limit + 2 * 86_400
        let start = timing.start
        var found: [(key: Int64, instance: Instance)] = [(try zones.key(of: start), Instance(start: start, duration: nil))]
        let rules = try master.properties(named: "RRULE").filter { !$0.value.trimmingSpaces.isEmpty }.map {
            try RecurrenceRule(parsing: $0.value, line: $0.line)
        }
        if !rules.isEmpty {
            let convert = try zones.converter(for: start)
            for (index, rule) in rules.enumerated() {
                var iterator = try RecurrenceIterator(
                    rule: rule, start: start.local, startIsDate: start.isDate, includeStart: index == 0, line: master.line, instant: convert
                )
                if rule.count == nil && from > Int64.min + 86_400 {
                    iterator.skip(to: LocalDateTime(wallSeconds: from - 86_400))
                }
                while let wall = try iterator.next(), wall.wallSeconds < stop {
                    found.append((convert(wall), Instance(start: start.replacingLocal(wall), duration: nil)))
                    guard found.count <= Self.maximumInstances else {
                        throw ICalendarError(
                            .tooManyOccurrences, line: master.line,
                            "the event makes more than \(Self.maximumInstances) instances in the window")
                    }
                }
            }
        }
        let rdates = master.properties(named: "RDATE")
        if rdates.isEmpty, rules.count == 1, rules[0].frequency.isDailyOrLonger {
            // One rule of days or longer yields distinct instances in order, DTSTART (found[0]) first
            // unless the walk started later: no merging needed.
            let rest = found.dropFirst().first?.key == found[0].key ? found.dropFirst() : found[...]
            return rest.filter { !exclusions.excludes(key: $0.key, start: $0.instance.start) }
        }
        for property in rdates {
            for date in try RecurrenceDate.list(property) {
                let duration: Int64? =
                    if let end = date.end {
                        try zones.key(of: end) - zones.key(of: date.start)
                    } else {
                        date.duration.map { Int64($0.days) * 86_400 + Int64($0.seconds) }
                    }
                found.append((try zones.key(of: date.start), Instance(start: date.start, duration: duration)))
            }
        }
        var byKey: [Int64: Instance] = [:]
        for (key, instance) in found {
            guard !exclusions.excludes(key: key, start: instance.start) else { continue }
            if let existing = byKey[key], existing.duration != nil || instance.duration == nil { continue }
            byKey[key] = instance
        }
        return byKey.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The overrides by the key of their RECURRENCE-ID; of several for one instance the highest SEQUENCE (then the last) wins.
    private func overrideTable(zones: inout ZoneResolver) throws -> [Int64: Replacement] {
        var table: [Int64: Replacement] = [:]
        for component in overrides {
            guard let property = component.property("RECURRENCE-ID") else { continue }
            let id = try DateTimeValue(property)
            guard let timing = try Timing(component, zones: &zones) else { continue }
            let key = try zones.key(of: id)
            let replacement = Replacement(
                key: key, id: try zones.resolved(id), timing: timing, component: component,
                thisAndFuture: property.parameter("RANGE")?.asciiUppercased == "THISANDFUTURE",
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
    var start: DateTimeValue
    var duration: Int64?
}

/// A master's EXDATEs: instants (or wall times) removed, and whole days removed by DATE values.
private struct Exclusions {
    var keys = Set<Int64>()
    var days = Set<Int64>()

    init() {}

    init(_ master: Component, zones: inout ZoneResolver) throws {
        for property in master.properties(named: "EXDATE") {
            for value in try DateTimeValue.list(property) {
                keys.insert(try zones.key(of: value))
                if value.isDate { days.insert(value.local.wallSeconds) }
            }
        }
    }

    /// Whether an instance with this key and start is removed.
    func excludes(key: Int64, start: DateTimeValue) -> Bool {
        keys.contains(key) || (!days.isEmpty && days.contains(start.local.wallSeconds.floorDivided(by: 86_400) * 86_400))
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
/// DTEND on the start's own clock is subtracted on that clock; in another zone, as instants. An
/// end before the start is read as the two swapped, as common readers do.
struct Timing {
    /// The DTSTART value.
    var start: DateTimeValue
    /// The length on the start's wall clock.
    var duration: Int64

    /// The timing of `component`, or nil when it has no DTSTART (such a VEVENT has no occurrence).
    init?(_ component: Component, zones: inout ZoneResolver) throws {
        guard let property = component.property("DTSTART") else { return nil }
        start = try DateTimeValue(property)
        if let property = component.property("DTEND"), let end = try? DateTimeValue(property) {
            if start.isSameClock(as: end) {
                duration = end.local.wallSeconds - start.local.wallSeconds
            } else {
                duration = try zones.key(of: end) - zones.key(of: start)
            }
            if duration < 0 {
                start = end
                duration = -duration
            }
        } else if let property = component.property("DURATION") {
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
                property.parameter("TZID") == nil, property.parameter("VALUE").map({ $0.asciiUppercased == "DATE-TIME" }) ?? true
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
    var sequence: Int { property("SEQUENCE").flatMap { Int($0.value.trimmingSpaces) } ?? 0 }
}

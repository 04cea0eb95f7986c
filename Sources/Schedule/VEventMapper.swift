import Foundation
import ICalendar

/// A VEVENT read into a schedule event, with what the job still has to check against the store.
public struct MappedEvent: Sendable {
    /// The event: the VEVENT's own DTSTART and end, its fields and its X-KALTURA-* values.
    public var event: ScheduleEvent
    /// The X-KALTURA-* properties as written (absent ones nil), for the store checks and for occurrences to inherit.
    public var kaltura: KalturaProperties
    /// What was accepted with a warning.
    public var warnings: [ValidationError]
}

/// Turns a VEVENT into a schedule event of a partner, or says why it cannot.
///
/// Reads UID, DTSTART, DTEND or DURATION (an event with neither ends at its start, or a day
/// later for a DATE), SUMMARY, DESCRIPTION, LOCATION, ORGANIZER, SEQUENCE, PRIORITY (when 0 to 9), STATUS, RRULE (as the
/// series' rule text) and the X-KALTURA-* properties (`KalturaProperties`). The event is cancelled
/// by `METHOD:CANCEL` on the calendar or the VEVENT, `STATUS:CANCELLED` or `X-KALTURA-STATUS:1`, and
/// deleted by `X-KALTURA-STATUS:3`. Properties of sub-components (VALARM) are never read as the event's.
/// The VEVENT without its DTSTAMP (the time of the export, not of the event) is kept as the event's source.
public struct VEventMapper: Sendable {
    /// The VEVENT properties whose content the event's fields hold (or that say which stored event a VEVENT is,
    /// or that are read and then deliberately not kept): an export writes them from the fields, and every
    /// other property of the source as it was written.
    public static let mappedProperties = Set(
        [
            "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER", "SEQUENCE", "STATUS",
            "PRIORITY", "METHOD", "RRULE", "EXDATE", "RDATE", "RECURRENCE-ID",
        ]
    ).union(KalturaProperties.knownProperties)

    /// The properties that say when an event happens: a VEVENT with one of them unreadable is rejected rather than
    /// read without it (a series as a single event, an event as zero-length).
    static let timeProperties: Set<String> = ["DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"]

    /// The partner that owns the events.
    public var partnerId: Int
    /// The event type when the VEVENT does not say.
    public var defaultType: EventType
    /// The zone floating times and DATE values are read in.
    public var floatingZone: TimeZone
    /// The bounds events must keep.
    public var limits: EventLimits

    /// Creates a mapper.
    public init(
        partnerId: Int, defaultType: EventType = .record, floatingZone: TimeZone = TimeZone(identifier: "UTC")!,
        limits: EventLimits = EventLimits()
    ) {
        self.partnerId = partnerId
        self.defaultType = defaultType
        self.floatingZone = floatingZone
        self.limits = limits
    }

    /// Maps one VEVENT; `calendarProperties` are those of the VCALENDAR around it.
    public func map(
        _ component: Component, calendarProperties: [ContentLine] = [], zones: inout ZoneResolver
    ) -> Result<MappedEvent, ValidationError> {
        do {
            return .success(try mapThrowing(component, calendarProperties: calendarProperties, zones: &zones))
        } catch {
            return .failure(ValidationError(describing: error))
        }
    }

    /// The instant of a value read in this mapper's floating zone.
    public func instant(of value: DateTimeValue, zones: inout ZoneResolver, line: Int = 0) throws -> Int64 {
        try zones.instant(of: value, floatingZone: floatingZone, line: line)
    }

    private func mapThrowing(
        _ component: Component, calendarProperties: [ContentLine], zones: inout ZoneResolver
    ) throws -> MappedEvent {
        var component = component
        let controlled = component.replaceControlCharacters()
        guard let uid = component.property("UID").map({ TextValue.unescape($0.value).trimmingSpaces }),
            !uid.isEmpty
        else {
            throw ValidationError(.missingUID, "VEVENT at line \(component.line) has no UID (the event's reference id)")
        }
        if controlled.contains("UID") {
            throw ValidationError(
                .invalidUID,
                "VEVENT at line \(component.line) has a UID with a control character (a NUL, an escape …), shown here as U+FFFD: "
                    + "\(uid.prefix(80)); a UID must be printable text")
        }
        let controlWarnings = controlled.map { name in
            ValidationError(
                .controlCharacter,
                "\(name) of VEVENT \(uid) held control characters (a NUL, an escape …); each was replaced by U+FFFD")
        }
        if let broken = component.skippedLines.first(where: { $0.property.map(Self.timeProperties.contains) ?? false }) {
            throw ValidationError(
                .unreadableTime,
                "VEVENT \(uid): \(broken.property ?? "") at line \(broken.line) cannot be read (\(broken.message)); the times "
                    + "of an event are never guessed")
        }
        let kaltura = try KalturaProperties(component, partnerId: partnerId)
        guard let startProperty = component.property("DTSTART") else {
            throw ValidationError(.missingStart, "VEVENT \(uid) has no DTSTART")
        }
        let startValue = try DateTimeValue(startProperty)
        let start = try instant(of: startValue, zones: &zones, line: startProperty.line)
        let end: Int64
        let endProperty = component.property("DTEND")
        let durationProperty = component.property("DURATION")
        if endProperty != nil && durationProperty != nil {
            throw ValidationError(.endAndDuration, "VEVENT \(uid) has both DTEND and DURATION; RFC 5545 allows one")
        }
        var endWarnings: [ValidationError] = []
        if let endProperty {
            let written = try DateTimeValue(endProperty)
            let endValue = written.endOnClock(of: startValue)
            if case .floating = written, endValue != written {
                endWarnings.append(
                    ValidationError(
                        .endZoneAssumed,
                        "DTEND of VEVENT \(uid) at line \(endProperty.line) has no zone while DTSTART has one; it was read in "
                            + "DTSTART's (\(zoneLabel(startValue) ?? "UTC")), as RFC 5545 wants the two in the same form"))
            }
            end = try instant(of: endValue, zones: &zones, line: endProperty.line)
        } else if let durationProperty {
            let duration = try ICalDuration(parsing: durationProperty.value, line: durationProperty.line)
            end =
                try instant(of: startValue.adding(days: duration.days), zones: &zones, line: durationProperty.line)
                + Int64(duration.seconds)
        } else {
            end = startValue.isDate ? try instant(of: startValue.adding(days: 1), zones: &zones) : start
        }
        guard end >= start else {
            throw ValidationError(.endBeforeStart, "VEVENT \(uid) ends (\(isoTime(end))) before it starts (\(isoTime(start)))")
        }
        try checkDuration(end - start, uid: uid)
        var sequence = 0
        if let sequenceProperty = component.property("SEQUENCE") {
            guard let value = Int(sequenceProperty.value.trimmingSpaces), value >= 0 else {
                throw ValidationError(.invalidSequence, "SEQUENCE \(sequenceProperty.value.prefix(40)) is not a non-negative integer")
            }
            sequence = value
        }
        let cancelled =
            [component.property("METHOD"), calendarProperties.first { $0.name == "METHOD" }]
            .contains { $0?.value.asciiUppercased == "CANCEL" }
            || component.property("STATUS")?.value.asciiUppercased == "CANCELLED"
        // A single event whose own EXDATE removes its only instance does not happen (RFC 5545 §3.8.5.1).
        var excluded = false
        if component.property("RRULE") == nil && component.property("RDATE") == nil {
            for property in component.properties(named: "EXDATE") {
                for value in try DateTimeValue.list(property) where try instant(of: value, zones: &zones, line: property.line) == start {
                    excluded = true
                }
            }
        }
        if excluded {
            endWarnings.append(
                ValidationError(.noOccurrences, "VEVENT \(uid) has no occurrence: its own EXDATE removes its start; it is stored cancelled")
            )
        }
        let status: EventStatus =
            kaltura.status == .deleted
            ? .deleted : (cancelled || excluded || kaltura.status == .cancelled ? .cancelled : .active)
        let rules = try component.properties(named: "RRULE").map(\.value.trimmingSpaces).filter { !$0.isEmpty }.map { rule in
            try storedRule(rule, start: startValue, zones: &zones)
        }
        let event = ScheduleEvent(
            partnerId: partnerId,
            referenceId: uid,
            type: kaltura.type ?? defaultType,
            status: status,
            summary: component.property("SUMMARY").map { TextValue.unescape($0.value) },
            description: component.property("DESCRIPTION").map { TextValue.unescape($0.value) },
            location: component.property("LOCATION").map { TextValue.unescape($0.value) },
            organizer: component.property("ORGANIZER")?.value,
            startDate: start,
            endDate: end,
            timeZoneID: zoneLabel(startValue),
            sequence: sequence,
            tags: kaltura.tags,
            categoryIds: kaltura.categoryIds ?? [],
            entryIds: kaltura.entryIds ?? [],
            templateEntryId: kaltura.templateEntryId,
            resourceIds: kaltura.resourceIds ?? [],
            recurrenceRule: rules.isEmpty ? nil : rules.joined(separator: "\n"),
            source: try Self.keptSource(of: component),
            ownerId: kaltura.ownerId,
            priority: component.property("PRIORITY").flatMap { Int($0.value.trimmingSpaces) }.flatMap { (0...9).contains($0) ? $0 : nil }
        )
        return MappedEvent(event: event, kaltura: kaltura, warnings: controlWarnings + endWarnings + kaltura.warnings)
    }

    /// Throws `eventTooLong` when `duration` passes the limit.
    public func checkDuration(_ duration: Int64, uid: String) throws(ValidationError) {
        guard duration <= limits.maximumEventDuration else {
            throw ValidationError(
                .eventTooLong,
                "VEVENT \(uid) lasts \(duration / 60) minutes; an event may last at most \(limits.maximumEventDuration / 60) minutes")
        }
    }

    /// The source kept for a VEVENT: none for a single event (no RECURRENCE-ID) whose source is plain
    /// (`EventSource.isPlain`), since its fields say all of it; the VEVENT's text otherwise. A series' master gets its
    /// source from `SeriesBuilder`.
    static func keptSource(of component: Component) throws -> String? {
        let source = try Self.source(of: [component])
        return component.property("RECURRENCE-ID") == nil && EventSource.isPlain(source) ? nil : source
    }

    /// Components as iCalendar text, without their DTSTAMP lines and the X-KALTURA-* properties that are discarded.
    public static func source(of components: [Component]) throws -> String {
        var writer = CalendarWriter()
        for var component in components {
            component.properties.removeAll { $0.name == "DTSTAMP" || KalturaProperties.discardedProperties.contains($0.name) }
            try writer.write(component)
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// An RRULE as stored: with UNTIL in UTC when DTSTART is in UTC or has a TZID (RFC 5545 §3.3.10), a local UNTIL
    /// read on DTSTART's clock; as written for a floating or DATE DTSTART, whose UNTIL stays on the local clock.
    private func storedRule(_ rule: String, start: DateTimeValue, zones: inout ZoneResolver) throws -> String {
        switch start {
        case .utc:
            RecurrenceRule.textWithUntilInUTC(rule) { $0.wallSeconds }
        case .zoned(_, let tzid):
            try RecurrenceRule.textWithUntilInUTC(rule) { try instant(of: .zoned($0, tzid: tzid), zones: &zones) }
        case .date, .floating:
            rule
        }
    }

    /// How the start's zone is recorded: the TZID, nil for UTC, or the zone a floating time was read in.
    private func zoneLabel(_ value: DateTimeValue) -> String? {
        switch value {
        case .utc: nil
        case .zoned(_, let tzid): tzid
        case .date, .floating: "floating:" + floatingZone.identifier
        }
    }
}

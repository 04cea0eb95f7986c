import Foundation
import ICalendar

/// Turns a VEVENT into a schedule event of a partner, or says why it cannot.
///
/// Reads UID, DTSTART, DTEND or DURATION (an event with neither ends at its start, or a day
/// later for a DATE), SUMMARY, DESCRIPTION, LOCATION, ORGANIZER, SEQUENCE and STATUS.
/// `METHOD:CANCEL` on the calendar or the VEVENT, or `STATUS:CANCELLED`, cancels the event.
/// Properties of sub-components (VALARM) are never read as the event's.
public struct VEventMapper: Sendable {
    /// The partner that owns the events.
    public var partnerId: Int
    /// The event type when the VEVENT does not say.
    public var defaultType: EventType
    /// The zone floating times and DATE values are read in.
    public var floatingZone: TimeZone

    /// Creates a mapper.
    public init(partnerId: Int, defaultType: EventType = .record, floatingZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.partnerId = partnerId
        self.defaultType = defaultType
        self.floatingZone = floatingZone
    }

    /// Maps one VEVENT; `calendarProperties` are those of the VCALENDAR around it.
    public func map(
        _ component: Component, calendarProperties: [ContentLine] = [], zones: inout ZoneResolver
    ) -> Result<ScheduleEvent, ValidationError> {
        do {
            return .success(try mapThrowing(component, calendarProperties: calendarProperties, zones: &zones))
        } catch let error as ValidationError {
            return .failure(error)
        } catch let error as ICalendarError {
            return .failure(ValidationError(error))
        } catch {
            return .failure(ValidationError(.unreadable, "\(error)"))
        }
    }

    private func mapThrowing(
        _ component: Component, calendarProperties: [ContentLine], zones: inout ZoneResolver
    ) throws -> ScheduleEvent {
        guard let uid = component.property("UID").map({ TextValue.unescape($0.value).trimmingSpaces }),
            !uid.isEmpty
        else {
            throw ValidationError(.missingUID, "VEVENT at line \(component.line) has no UID (the event's reference id)")
        }
        if let recurrence = ["RRULE", "RDATE", "RECURRENCE-ID"].first(where: { component.property($0) != nil }) {
            throw ValidationError(
                .recurrenceNotSupported, "VEVENT \(uid) has \(recurrence); recurring events are not ingested by this version yet")
        }
        guard let startProperty = component.property("DTSTART") else {
            throw ValidationError(.missingStart, "VEVENT \(uid) has no DTSTART")
        }
        let startValue = try DateTimeValue(startProperty)
        let start = try zones.instant(of: startValue, floatingZone: floatingZone, line: startProperty.line)
        let end: Int64
        let endProperty = component.property("DTEND")
        let durationProperty = component.property("DURATION")
        if endProperty != nil && durationProperty != nil {
            throw ValidationError(.endAndDuration, "VEVENT \(uid) has both DTEND and DURATION; RFC 5545 allows one")
        }
        if let endProperty {
            let endValue = try DateTimeValue(endProperty)
            end = try zones.instant(of: endValue, floatingZone: floatingZone, line: endProperty.line)
        } else if let durationProperty {
            let duration = try ICalDuration(parsing: durationProperty.value, line: durationProperty.line)
            end =
                try zones.instant(of: startValue.adding(days: duration.days), floatingZone: floatingZone, line: durationProperty.line)
                + Int64(duration.seconds)
        } else {
            end = startValue.isDate ? try zones.instant(of: startValue.adding(days: 1), floatingZone: floatingZone) : start
        }
        guard end >= start else {
            throw ValidationError(.endBeforeStart, "VEVENT \(uid) ends (\(isoTime(end))) before it starts (\(isoTime(start)))")
        }
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
        return ScheduleEvent(
            partnerId: partnerId,
            referenceId: uid,
            type: defaultType,
            status: cancelled ? .cancelled : .active,
            summary: component.property("SUMMARY").map { TextValue.unescape($0.value) },
            description: component.property("DESCRIPTION").map { TextValue.unescape($0.value) },
            location: component.property("LOCATION").map { TextValue.unescape($0.value) },
            organizer: component.property("ORGANIZER")?.value,
            startDate: start,
            endDate: end,
            timeZoneID: zoneLabel(startValue),
            sequence: sequence
        )
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

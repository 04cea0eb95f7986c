import ICalendar

/// Schedule events as iCalendar, the way capture devices pull them (the seed's "iCal Sync from Kaltura").
///
/// Each event is a VEVENT with UID, DTSTAMP (its last change), DTSTART and DTEND in UTC, SUMMARY,
/// DESCRIPTION, LOCATION, ORGANIZER, STATUS (CONFIRMED or CANCELLED), SEQUENCE, PRIORITY, RRULE with the
/// EXDATE and RDATE lines of its source for a series,
/// RECURRENCE-ID and `X-KALTURA-PARENT-UID` for an occurrence, and every X-KALTURA-* property of the
/// seed's table that has a value. Text is escaped and lines folded by `CalendarWriter`.
public enum EventCalendar {
    /// The VEVENT of one event.
    public static func component(_ event: ScheduleEvent) -> Component {
        var lines: [ContentLine] = [
            ContentLine(name: "UID", value: TextValue.escape(event.referenceId)),
            ContentLine(name: "DTSTAMP", value: utc(event.updatedAt ?? event.startDate)),
            ContentLine(name: "DTSTART", value: utc(event.startDate)),
            ContentLine(name: "DTEND", value: utc(event.endDate)),
        ]
        func text(_ name: String, _ value: String?) {
            if let value { lines.append(ContentLine(name: name, value: TextValue.escape(value))) }
        }
        text("SUMMARY", event.summary)
        text("DESCRIPTION", event.description)
        text("LOCATION", event.location)
        if let organizer = event.organizer { lines.append(ContentLine(name: "ORGANIZER", value: organizer)) }
        lines.append(ContentLine(name: "STATUS", value: event.status == .active ? "CONFIRMED" : "CANCELLED"))
        lines.append(ContentLine(name: "SEQUENCE", value: String(event.sequence)))
        if let priority = event.priority { lines.append(ContentLine(name: "PRIORITY", value: String(priority))) }
        for rule in event.recurrenceRule?.split(separator: "\n") ?? [] {
            lines.append(ContentLine(name: "RRULE", value: String(rule)))
        }
        if event.recurrenceType == .recurring, let source = event.source {
            lines += exceptions(inSource: source)
        }
        if event.recurrenceType == .recurrence, !event.recurrenceKey.isEmpty {
            let isDate = event.recurrenceKey.utf8.count == 8
            lines.append(
                ContentLine(
                    name: "RECURRENCE-ID", parameters: isDate ? [Parameter(name: "VALUE", values: ["DATE"])] : [],
                    value: event.recurrenceKey))
            text("X-KALTURA-PARENT-UID", event.referenceId)
        }
        func number(_ name: String, _ value: Int64?) {
            if let value { lines.append(ContentLine(name: name, value: String(value))) }
        }
        number("X-KALTURA-ID", event.id)
        number("X-KALTURA-PARTNER-ID", Int64(event.partnerId))
        number("X-KALTURA-PARENT-ID", event.parentId)
        number("X-KALTURA-STATUS", Int64(event.status.rawValue))
        number("X-KALTURA-TYPE", Int64(event.type.rawValue))
        for (name, items) in [
            ("X-KALTURA-CATEGORY-IDS", event.categoryIds.map(String.init)), ("X-KALTURA-ENTRY-IDS", event.entryIds),
            ("X-KALTURA-RESOURCE-IDS", event.resourceIds.map(String.init)),
        ] where !items.isEmpty {
            lines.append(ContentLine(name: name, value: items.joined(separator: ",")))
        }
        text("X-KALTURA-TAGS", event.tags)
        text("X-KALTURA-TEMPLATE-ENTRY-ID", event.templateEntryId)
        text("X-KALTURA-OWNER-ID", event.ownerId)
        return Component(name: "VEVENT", properties: lines)
    }

    /// A whole VCALENDAR of `events`, with `X-KALTURA-TOTAL-COUNT` when a page of a larger listing.
    public static func calendar(_ events: [ScheduleEvent], totalCount: Int? = nil) throws -> [UInt8] {
        var properties = [
            ContentLine(name: "VERSION", value: "2.0"), ContentLine(name: "PRODID", value: "-//scheduledrop//schedule//EN"),
        ]
        if let totalCount { properties.append(ContentLine(name: "X-KALTURA-TOTAL-COUNT", value: String(totalCount))) }
        var writer = CalendarWriter()
        try writer.writeCalendar(properties: properties, components: events.lazy.map(component))
        return writer.bytes
    }

    /// The EXDATE and RDATE lines of a series' master VEVENT in its stored source, as written (TZID and all).
    static func exceptions(inSource source: String) -> [ContentLine] {
        var reader = CalendarReader(BufferByteSource(source))
        while let item = try? reader.next() {
            let component = item.component
            guard component.name == "VEVENT", component.property("RECURRENCE-ID") == nil else { continue }
            return component.properties.filter { $0.name == "EXDATE" || $0.name == "RDATE" }
        }
        return []
    }

    /// An instant as a UTC DATE-TIME, `20250301T090000Z`.
    static func utc(_ seconds: Int64) -> String {
        LocalDateTime(wallSeconds: seconds).description + "Z"
    }
}

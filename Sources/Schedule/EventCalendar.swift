import Foundation
import ICalendar

/// Schedule events as iCalendar, the way capture devices pull them (the seed's "iCal Sync from Kaltura").
///
/// Each event is a VEVENT with UID, DTSTAMP (its last change), DTSTART and DTEND, SUMMARY, DESCRIPTION,
/// LOCATION, ORGANIZER, STATUS (CONFIRMED or CANCELLED), SEQUENCE, PRIORITY, RRULE, EXDATE and RDATE for a
/// series, RECURRENCE-ID and `X-KALTURA-PARENT-UID` for an occurrence, every X-KALTURA-* property of the
/// seed's table that has a value, and the properties and sub-components of its source that no field
/// holds (`VEventMapper.mappedProperties` aside), so that an export read back changes nothing.
///
/// Times are written on the event's own clock, so that a device expanding a series gets the stored
/// occurrences across DST changes:
/// - an event whose start had a TZID: `DTSTART;TZID=…` and `DTEND;TZID=…` as wall times in that zone;
///   a series' EXDATE and RDATE date-times in that zone too, and its RRULE's UNTIL in UTC (RFC 5545
///   §3.3.10); an occurrence's RECURRENCE-ID in its series' zone (the series' when the series is in
///   the same calendar, else the occurrence's own);
/// - an event in UTC: UTC date-times throughout;
/// - a floating event (`floating:ZONE`): floating wall times, or DATE values for a series of dates,
///   as written: a device reads them in its own zone, and gets the stored occurrences when that is
///   ZONE, the folder's zone they were read in. EXDATE and RDATE are then given as written.
///
/// Every TZID the calendar uses has one VTIMEZONE, before the events: the one of a stored source that
/// defines it, else one written from the system's tzdata (`SystemZone.vTimeZone(tzid:covering:)`)
/// covering from a year before the earliest time written in the zone to ten years after the latest
/// (a series' UNTIL counted). Text is escaped and lines folded by `CalendarWriter`.
public enum EventCalendar {
    /// A whole VCALENDAR of `events`, with `X-KALTURA-TOTAL-COUNT` when a page of a larger listing.
    public static func calendar(_ events: [ScheduleEvent], totalCount: Int? = nil) throws -> [UInt8] {
        var properties = [
            ContentLine(name: "VERSION", value: "2.0"), ContentLine(name: "PRODID", value: "-//scheduledrop//schedule//EN"),
        ]
        if let totalCount { properties.append(ContentLine(name: "X-KALTURA-TOTAL-COUNT", value: String(totalCount))) }
        // Each event's source is read once, for its zones and for its VEVENT.
        let sources = events.map { EventSource($0.source, skippingPlain: true) }
        var export = Export(events, sources: sources)
        let vevents = zip(events, sources).map { export.component($0, source: $1) }
        var writer = CalendarWriter()
        try writer.writeCalendar(properties: properties, components: export.timeZones() + vevents)
        return writer.bytes
    }

    /// An instant as a UTC DATE-TIME, `20250301T090000Z`.
    static func utc(_ seconds: Int64) -> String {
        LocalDateTime(wallSeconds: seconds).description + "Z"
    }

    /// A year, and ten years, in seconds: how far a written VTIMEZONE reaches before and after the times it serves.
    static let zoneMarginBefore: Int64 = 366 * 86_400
    static let zoneMarginAfter: Int64 = 10 * 366 * 86_400

    /// The clock an event's times are written on.
    enum Clock {
        case utc
        case zoned(tzid: String, zone: ZoneResolver.Zone)
        case floating(TimeZone)
        case date(TimeZone)
    }

    /// The state of one export: the zones of the sources, and the instants written in each TZID.
    struct Export {
        private var resolver = ZoneResolver()
        /// The VTIMEZONEs of the sources, by TZID.
        private var sourceZones: [String: Component] = [:]
        /// The series of the calendar by UID, for the zone of their occurrences' RECURRENCE-IDs.
        private var seriesZones: [String: String?] = [:]
        /// For each TZID written, its zone and the earliest and latest instants written in it, in order of first use.
        private var used: [(tzid: String, zone: ZoneResolver.Zone, earliest: Int64, latest: Int64)] = []

        /// The state for `events`, whose sources read are `sources`.
        init(_ events: [ScheduleEvent], sources: [EventSource]) {
            for (event, source) in zip(events, sources) {
                if event.recurrenceType == .recurring { seriesZones[event.referenceId] = event.timeZoneID }
                for zone in source.timeZones {
                    if let tzid = zone.property("TZID").map({ TextValue.unescape($0.value) }), sourceZones[tzid] == nil {
                        sourceZones[tzid] = zone
                        try? resolver.register(zone)
                    }
                }
            }
        }

        /// The VTIMEZONE of every TZID used so far.
        func timeZones() -> [Component] {
            used.map { entry in
                if let own = sourceZones[entry.tzid] { return own }
                switch entry.zone {
                case .system(let zone):
                    return zone.vTimeZone(
                        tzid: entry.tzid, covering: entry.earliest - zoneMarginBefore..<entry.latest + zoneMarginAfter)
                case .defined:
                    // Only a source's VTIMEZONE defines a zone, and it is written above.
                    return Component(name: "VTIMEZONE", properties: [ContentLine(name: "TZID", value: TextValue.escape(entry.tzid))])
                }
            }
        }

        /// The VEVENT of one event, whose source read is `source`.
        mutating func component(_ event: ScheduleEvent, source: EventSource) -> Component {
            let own = source.main
            let isDate =
                (own?.property("DTSTART").flatMap { try? DateTimeValue($0) }?.isDate ?? false)
                || (event.recurrenceType == .recurrence && event.recurrenceKey.utf8.count == 8 && own == nil && !source.plain)
            let clock = clock(event.timeZoneID, isDate: isDate)
            var lines: [ContentLine] = [
                ContentLine(name: "UID", value: TextValue.escape(event.referenceId)),
                ContentLine(name: "DTSTAMP", value: utc(event.updatedAt ?? event.startDate)),
                time("DTSTART", event.startDate, clock),
                time("DTEND", event.endDate, clock),
            ]
            func text(_ name: String, _ value: String?) {
                if let value { lines.append(ContentLine(name: name, value: TextValue.escape(value))) }
            }
            text("SUMMARY", event.summary)
            text("DESCRIPTION", event.description)
            text("LOCATION", event.location)
            if let organizer = event.organizer {
                lines.append(
                    own?.property("ORGANIZER").flatMap { $0.value == organizer ? $0 : nil }
                        ?? ContentLine(name: "ORGANIZER", value: organizer))
            }
            lines.append(ContentLine(name: "STATUS", value: event.status == .active ? "CONFIRMED" : "CANCELLED"))
            lines.append(ContentLine(name: "SEQUENCE", value: String(event.sequence)))
            if let priority = event.priority { lines.append(ContentLine(name: "PRIORITY", value: String(priority))) }
            if event.recurrenceType == .recurring {
                lines += rules(event, clock)
                if let own { lines += exceptions(of: own, clock) }
            }
            if event.recurrenceType == .recurrence, !event.recurrenceKey.isEmpty {
                lines.append(recurrenceID(event, ownClock: clock))
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
            let others = own?.properties.filter { !VEventMapper.mappedProperties.contains($0.name) } ?? []
            for line in others { noteZone(of: line) }
            lines += others
            return Component(name: "VEVENT", properties: lines, components: own?.components ?? [])
        }

        /// The clock of a zone label (`ScheduleEvent.timeZoneID`).
        private mutating func clock(_ label: String?, isDate: Bool) -> Clock {
            guard let label else { return .utc }
            if label.hasPrefix("floating:") {
                let zone = TimeZone(identifier: String(label.dropFirst(9))) ?? TimeZone(identifier: "UTC")!
                return isDate ? .date(zone) : .floating(zone)
            }
            guard let zone = resolver.zone(for: label) else { return .utc }
            return .zoned(tzid: label, zone: zone)
        }

        /// A property holding `instant` on `clock`, noting the instant for the zone's VTIMEZONE.
        private mutating func time(_ name: String, _ instant: Int64, _ clock: Clock) -> ContentLine {
            switch clock {
            case .utc:
                return ContentLine(name: name, value: utc(instant))
            case .zoned(let tzid, let zone):
                note(tzid, zone, instant)
                return ContentLine(
                    name: name, parameters: [Parameter(name: "TZID", values: [tzid])], value: Self.wall(instant, zone).description)
            case .floating(let zone):
                return ContentLine(name: name, value: Self.wall(instant, zone).description)
            case .date(let zone):
                return ContentLine(
                    name: name, parameters: [Parameter(name: "VALUE", values: ["DATE"])],
                    value: String(Self.wall(instant, zone).description.prefix(8)))
            }
        }

        /// The wall time of `instant` in a zone of the resolver.
        private static func wall(_ instant: Int64, _ zone: ZoneResolver.Zone) -> LocalDateTime {
            LocalDateTime(wallSeconds: instant + Int64(zone.offset(atInstant: instant)))
        }

        /// The wall time of `instant` in a Foundation zone.
        private static func wall(_ instant: Int64, _ zone: TimeZone) -> LocalDateTime {
            LocalDateTime(wallSeconds: instant + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))))
        }

        /// Remembers that `instant` is written in `tzid`.
        private mutating func note(_ tzid: String, _ zone: ZoneResolver.Zone, _ instant: Int64) {
            if let index = used.firstIndex(where: { $0.tzid == tzid }) {
                used[index].earliest = min(used[index].earliest, instant)
                used[index].latest = max(used[index].latest, instant)
            } else {
                used.append((tzid, zone, instant, instant))
            }
        }

        /// Notes the TZID of a property copied from a source, with the instants of its values.
        private mutating func noteZone(of line: ContentLine) {
            guard let tzid = line.parameter("TZID"), let zone = resolver.zone(for: tzid)
            else { return }
            let values = (try? DateTimeValue.list(line)) ?? []
            for value in values {
                if let instant = try? resolver.instant(of: value, floatingZone: TimeZone(identifier: "UTC")!) {
                    note(tzid, zone, instant)
                }
            }
        }

        /// The series' RRULE lines; on a UTC or zoned clock with UNTIL in UTC, as import stores them (a rule stored by
        /// an earlier version may have it on the local clock).
        private mutating func rules(_ event: ScheduleEvent, _ clock: Clock) -> [ContentLine] {
            (event.recurrenceRule?.split(separator: "\n") ?? []).map { text in
                var written = String(text)
                switch clock {
                case .utc:
                    written = RecurrenceRule.textWithUntilInUTC(written) { $0.wallSeconds }
                case .zoned(let tzid, let zone):
                    written = RecurrenceRule.textWithUntilInUTC(written, instant: zone.instant(of:))
                    if case .utc(let until)? = (try? RecurrenceRule(parsing: written))?.until { note(tzid, zone, until.wallSeconds) }
                case .floating, .date:
                    break
                }
                return ContentLine(name: "RRULE", value: written)
            }
        }

        /// A series' EXDATE and RDATE lines: on a UTC or zoned clock, date-times given on that clock (a DATE stays a
        /// DATE); on a floating clock, as written.
        private mutating func exceptions(of master: Component, _ clock: Clock) -> [ContentLine] {
            let written = master.properties.filter { $0.name == "EXDATE" || $0.name == "RDATE" }
            switch clock {
            case .floating, .date:
                for line in written { noteZone(of: line) }
                return written
            case .utc, .zoned:
                break
            }
            let utcZone = TimeZone(identifier: "UTC")!
            var exdates: [String] = []
            var exdays: [String] = []
            var rdates: [String] = []
            var rdays: [String] = []
            var periods: [String] = []
            func onClock(_ value: DateTimeValue) -> String? {
                guard let instant = try? resolver.instant(of: value, floatingZone: utcZone) else { return nil }
                return time("EXDATE", instant, clock).value
            }
            for line in written {
                if line.name == "EXDATE" {
                    for value in (try? DateTimeValue.list(line)) ?? [] {
                        if value.isDate {
                            exdays.append(String(value.local.description.prefix(8)))
                        } else if let text = onClock(value) {
                            exdates.append(text)
                        }
                    }
                    continue
                }
                for date in (try? RecurrenceDate.list(line)) ?? [] {
                    if date.start.isDate && date.end == nil && date.duration == nil {
                        rdays.append(String(date.start.local.description.prefix(8)))
                    } else if let start = onClock(date.start) {
                        if let end = date.end.flatMap(onClock) {
                            periods.append(start + "/" + end)
                        } else if let duration = date.duration {
                            periods.append(start + "/" + Self.text(of: duration))
                        } else {
                            rdates.append(start)
                        }
                    }
                }
            }
            var parameters: [Parameter] = []
            if case .zoned(let tzid, _) = clock { parameters = [Parameter(name: "TZID", values: [tzid])] }
            let date = [Parameter(name: "VALUE", values: ["DATE"])]
            let period = [Parameter(name: "VALUE", values: ["PERIOD"])] + parameters
            return [
                ("EXDATE", parameters, exdates), ("EXDATE", date, exdays), ("RDATE", parameters, rdates), ("RDATE", date, rdays),
                ("RDATE", period, periods),
            ].compactMap { name, parameters, values in
                values.isEmpty ? nil : ContentLine(name: name, parameters: parameters, value: values.joined(separator: ","))
            }
        }

        /// A duration as RFC 5545 writes it (`P1DT3600S`, `PT5400S`).
        private static func text(of duration: ICalDuration) -> String {
            let negative = duration.days < 0 || duration.seconds < 0
            let days = abs(duration.days)
            let seconds = abs(duration.seconds)
            let body = days > 0 ? "P\(days)D" + (seconds > 0 ? "T\(seconds)S" : "") : "PT\(seconds)S"
            return (negative ? "-" : "") + body
        }

        /// An occurrence's RECURRENCE-ID: a DATE for a series of dates, else its instant on its series' clock.
        private mutating func recurrenceID(_ event: ScheduleEvent, ownClock: Clock) -> ContentLine {
            let key = event.recurrenceKey
            guard key.utf8.count != 8 else {
                return ContentLine(name: "RECURRENCE-ID", parameters: [Parameter(name: "VALUE", values: ["DATE"])], value: key)
            }
            guard let value = try? DateTimeValue(ContentLine(name: "RECURRENCE-ID", value: key)) else {
                return ContentLine(name: "RECURRENCE-ID", value: key)
            }
            let seriesClock = seriesZones[event.referenceId].map { clock($0, isDate: false) } ?? ownClock
            return time("RECURRENCE-ID", value.local.wallSeconds, seriesClock)
        }
    }
}

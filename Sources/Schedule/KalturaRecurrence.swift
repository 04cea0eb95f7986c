import Foundation
import ICalendar

/// Kaltura's `KalturaScheduleEventRecurrence` of a series, and the other event fields Kaltura reads from a VEVENT.
///
/// The recurrence is built from the series' first RRULE (Kaltura's object holds one rule) and its zone:
/// `frequency` as `KalturaScheduleEventRecurrenceFrequency` (`days`, `weeks` …), `until` in seconds since
/// 1970 (an UNTIL on the local clock read in the series' zone, a DATE as the end of that day), `timeZone` the
/// IANA name the series' zone resolves to (`UTC` for a series in UTC), `count`, `interval` when the rule
/// states it, the BY… parts comma-joined as RRULE writes them (`byDay` `MO,-1FR`, `byWeekNumber` from
/// BYWEEKNO, `byOffset` from BYSETPOS), and `weekStartDay` when the rule states WKST. Absent parts are left
/// out; Kaltura's `name` has no RRULE part and is never given.
enum KalturaRecurrence {
    /// The `recurrence` object of a series; nil for other events and for a series without an RRULE (RDATEs only).
    static func object(of event: ScheduleEvent) -> KalturaObject? {
        guard event.recurrenceType == .recurring,
            let text = event.recurrenceRule?.split(separator: "\n").first.map(String.init),
            let rule = try? RecurrenceRule(parsing: text)
        else { return nil }
        var resolver = ZoneResolver()
        for zone in EventSource(event.source).timeZones { try? resolver.register(zone) }
        let label = event.timeZoneID
        let floating = label.flatMap { $0.hasPrefix("floating:") ? TimeZone(identifier: String($0.dropFirst(9))) : nil }
        let zone = label.flatMap { floating == nil ? resolver.zone(for: $0) : nil }
        let stated = Set(text.uppercased().split(separator: ";").compactMap { $0.split(separator: "=").first.map(String.init) })
        var fields: [String: KalturaObject.Value] = ["frequency": .string(frequency(rule.frequency))]
        switch zone {
        case .system(let system)?: fields["timeZone"] = .string(system.timeZone.identifier)
        case .defined?: fields["timeZone"] = label.map(KalturaObject.Value.string)
        case nil: fields["timeZone"] = .string(floating?.identifier ?? "UTC")
        }
        if let until = rule.until {
            func instant(_ local: LocalDateTime) -> Int64 {
                if let zone { return zone.instant(of: local) }
                return floating?.instant(of: local) ?? local.wallSeconds
            }
            fields["until"] =
                switch until {
                case .utc(let local): .int(local.wallSeconds)
                case .floating(let local), .zoned(let local, _): .int(instant(local))
                case .date(let day): .int(instant(LocalDateTime(wallSeconds: day.wallSeconds + 86_399)))
                }
        }
        fields["count"] = rule.count.map { .int(Int64($0)) }
        if stated.contains("INTERVAL") { fields["interval"] = .int(Int64(rule.interval)) }
        for (name, values) in [
            ("bySecond", rule.bySecond), ("byMinute", rule.byMinute), ("byHour", rule.byHour), ("byMonthDay", rule.byMonthDay),
            ("byYearDay", rule.byYearDay), ("byWeekNumber", rule.byWeekNo), ("byMonth", rule.byMonth), ("byOffset", rule.bySetPos),
        ] where !values.isEmpty {
            fields[name] = .string(values.map(String.init).joined(separator: ","))
        }
        if !rule.byDay.isEmpty {
            fields["byDay"] = .string(
                rule.byDay.map { ($0.ordinal == 0 ? "" : String($0.ordinal)) + $0.weekday.code }.joined(separator: ","))
        }
        if stated.contains("WKST") { fields["weekStartDay"] = .string(rule.weekStart.code) }
        return KalturaObject(objectType: "KalturaScheduleEventRecurrence", fields: fields)
    }

    /// `KalturaScheduleEventRecurrenceFrequency`'s value for an RRULE FREQ.
    static func frequency(_ frequency: RecurrenceRule.Frequency) -> String {
        switch frequency {
        case .secondly: "seconds"
        case .minutely: "minutes"
        case .hourly: "hours"
        case .daily: "days"
        case .weekly: "weeks"
        case .monthly: "months"
        case .yearly: "years"
        }
    }

    /// The fields Kaltura's iCal import reads from standard properties that the event's own VEVENT in its source
    /// states: `classificationType` from CLASS (1 PUBLIC, 2 PRIVATE, 3 CONFIDENTIAL),
    /// `geoLatitude` and `geoLongitude` from GEO, `contact` from CONTACT and `comment` from COMMENT (the first of
    /// each). A value that does not read is left out.
    static func sourceFields(of event: ScheduleEvent) -> [String: KalturaObject.Value] {
        // Most sources state none of these: a look for their names spares reading the source.
        guard let source = event.source, EventSource.hasProperty(named: ["CLASS", "GEO", "CONTACT", "COMMENT"], in: source),
            let vevent = EventSource(source).main
        else { return [:] }
        var fields: [String: KalturaObject.Value] = [:]
        let classes = ["PUBLIC": 1, "PRIVATE": 2, "CONFIDENTIAL": 3]
        if let value = vevent.property("CLASS")?.value.trimmingCharacters(in: .whitespaces).uppercased(), let code = classes[value] {
            fields["classificationType"] = .int(Int64(code))
        }
        if let parts = vevent.property("GEO")?.value.split(separator: ";"), parts.count == 2,
            let latitude = Double(parts[0].trimmingCharacters(in: .whitespaces)),
            let longitude = Double(parts[1].trimmingCharacters(in: .whitespaces))
        {
            fields["geoLatitude"] = .double(latitude)
            fields["geoLongitude"] = .double(longitude)
        }
        fields["contact"] = vevent.property("CONTACT").map { .string(TextValue.unescape($0.value)) }
        fields["comment"] = vevent.property("COMMENT").map { .string(TextValue.unescape($0.value)) }
        return fields
    }
}

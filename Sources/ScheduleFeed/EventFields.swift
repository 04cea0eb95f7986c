import Foundation
import ICalendar
import Schedule

/// The fields of a `KalturaScheduleEvent` (Record, LiveStream or Blackout) a call sends as `scheduleEvent:<field>`,
/// written onto a VEVENT so that the job a file goes through reads them (`ScheduleEditor`): the same rules, the
/// same codes.
///
/// - summary SUMMARY, description DESCRIPTION, location LOCATION, contact CONTACT, comment COMMENT, organizer
///   ORGANIZER, priority PRIORITY, sequence SEQUENCE, classificationType CLASS (1 PUBLIC, 2 PRIVATE,
///   3 CONFIDENTIAL), geoLatitude and geoLongitude GEO (both, or neither);
/// - ownerId, tags, categoryIds, entryIds, templateEntryId and resourceIds (the comma-separated list our events are
///   given with, beside `scheduleEventResource`) their X-KALTURA-* properties; an event added without an ownerId is
///   owned by the KS's user, when it names one;
/// - referenceId the UID (on `add`; an update may not change it);
/// - startDate, endDate and duration DTSTART, DTEND and DURATION, written on the clock of `recurrence.timeZone`, else
///   the event's own zone, else UTC, so that a series repeats on that zone's wall clock across DST changes; an update
///   that moves the start without an end keeps the event's length;
/// - recurrenceType and `recurrence` the RRULE (frequency `days` → `FREQ=DAILY` …, until in UTC, count, interval,
///   the BY… parts, byWeekNumber BYWEEKNO, byOffset (or bySetPos) BYSETPOS, weekStartDay WKST). A recurrence sent replaces the
///   event's whole rule; `recurrenceType` 0 (none) makes a series a single event again.
///
/// A field sent as null (the client's `field__null`) removes its property. Fields the store sets (id, partnerId,
/// status, parentId, createdAt, updatedAt …) and fields with no iCalendar property (linkedTo …) are passed over: the
/// partner is always the KS's. Values that are not text are refused with `feed.invalidParameter` when they hold a
/// control character, so no value can add a line of its own.
struct EventFields {
    /// The fields sent, by name (`recurrence:frequency` for the recurrence's).
    let values: [String: String]
    /// The fields sent as null.
    let nulled: Set<String>

    /// The fields of the object parameter `object`.
    init(_ parameters: KalturaParameters, object: String = "scheduleEvent") {
        var values: [String: String] = [:]
        var nulled: Set<String> = []
        for (name, value) in parameters.fields(of: object) {
            if name.hasSuffix("__null") { nulled.insert(String(name.dropLast(6))) } else { values[name] = value }
        }
        self.values = values
        self.nulled = nulled
    }

    /// The object types an event may be written as, and their event types.
    static let objectTypes: [String: EventType] = [
        "KalturaRecordScheduleEvent": .record, "KalturaLiveStreamScheduleEvent": .liveStream, "KalturaBlackoutScheduleEvent": .blackout,
    ]

    /// The event type the object's `objectType` names; nil when it names none.
    var type: EventType? { values["objectType"].flatMap { Self.objectTypes[$0] } }

    /// Whether the object sends any field that says when the event happens.
    private var movesTime: Bool {
        ["startDate", "endDate", "duration", "recurrence:timeZone"].contains { values[$0] != nil }
    }

    /// Writes the fields onto `vevent`: a new event's (`stored` nil; `owner` is the KS's user) or the VEVENT that makes
    /// `stored` again.
    func apply(to vevent: inout Component, stored: ScheduleEvent?, owner: String?) throws(FeedError) {
        if let reference = values["referenceId"], let stored, reference != stored.referenceId {
            throw FeedError(.invalidParameter, "referenceId is the event's UID and cannot change (it is \"\(stored.referenceId)\")")
        }
        for (field, property) in Self.textProperties {
            if let value = values[field] { vevent.set(property, TextValue.escape(value)) }
            if nulled.contains(field) { vevent.remove(property) }
        }
        for (field, property) in Self.plainProperties {
            if let value = values[field] { vevent.set(property, try Self.plain(value, field)) }
            if nulled.contains(field) { vevent.remove(property) }
        }
        if stored == nil, values["ownerId"] == nil, let owner, !owner.isEmpty { vevent.set("X-KALTURA-OWNER-ID", TextValue.escape(owner)) }
        if let classification = values["classificationType"] {
            let classes = ["1": "PUBLIC", "2": "PRIVATE", "3": "CONFIDENTIAL"]
            guard let value = classes[classification] else {
                throw FeedError(.invalidParameter, "classificationType is '\(classification.prefix(20))', not 1, 2 or 3")
            }
            vevent.set("CLASS", value)
        }
        if nulled.contains("classificationType") { vevent.remove("CLASS") }
        if values["geoLatitude"] != nil || values["geoLongitude"] != nil {
            guard let latitude = values["geoLatitude"].flatMap(Double.init), let longitude = values["geoLongitude"].flatMap(Double.init)
            else {
                throw FeedError(.invalidParameter, "geoLatitude and geoLongitude go together, each a number")
            }
            vevent.set("GEO", "\(latitude);\(longitude)")
        }
        if nulled.contains("geoLatitude") || nulled.contains("geoLongitude") { vevent.remove("GEO") }
        try applyTimes(to: &vevent, stored: stored)
        try applyRecurrence(to: &vevent, stored: stored)
    }

    /// Fields written escaped as TEXT.
    private static let textProperties = [
        ("summary", "SUMMARY"), ("description", "DESCRIPTION"), ("location", "LOCATION"), ("contact", "CONTACT"),
        ("comment", "COMMENT"), ("tags", "X-KALTURA-TAGS"), ("ownerId", "X-KALTURA-OWNER-ID"),
    ]
    /// Fields written as they are sent; the job checks their values.
    private static let plainProperties = [
        ("organizer", "ORGANIZER"), ("priority", "PRIORITY"), ("sequence", "SEQUENCE"), ("categoryIds", "X-KALTURA-CATEGORY-IDS"),
        ("entryIds", "X-KALTURA-ENTRY-IDS"), ("templateEntryId", "X-KALTURA-TEMPLATE-ENTRY-ID"),
        ("resourceIds", "X-KALTURA-RESOURCE-IDS"),
    ]

    private func applyTimes(to vevent: inout Component, stored: ScheduleEvent?) throws(FeedError) {
        guard stored == nil || movesTime else { return }
        let zone = try zone(stored: stored)
        let start = try number("startDate") ?? stored?.startDate
        var end = try number("endDate")
        if end == nil, let start {
            if let duration = try number("duration") {
                end = start + duration
            } else if let stored {
                end = start + stored.duration
            }
        }
        for name in ["DTSTART", "DTEND", "DURATION"] { vevent.remove(name) }
        if let start { vevent.properties.append(Self.time("DTSTART", start, zone)) }
        if let end { vevent.properties.append(Self.time("DTEND", end, zone)) }
    }

    /// The zone the times are written in: the recurrence's, else the stored event's own, else nil for UTC.
    private func zone(stored: ScheduleEvent?) throws(FeedError) -> TimeZone? {
        if let name = values["recurrence:timeZone"], !name.isEmpty {
            guard let zone = TimeZone(identifier: name) else {
                throw FeedError(.invalidParameter, "recurrence.timeZone '\(name.prefix(60))' is not a time zone name (Europe/Berlin …)")
            }
            return zone
        }
        guard var label = stored?.timeZoneID else { return nil }
        if label.hasPrefix("floating:") { label.removeFirst(9) }
        return TimeZone(identifier: label)
    }

    /// A DATE-TIME line: UTC (`Z`), or the wall clock of `zone` with its TZID.
    private static func time(_ name: String, _ instant: Int64, _ zone: TimeZone?) -> ContentLine {
        guard let zone, zone.identifier != "UTC", zone.identifier != "GMT" else {
            return ContentLine(name: name, value: LocalDateTime(wallSeconds: instant).description + "Z")
        }
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        return ContentLine(
            name: name, parameters: [Parameter(name: "TZID", values: [zone.identifier])],
            value: LocalDateTime(wallSeconds: instant + offset).description)
    }

    private func applyRecurrence(to vevent: inout Component, stored: ScheduleEvent?) throws(FeedError) {
        let ruleFields = Self.ruleParts.map { "recurrence:" + $0.0 }.filter { values[$0] != nil || nulled.contains($0) }
        let recurrenceType = try number("recurrenceType").map { code throws(FeedError) in
            guard let type = RecurrenceType(rawValue: Int(code)), type != .recurrence else {
                throw FeedError(.invalidParameter, "recurrenceType is \(code): 0 for a single event or 1 for a series")
            }
            return type
        }
        if stored?.recurrenceType == .recurrence, recurrenceType != nil || !ruleFields.isEmpty {
            throw FeedError(
                .invalidParameter, "an occurrence repeats as its series does: change the series \(stored?.parentId ?? 0) instead")
        }
        if recurrenceType == RecurrenceType.none {
            for name in ["RRULE", "RDATE", "EXDATE"] { vevent.remove(name) }
            return
        }
        guard !ruleFields.isEmpty else {
            if recurrenceType == .recurring, vevent.property("RRULE") == nil, vevent.property("RDATE") == nil {
                throw FeedError(.invalidParameter, "a series (recurrenceType 1) needs its recurrence (frequency, and count, until …)")
            }
            return
        }
        let rule = try rule(over: vevent.property("RRULE")?.value)
        vevent.remove("RRULE")
        vevent.properties.append(ContentLine(name: "RRULE", value: rule))
    }

    /// The RRULE parts each recurrence field writes.
    private static let ruleParts = [
        ("count", "COUNT"), ("interval", "INTERVAL"), ("bySecond", "BYSECOND"), ("byMinute", "BYMINUTE"), ("byHour", "BYHOUR"),
        ("byDay", "BYDAY"), ("byMonthDay", "BYMONTHDAY"), ("byYearDay", "BYYEARDAY"), ("byWeekNumber", "BYWEEKNO"),
        ("byMonth", "BYMONTH"), ("byOffset", "BYSETPOS"), ("bySetPos", "BYSETPOS"), ("weekStartDay", "WKST"), ("frequency", "FREQ"),
        ("until", "UNTIL"),
    ]

    /// The RRULE text of the recurrence sent, laid over the event's rule `existing` (as Kaltura fills a stored object
    /// with the fields an update sends): a field sent replaces its part, a field sent as null removes it, and an
    /// `until` sent without a `count` removes the rule's COUNT (and the reverse), which RFC 5545 never allows together.
    private func rule(over existing: String?) throws(FeedError) -> String {
        var parts: [(name: String, value: String)] =
            existing?.split(separator: ";").compactMap { item in
                let pair = item.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]).uppercased(), String(pair[1])) : nil
            } ?? []
        func set(_ name: String, _ value: String?) {
            if let index = parts.firstIndex(where: { $0.name == name }) {
                if let value { parts[index].value = value } else { parts.remove(at: index) }
            } else if let value {
                parts.append((name, value))
            }
        }
        let frequencies = [
            "seconds": "SECONDLY", "minutes": "MINUTELY", "hours": "HOURLY", "days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY",
            "years": "YEARLY",
        ]
        if let frequency = values["recurrence:frequency"] {
            if let known = frequencies[frequency] {
                set("FREQ", known)
            } else {
                set("FREQ", try Self.rulePart(frequency, "frequency").uppercased())
            }
        }
        if let until = try number("recurrence:until") {
            set("UNTIL", LocalDateTime(wallSeconds: until).description + "Z")
            if values["recurrence:count"] == nil { set("COUNT", nil) }
        }
        for (field, part) in Self.ruleParts where !["frequency", "until"].contains(field) {
            guard let value = values["recurrence:" + field], !value.isEmpty else { continue }
            set(part, try Self.rulePart(value, field))
            if part == "COUNT", values["recurrence:until"] == nil { set("UNTIL", nil) }
        }
        for (field, part) in Self.ruleParts where nulled.contains("recurrence:" + field) { set(part, nil) }
        return parts.map { $0.name + "=" + $0.value }.joined(separator: ";")
    }

    /// A whole-number field, nil when not sent.
    private func number(_ name: String) throws(FeedError) -> Int64? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let number = Int64(text) ?? Double(text).flatMap({ $0 == $0.rounded() ? Int64(exactly: $0) : nil }) else {
            throw FeedError(
                .invalidParameter, "\(name.replacingOccurrences(of: ":", with: ".")) is '\(text.prefix(40))', not a whole number")
        }
        return number
    }

    /// A value written as it is sent: refused when it holds a control character.
    private static func plain(_ value: String, _ field: String) throws(FeedError) -> String {
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw FeedError(.invalidParameter, "\(field) holds a control character")
        }
        return value
    }

    /// A part of the RRULE: letters, digits, `,`, `+` and `-` only.
    private static func rulePart(_ value: String, _ field: String) throws(FeedError) -> String {
        guard
            value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ",+-".unicodeScalars.contains($0)) }
            )
        else { throw FeedError(.invalidParameter, "recurrence.\(field) '\(value.prefix(40))' holds characters no RRULE part has") }
        return value
    }
}

extension Component {
    /// Replaces every line of property `name` with one of `value`.
    mutating func set(_ name: String, _ value: String) {
        remove(name)
        properties.append(ContentLine(name: name, value: value))
    }

    /// Removes every line of property `name`.
    mutating func remove(_ name: String) {
        properties.removeAll { $0.name == name }
    }
}

import Foundation
import ICalendar

/// The components of an event's stored source (`ScheduleEvent.source`): the VTIMEZONEs it keeps, the VEVENT that
/// describes the event itself, and, for a series, its overrides.
struct EventSource {
    /// The VTIMEZONEs, in the order kept.
    var timeZones: [Component] = []
    /// The event's own VEVENT: a series' master, a single event's VEVENT, or an override's VEVENT for an occurrence.
    var main: Component?
    /// The RECURRENCE-ID overrides kept with a series.
    var overrides: [Component] = []
    /// Whether the source was left unread because it is one VEVENT that says nothing beyond the event's fields
    /// (`isPlain`): then `main` is nil, and its DTSTART is a DATE-TIME.
    private(set) var plain = false

    /// Reads a source; nil, or text that does not read, gives no components. With `skippingPlain`, a plain
    /// source is not read (see `plain`).
    init(_ source: String?, skippingPlain: Bool = false) {
        guard let source else { return }
        if skippingPlain && Self.isPlain(source) {
            plain = true
            return
        }
        var reader = CalendarReader(BufferByteSource(source))
        var events: [Component] = []
        while let component = try? reader.next()?.component {
            switch component.name {
            case "VTIMEZONE": timeZones.append(component)
            case "VEVENT": events.append(component)
            default: continue
            }
        }
        if let master = events.firstIndex(where: { $0.property("RECURRENCE-ID") == nil }) {
            main = events.remove(at: master)
            overrides = events
        } else {
            main = events.first
        }
    }
}

extension EventSource {
    /// Whether `source` is one VEVENT, without sub-components, whose every property is one the event's fields hold
    /// (`VEventMapper.mappedProperties`) apart from EXDATE and RDATE, whose ORGANIZER has no parameters and whose
    /// DTSTART is a DATE-TIME: what an export writes from the fields alone. A look at each line's name, far
    /// cheaper than reading the source; anything it is not sure of is not plain.
    static func isPlain(_ source: String) -> Bool {
        var begins = 0
        var first: String?
        var last = ""
        for raw in source.utf8.split(separator: UInt8(ascii: "\n")) {
            let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw[...]
            guard let lead = line.first, lead != UInt8(ascii: " "), lead != UInt8(ascii: "\t") else {
                // A folded line's rest: only a value (DESCRIPTION …) is long enough to be folded, but be sure.
                if last == "DTSTART" || last == "ORGANIZER" { return false }
                continue
            }
            let end = line.firstIndex { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ";") } ?? line.endIndex
            let name = String(decoding: line[..<end], as: UTF8.self)
            switch name {
            case "BEGIN", "END":
                guard line[end...].elementsEqual(":VEVENT".utf8) else { return false }
                if name == "BEGIN" { begins += 1 }
            case "EXDATE", "RDATE":
                return false
            case "ORGANIZER":
                if line[end...].first == UInt8(ascii: ";") { return false }
            case "DTSTART":
                // A DATE-TIME value (more than 8 characters), and no VALUE=DATE parameter.
                let value = line[end...]
                guard let colon = value.lastIndex(of: UInt8(ascii: ":")), value.distance(from: colon, to: value.endIndex) > 9,
                    !Array(value[..<colon]).map({ $0 & 0xDF }).containsSequence(Array("VALUE=DATE".utf8).map { $0 & 0xDF })
                else { return false }
            default:
                guard VEventMapper.mappedProperties.contains(name) else { return false }
            }
            first = first ?? name
            last = name
        }
        return first == "BEGIN" && last == "END" && begins == 1
    }

    /// Whether a line of `source` starts with one of `names` followed by `:` or `;`: a look at the bytes, far
    /// cheaper than reading the source.
    static func hasProperty(named names: [String], in source: String) -> Bool {
        let wanted = names.map { Array($0.utf8) }
        let bytes = Array(source.utf8)
        var start = 0
        while start < bytes.count {
            for name in wanted where start + name.count < bytes.count && bytes[start..<start + name.count].elementsEqual(name) {
                let next = bytes[start + name.count]
                if next == UInt8(ascii: ":") || next == UInt8(ascii: ";") { return true }
            }
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            start = newline + 1
        }
        return false
    }

    /// What a source says beyond the event's fields, for telling whether two sources mean the same: for its own
    /// VEVENT and each override (by the instant of its RECURRENCE-ID), the properties no field holds and the
    /// sub-components as written, in any order, and the EXDATE and RDATE values as instants (DATEs as days).
    /// VTIMEZONEs are left out: what they change shows in the fields.
    struct Meaning: Equatable {
        var main: Part?
        var overrides: [String: Part] = [:]

        /// One VEVENT's part of the meaning.
        struct Part: Equatable {
            var others: [String]
            var components: [String]
            var exceptions: [String]
        }
    }

    /// The meaning of the source (see `Meaning`).
    var meaning: Meaning {
        var resolver = ZoneResolver()
        for zone in timeZones { try? resolver.register(zone) }
        let utc = TimeZone(identifier: "UTC")!
        func instant(_ value: DateTimeValue) -> String {
            value.isDate
                ? "D" + value.local.description.prefix(8)
                : (try? resolver.instant(of: value, floatingZone: utc)).map { "T\($0)" } ?? "?" + value.local.description
        }
        func written(_ write: (inout CalendarWriter<BufferByteSink>) throws -> Void) -> String {
            var writer = CalendarWriter()
            try? write(&writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        func part(_ vevent: Component) -> Meaning.Part {
            var exceptions: [String] = []
            for property in vevent.properties where property.name == "EXDATE" {
                exceptions += ((try? DateTimeValue.list(property)) ?? []).map { "X" + instant($0) }
            }
            for property in vevent.properties where property.name == "RDATE" {
                exceptions += ((try? RecurrenceDate.list(property)) ?? []).map { date in
                    let length = date.end.map(instant) ?? date.duration.map { "P\($0.days)D\($0.seconds)S" } ?? ""
                    return "R" + instant(date.start) + "/" + length
                }
            }
            return Meaning.Part(
                others: vevent.properties.filter { !VEventMapper.mappedProperties.contains($0.name) }.map { line in
                    written { try $0.write(line) }
                }.sorted(),
                components: vevent.components.map { component in written { try $0.write(component) } },
                exceptions: exceptions.sorted())
        }
        var meaning = Meaning(main: main.map(part))
        for override in overrides {
            let id = override.property("RECURRENCE-ID").flatMap { try? DateTimeValue($0) }.map(instant) ?? ""
            meaning.overrides[id] = part(override)
        }
        return meaning
    }
}

extension Array where Element == UInt8 {
    /// Whether `sequence` occurs in the array, contiguous.
    fileprivate func containsSequence(_ sequence: [UInt8]) -> Bool {
        guard !sequence.isEmpty, sequence.count <= count else { return sequence.isEmpty }
        return (0...(count - sequence.count)).contains { self[$0..<$0 + sequence.count].elementsEqual(sequence) }
    }
}

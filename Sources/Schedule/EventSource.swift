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

    /// Reads a source; nil, or text that does not read, gives no components.
    init(_ source: String?) {
        guard let source else { return }
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

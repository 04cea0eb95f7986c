import ICalendar
import Schedule

/// The components of a series as the store keeps them in its source: the VTIMEZONEs it names, its master and its overrides.
struct SeriesSource {
    /// The VTIMEZONEs, by TZID.
    var timeZones: [String: Component] = [:]
    /// The master VEVENT (without RECURRENCE-ID), if the source has one.
    var master: Component?
    /// The RECURRENCE-ID overrides.
    var overrides: [Component] = []

    /// Reads a stored source. Its components get negative line numbers (-1, -2 …), so they never
    /// collide with the lines of a file they are merged with.
    init(_ source: String) throws {
        var reader = CalendarReader(BufferByteSource(source))
        var line = 0
        while var component = try reader.next()?.component {
            line -= 1
            component.line = line
            switch component.name {
            case "VTIMEZONE":
                if let tzid = component.property("TZID")?.value { timeZones[tzid] = component }
            case "VEVENT" where component.property("RECURRENCE-ID") != nil:
                overrides.append(component)
            case "VEVENT":
                master = component
            default:
                continue
            }
        }
    }

    /// Makes the source's VTIMEZONEs available to `zones`; a broken one is left out, as in a file.
    func register(into zones: inout ZoneResolver) {
        for zone in timeZones.values { try? zones.register(zone) }
    }
}

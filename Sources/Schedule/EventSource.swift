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

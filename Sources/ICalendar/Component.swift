/// An iCalendar component (`VEVENT`, `VTIMEZONE`, `VALARM` …) with its properties and sub-components.
public struct Component: Equatable, Sendable {
    /// The component name, upper-cased.
    public var name: String
    /// The properties in file order.
    public var properties: [ContentLine]
    /// The nested components in file order.
    public var components: [Component]
    /// The 1-based line of the component's `BEGIN`.
    public var line: Int
    /// Content lines inside the component that could not be read (no `:`, a malformed parameter), each skipped so
    /// that the rest of the component is kept, and lines read repaired (bad UTF-8 read as U+FFFD); empty for a clean
    /// component.
    public var skippedLines: [ICalendarError] = []

    /// Creates a component.
    public init(name: String, properties: [ContentLine] = [], components: [Component] = [], line: Int = 0) {
        self.name = name
        self.properties = properties
        self.components = components
        self.line = line
    }

    /// The first property named `name` (case-insensitive), if any.
    public func property(_ name: String) -> ContentLine? {
        property(upperCased: name.asciiUppercased)
    }

    /// Every property named `name` (case-insensitive), in file order.
    public func properties(named name: String) -> [ContentLine] {
        properties(upperCased: name.asciiUppercased)
    }

    /// The first property named `name`, which must be upper-case.
    func property(upperCased name: String) -> ContentLine? {
        // Indices rather than `first(where:)`, so that only names are read, not whole lines copied.
        for index in properties.indices where properties[index].hasName(name) { return properties[index] }
        return nil
    }

    /// Every property named `name`, which must be upper-case, in file order.
    func properties(upperCased name: String) -> [ContentLine] {
        var found: [ContentLine] = []
        for index in properties.indices where properties[index].hasName(name) { found.append(properties[index]) }
        return found
    }

    /// Whether the component has a property named `name`, which must be upper-case.
    func hasProperty(upperCased name: String) -> Bool {
        properties.indices.contains { properties[$0].hasName(name) }
    }
}

/// A top-level component of a VCALENDAR, with the calendar's own properties read before it.
public struct CalendarItem: Sendable {
    /// The component (`VEVENT`, `VTIMEZONE`, `VTODO` …) with everything nested in it.
    public var component: Component
    /// The VCALENDAR's properties (`METHOD`, `PRODID`, `X-WR-TIMEZONE` …) read so far.
    public var calendarProperties: [ContentLine]
    /// The 1-based number of the VCALENDAR in the file that holds the component.
    public var calendarIndex: Int
}

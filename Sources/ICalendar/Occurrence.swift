/// One occurrence of an event: when it starts and ends, which instance of the series it is, and the VEVENT that describes it.
///
/// Times given with a TZID are converted to UTC (`.utc`); floating times and dates stay as written.
public struct Occurrence: Equatable, Sendable {
    /// The instance's original start (its RECURRENCE-ID), or nil when the event does not recur.
    public var recurrenceID: DateTimeValue?
    /// When the occurrence starts.
    public var start: DateTimeValue
    /// When the occurrence ends.
    public var end: DateTimeValue
    /// The VEVENT whose properties apply: the master, or the override that replaced this instance.
    public var component: Component

    /// Creates an occurrence.
    public init(recurrenceID: DateTimeValue?, start: DateTimeValue, end: DateTimeValue, component: Component) {
        self.recurrenceID = recurrenceID
        self.start = start
        self.end = end
        self.component = component
    }
}

import ICalendar

/// Why an item (a VEVENT or a CSV row) was rejected or warned about.
///
/// `code` is stable and reaches the report, the log and metric labels; `message` is for people.
public struct ValidationError: Error, Equatable, Sendable {
    /// The stable identity of a validation problem.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The VEVENT has no UID.
        case missingUID = "event.missingUID"
        /// The VEVENT has no DTSTART.
        case missingStart = "event.missingStart"
        /// DTEND (or DTSTART + DURATION) is before DTSTART.
        case endBeforeStart = "event.endBeforeStart"
        /// The VEVENT has both DTEND and DURATION.
        case endAndDuration = "event.endAndDuration"
        /// SEQUENCE is not a non-negative integer.
        case invalidSequence = "event.invalidSequence"
        /// RRULE, RDATE or RECURRENCE-ID: recurring events are not expanded by this version, so the
        /// event is not stored rather than stored wrong (a series as its first occurrence, an override over its series).
        case recurrenceNotSupported = "event.recurrenceNotSupported"
        /// The VEVENT could not be read for a reason no other code names.
        case unreadable = "event.unreadable"
        /// The stored event has a higher SEQUENCE; the item was not applied (a warning).
        case staleSequence = "event.staleSequence"
    }

    /// The stable code; for problems found while reading a value, the iCalendar code's text.
    public var code: String
    /// A message for people naming the property, the value (cut) and the rule.
    public var message: String

    /// Creates a validation error with one of our own codes.
    public init(_ code: Code, _ message: String) {
        self.code = code.rawValue
        self.message = message
    }

    /// Creates a validation error from an iCalendar value error; the message keeps its line.
    public init(_ error: ICalendarError) {
        self.code = error.code.rawValue
        self.message = error.message
    }
}

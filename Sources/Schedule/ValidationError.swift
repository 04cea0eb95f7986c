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
        /// A resource row that adds has no name.
        case missingName = "resource.missingName"
        /// The action is not 1, 2, 3 or 6.
        case unknownAction = "resource.unknownAction"
        /// The type is not location, camera or live_entry.
        case unknownType = "resource.unknownType"
        /// The parent type is not location, camera or live_entry.
        case unknownParentType = "resource.unknownParentType"
        /// The resourceId is not a positive integer.
        case invalidResourceId = "resource.invalidResourceId"
        /// An update or delete names neither a resourceId nor a systemName.
        case missingKey = "resource.missingKey"
        /// The row has more non-empty cells than its header has columns.
        case extraFields = "resource.extraFields"
        /// Another resource of the partner and type already has the systemName.
        case duplicateSystemName = "resource.duplicateSystemName"
        /// No resource of the partner has the parent type and system name, in the store or the file.
        case parentMissing = "resource.parentMissing"
        /// The parents lead back to the resource itself.
        case parentCycle = "resource.parentCycle"
        /// The resource to update or delete does not exist for the partner.
        case notFound = "resource.notFound"
        /// Typographic quotes (“…” or ”…”) were read as quotes (a warning).
        case typographicQuotes = "csv.typographicQuotes"
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

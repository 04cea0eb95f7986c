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
        /// X-KALTURA-ID is not a positive integer.
        case invalidId = "event.invalidId"
        /// X-KALTURA-ID names no event of the partner.
        case idNotFound = "event.idNotFound"
        /// X-KALTURA-ID names an event with another UID, or an occurrence where a series or single event was meant (or the reverse).
        case idMismatch = "event.idMismatch"
        /// X-KALTURA-PARTNER-ID is not an integer.
        case invalidPartnerId = "event.invalidPartnerId"
        /// X-KALTURA-PARTNER-ID is not the folder's partner.
        case partnerMismatch = "event.partnerMismatch"
        /// X-KALTURA-PARENT-ID is not a positive integer.
        case invalidParentId = "event.invalidParentId"
        /// X-KALTURA-PARENT-ID names no series of the partner.
        case parentNotFound = "event.parentNotFound"
        /// X-KALTURA-PARENT-ID names a series with another UID.
        case parentMismatch = "event.parentMismatch"
        /// X-KALTURA-STATUS is not 1, 2 or 3.
        case invalidStatus = "event.invalidStatus"
        /// X-KALTURA-CATEGORY-IDS is not a list of positive integers.
        case invalidCategoryIds = "event.invalidCategoryIds"
        /// An X-KALTURA-ENTRY-IDS item is not 10 characters of `0-9`, `a-z` and `_`.
        case invalidEntryId = "event.invalidEntryId"
        /// X-KALTURA-RESOURCE-IDS is not a list of positive integers.
        case invalidResourceIds = "event.invalidResourceIds"
        /// An X-KALTURA-RESOURCE-IDS item names no resource of the partner (or a deleted one).
        case unknownResource = "event.unknownResource"
        /// X-KALTURA-TAGS is 64 KiB or longer.
        case tagsTooLong = "event.tagsTooLong"
        /// X-KALTURA-TEMPLATE-ENTRY-ID is not 10 characters of `0-9`, `a-z` and `_`.
        case invalidTemplateEntryId = "event.invalidTemplateEntryId"
        /// X-KALTURA-TYPE is not 1 or 2.
        case invalidType = "event.invalidType"
        /// One X-KALTURA-* property is written twice with different values.
        case conflictingProperty = "event.conflictingProperty"
        /// An X-KALTURA-* property that Kaltura's table does not name (a warning).
        case unknownKalturaProperty = "event.unknownKalturaProperty"
        /// A single event or an occurrence lasts longer than the limit (24 hours by default).
        case eventTooLong = "event.tooLong"
        /// A series' instances span more than the limit (2 years by default).
        case seriesTooLong = "event.seriesTooLong"
        /// A series would materialize more occurrences than the limit (1,000 by default).
        case tooManyOccurrences = "event.tooManyOccurrences"
        /// A RECURRENCE-ID override whose series is neither in the file nor stored.
        case seriesNotFound = "event.seriesNotFound"
        /// An override whose series was rejected: nothing of the series was applied.
        case seriesRejected = "event.seriesRejected"
        /// An override of an instance that is not stored (beyond the horizon, or removed by EXDATE) (a warning).
        case overrideNotMaterialized = "event.overrideNotMaterialized"
        /// A VEVENT with the UID of a series and a lower SEQUENCE than the one that was applied (a warning).
        case supersededCopy = "event.supersededCopy"
        /// The event's own EXDATEs remove every instance it has (a warning; a single event is stored cancelled).
        case noOccurrences = "event.noOccurrences"
        /// A line that says when the event happens (DTSTART, DTEND, DURATION, RRULE …) could not be read.
        case unreadableTime = "event.unreadableTime"
        /// DTEND had no zone beside a DTSTART with one and was read in DTSTART's zone (a warning).
        case endZoneAssumed = "event.endZoneAssumed"
        /// The UID holds a control character (a NUL, an escape …): no event could be found by it again.
        case invalidUID = "event.invalidUID"
        /// A value held control characters, each replaced by U+FFFD (a warning).
        case controlCharacter = "event.controlCharacter"
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
        /// The parent is of a kind that cannot hold the resource (only a location holds resources).
        case parentKind = "resource.parentKind"
        /// The parents lead back to the resource itself.
        case parentCycle = "resource.parentCycle"
        /// The resource to update or delete does not exist for the partner.
        case notFound = "resource.notFound"
        /// A system name holds a control character (a NUL, an escape …): no resource could be found by it again.
        case invalidSystemName = "resource.invalidSystemName"
        /// A cell held control characters, each replaced by U+FFFD (a warning).
        case csvControlCharacter = "csv.controlCharacter"
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

    /// The validation error of any error a VEVENT's reading throws: itself, an iCalendar value error, or `unreadable`.
    public init(describing error: any Error) {
        switch error {
        case let error as ValidationError: self = error
        case let error as ICalendarError: self.init(error)
        default: self.init(.unreadable, "\(error)")
        }
    }

    /// Creates a validation error from an iCalendar value error; the message keeps its line.
    public init(_ error: ICalendarError) {
        self.code = error.code.rawValue
        self.message = error.message
    }
}

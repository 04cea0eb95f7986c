/// An error found while reading or writing iCalendar data, with the line it was found on.
///
/// `code` is stable and is what reaches reports, logs and metric labels; `message` is for people.
public struct ICalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stable identity of an iCalendar error.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The data is not an iCalendar object: it does not start with `BEGIN:VCALENDAR`.
        case notICalendar = "ical.notICalendar"
        /// A content line has no `:` or an empty name, or a malformed parameter.
        case malformedContentLine = "ical.malformedContentLine"
        /// A content line is not valid UTF-8, even after unfolding.
        case invalidUTF8 = "ical.invalidUTF8"
        /// An `END` does not match the open `BEGIN`.
        case mismatchedEnd = "ical.mismatchedEnd"
        /// The data ends inside a component.
        case unterminatedComponent = "ical.unterminatedComponent"
        /// A content line is longer than the reader accepts.
        case lineTooLong = "ical.lineTooLong"
        /// Components are nested deeper than the reader accepts.
        case nestingTooDeep = "ical.nestingTooDeep"
        /// A DATE or DATE-TIME value is malformed or out of range.
        case invalidDateTime = "ical.invalidDateTime"
        /// A DURATION value is malformed.
        case invalidDuration = "ical.invalidDuration"
        /// A TZID names no IANA zone and no VTIMEZONE of the file.
        case unknownTimeZone = "ical.unknownTimeZone"
        /// A UTC-OFFSET value (`TZOFFSETFROM`, `TZOFFSETTO`) is malformed or out of range.
        case invalidUTCOffset = "ical.invalidUTCOffset"
        /// A VTIMEZONE lacks its TZID, has no STANDARD or DAYLIGHT observance, or an observance lacks DTSTART or an offset.
        case invalidTimeZone = "ical.invalidTimeZone"
        /// An RRULE value is malformed, or breaks a rule of RFC 5545 §3.3.10 (COUNT with UNTIL, BYWEEKNO outside YEARLY …).
        case invalidRecurrence = "ical.invalidRecurrence"
        /// An RRULE uses a feature this reader does not expand (an RSCALE other than GREGORIAN, leap months).
        case unsupportedRecurrence = "ical.unsupportedRecurrence"
        /// An RRULE yields no instance through a whole cycle of the calendar, so it never will (`BYMONTH=2;BYMONTHDAY=30`).
        case recurrenceNeverMatches = "ical.recurrenceNeverMatches"
        /// An event makes more instances than the expander allows in one window.
        case tooManyOccurrences = "ical.tooManyOccurrences"
        /// The data could not be read from its source.
        case readFailed = "ical.readFailed"
        /// A content line or component cannot be written: a name is empty or holds other than letters,
        /// digits, `-` and `_`, a value holds a line break, or a property is named `BEGIN` or `END`.
        case unwritableContentLine = "ical.unwritableContentLine"
        /// The data could not be written to its sink.
        case writeFailed = "ical.writeFailed"
    }

    /// The stable code.
    public var code: Code
    /// The 1-based physical line where the problem starts (0 when not tied to a line).
    public var line: Int
    /// A message for people.
    public var message: String
    /// The name of the content line the problem is in, when it could be read (`DTEND` of a line with a broken
    /// parameter); nil otherwise.
    public var property: String? = nil

    /// Creates an error.
    public init(_ code: Code, line: Int, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    /// The code and message, with the line when known.
    public var description: String {
        line > 0 ? "\(code.rawValue) at line \(line): \(message)" : "\(code.rawValue): \(message)"
    }
}

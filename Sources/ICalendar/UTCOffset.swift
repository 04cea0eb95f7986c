/// A UTC-OFFSET value (RFC 5545 §3.3.14): `+0100`, `-0500`, `+053000`.
public struct UTCOffset: Hashable, Sendable, CustomStringConvertible {
    /// Seconds east of UTC (negative west of it).
    public var seconds: Int

    /// Creates an offset of `seconds` east of UTC.
    public init(seconds: Int) {
        self.seconds = seconds
    }

    /// Parses `±HHMM` or `±HHMMSS`; `line` is used for the error.
    ///
    /// Hours run to 23, minutes and seconds to 59. `-0000`, which RFC 5545 forbids, is read as UTC
    /// rather than rejected. Throws `invalidUTCOffset` for anything else.
    public init(parsing text: String, line: Int = 0) throws {
        let trimmed = text.trimmingSpaces
        let utf8 = trimmed.utf8
        guard let sign = utf8.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let fields = decimalFields(utf8.dropFirst(), widths: utf8.count == 7 ? [2, 2, 2] : [2, 2]),
            fields[0] <= 23, fields[1] <= 59, fields.count < 3 || fields[2] <= 59
        else {
            throw ICalendarError(.invalidUTCOffset, line: line, "not a UTC offset: \(excerpt(text))")
        }
        let magnitude = fields[0] * 3600 + fields[1] * 60 + (fields.count == 3 ? fields[2] : 0)
        self.init(seconds: sign == UInt8(ascii: "-") ? -magnitude : magnitude)
    }

    /// The offset as iCalendar writes it: `+0100`, or `+053045` when it has seconds.
    public var description: String {
        let magnitude = abs(seconds)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let text = pad(magnitude / 3600) + pad(magnitude / 60 % 60) + (magnitude % 60 == 0 ? "" : pad(magnitude % 60))
        return (seconds < 0 ? "-" : "+") + text
    }
}

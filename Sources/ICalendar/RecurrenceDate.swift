/// One RDATE value: a date or date-time on its own, or a PERIOD that carries its own end (RFC 5545 §3.8.5.2).
public struct RecurrenceDate: Hashable, Sendable {
    /// When the added instance starts.
    public var start: DateTimeValue
    /// The period's explicit end, for `start/end` periods.
    public var end: DateTimeValue?
    /// The period's length, for `start/duration` periods.
    public var duration: ICalDuration?

    /// Creates a value.
    public init(start: DateTimeValue, end: DateTimeValue? = nil, duration: ICalDuration? = nil) {
        self.start = start
        self.end = end
        self.duration = duration
    }

    /// Every value of an RDATE property (a comma-separated list; `VALUE=PERIOD` or a `/` makes a period).
    public static func list(_ property: ContentLine) throws -> [RecurrenceDate] {
        try property.value.split(separator: ",", omittingEmptySubsequences: true).map { piece in
            var single = property
            guard let slash = piece.firstIndex(of: "/") else {
                single.value = String(piece)
                return RecurrenceDate(start: try DateTimeValue(single))
            }
            single.parameters.removeAll { $0.name == "VALUE" }
            single.value = String(piece[..<slash])
            let start = try DateTimeValue(single)
            let rest = String(piece[piece.index(after: slash)...])
            if let first = rest.utf8.first, first == UInt8(ascii: "P") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                return RecurrenceDate(start: start, duration: try ICalDuration(parsing: rest, line: property.line))
            }
            single.value = rest
            return RecurrenceDate(start: start, end: try DateTimeValue(single))
        }
    }
}

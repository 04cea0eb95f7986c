/// A DURATION value (`P1W`, `-PT1H30M`, `P1DT2H`): nominal days (weeks count as 7) plus exact seconds.
public struct ICalDuration: Hashable, Sendable {
    /// Nominal calendar days; a day in a zone with a DST change may last 23 or 25 hours.
    public var days: Int
    /// Exact seconds.
    public var seconds: Int

    /// Creates a duration.
    public init(days: Int = 0, seconds: Int = 0) {
        self.days = days
        self.seconds = seconds
    }

    /// Parses RFC 5545 §3.3.6 text; `line` is used for the error.
    public init(parsing text: String, line: Int = 0) throws {
        let invalid = ICalendarError(.invalidDuration, line: line, "not a DURATION: \(excerpt(text))")
        var bytes = Substring(text.trimmingSpaces).utf8[...]
        var sign = 1
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            bytes = bytes.dropFirst()
        }
        guard bytes.first.map({ $0 | 0x20 == UInt8(ascii: "p") }) == true else { throw invalid }
        bytes = bytes.dropFirst()
        var days = 0
        var seconds = 0
        var inTime = false
        var number: Int?
        var sawPart = false
        for byte in bytes {
            switch byte | 0x20 {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, product < 100_000_000 else { throw invalid }
                number = product + Int(byte - 0x30)
            case UInt8(ascii: "t"):
                guard !inTime, number == nil else { throw invalid }
                inTime = true
            default:
                guard let value = number else { throw invalid }
                switch (byte | 0x20, inTime) {
                case (UInt8(ascii: "w"), false): days += 7 * value
                case (UInt8(ascii: "d"), false): days += value
                case (UInt8(ascii: "h"), true): seconds += 3600 * value
                case (UInt8(ascii: "m"), true): seconds += 60 * value
                case (UInt8(ascii: "s"), true): seconds += value
                default: throw invalid
                }
                number = nil
                sawPart = true
            }
        }
        guard sawPart, number == nil else { throw invalid }
        self.init(days: sign * days, seconds: sign * seconds)
    }
}

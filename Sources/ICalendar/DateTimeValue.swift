/// A DATE or DATE-TIME property value as written: a date, or a date-time in UTC, floating, or with a TZID.
public enum DateTimeValue: Hashable, Sendable {
    /// A DATE (`VALUE=DATE`, `20250301`); the time fields are zero.
    case date(LocalDateTime)
    /// A DATE-TIME in UTC (`20250301T090000Z`).
    case utc(LocalDateTime)
    /// A DATE-TIME with no zone: the same wall time wherever it is read.
    case floating(LocalDateTime)
    /// A DATE-TIME in the zone named by its `TZID` parameter.
    case zoned(LocalDateTime, tzid: String)

    /// The wall-clock digits of the value.
    public var local: LocalDateTime {
        switch self {
        case .date(let value), .utc(let value), .floating(let value), .zoned(let value, _): value
        }
    }

    /// Whether the value is a DATE rather than a DATE-TIME.
    public var isDate: Bool {
        if case .date = self { return true }
        return false
    }

    /// Reads the value of a DTSTART/DTEND-like property (its `VALUE` and `TZID` parameters honoured).
    public init(_ property: ContentLine) throws {
        let kind = Kind(property)
        self = try property.withValueBytes { try Self(trimmingSpaces($0), kind, of: property) }
    }

    /// How a property's parameters say its values are to be read.
    private struct Kind {
        /// `VALUE`, upper-cased.
        var valueType: String?
        /// A non-empty `TZID`.
        var tzid: String?

        init(_ property: ContentLine) {
            valueType = property.parameters.isEmpty ? nil : property.parameter(upperCased: "VALUE")?.asciiUppercased
            tzid = property.parameters.isEmpty ? nil : property.parameter(upperCased: "TZID").flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Reads one value, `text` (trimmed), of `property`, whose parameters say `kind`.
    private init(_ text: UnsafeBufferPointer<UInt8>, _ kind: Kind, of property: ContentLine) throws {
        if kind.valueType == "DATE" || (kind.valueType == nil && text.count == 8) {
            guard let date = Self.parseDate(text) else {
                throw ICalendarError(
                    .invalidDateTime, line: property.line,
                    "\(property.name) is not a DATE: \(excerpt(String(decoding: text, as: UTF8.self)))")
            }
            self = .date(date)
            return
        }
        guard let (local, isUTC) = Self.parseDateTime(text) else {
            throw ICalendarError(
                .invalidDateTime, line: property.line,
                "\(property.name) is not a DATE-TIME: \(excerpt(String(decoding: text, as: UTF8.self)))")
        }
        if isUTC {
            self = .utc(local)
        } else if let tzid = kind.tzid {
            self = .zoned(local, tzid: tzid)
        } else {
            self = .floating(local)
        }
    }

    /// Parses `YYYYMMDD`.
    static func parseDate(_ bytes: String.UTF8View) -> LocalDateTime? {
        guard bytes.count == 8 else { return nil }
        var text = String(bytes)
        return text.withUTF8 { parseDate($0) }
    }

    /// Parses `YYYYMMDD` from UTF-8 bytes.
    static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalDateTime? {
        guard bytes.count == 8, allDigits(bytes, 0..<8) else { return nil }
        let value = LocalDateTime(
            year: number(bytes, 0, 4), month: number(bytes, 4, 2), day: number(bytes, 6, 2))
        return value.isValid ? value : nil
    }

    /// Parses `YYYYMMDDTHHMMSS` with an optional trailing `Z`.
    static func parseDateTime(_ text: String) -> (LocalDateTime, Bool)? {
        var text = text
        return text.withUTF8 { parseDateTime($0) }
    }

    /// Parses `YYYYMMDDTHHMMSS` with an optional trailing `Z` from UTF-8 bytes.
    static func parseDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> (LocalDateTime, Bool)? {
        var count = bytes.count
        let isUTC = count > 0 && bytes[count - 1] | 0x20 == UInt8(ascii: "z")
        if isUTC { count -= 1 }
        guard count == 15, bytes[8] | 0x20 == UInt8(ascii: "t"), allDigits(bytes, 0..<8), allDigits(bytes, 9..<15) else { return nil }
        let value = LocalDateTime(
            year: number(bytes, 0, 4), month: number(bytes, 4, 2), day: number(bytes, 6, 2), hour: number(bytes, 9, 2),
            minute: number(bytes, 11, 2), second: number(bytes, 13, 2))
        return value.isValid ? (value, isUTC) : nil
    }
}

/// Whether the bytes at `range` are all ASCII digits.
private func allDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    bytes[range].allSatisfy { $0 &- 0x30 <= 9 }
}

/// The number written by the `count` ASCII digits at `offset` (checked by `allDigits`).
private func number(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int {
    var value = 0
    for index in offset..<offset + count { value = value * 10 + Int(bytes[index] &- 0x30) }
    return value
}

/// `bytes` without leading and trailing spaces and tabs.
func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
}

/// Splits ASCII digits into fields of the given widths; nil if any byte is not a digit.
func decimalFields<Bytes: Collection>(_ bytes: Bytes, widths: [Int]) -> [Int]? where Bytes.Element == UInt8 {
    var result: [Int] = []
    var iterator = bytes.makeIterator()
    for width in widths {
        var value = 0
        for _ in 0..<width {
            guard let byte = iterator.next(), byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        result.append(value)
    }
    return iterator.next() == nil ? result : nil
}

extension DateTimeValue {
    /// Every value of a list property such as `EXDATE:20250301T090000,20250308T090000`, each read with the property's `VALUE` and `TZID`.
    public static func list(_ property: ContentLine) throws -> [DateTimeValue] {
        let kind = Kind(property)
        return try property.withValueBytes { bytes in
            var values: [DateTimeValue] = []
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ",") {
                if end > start {
                    values.append(try DateTimeValue(trimmingSpaces(UnsafeBufferPointer(rebasing: bytes[start..<end])), kind, of: property))
                }
                start = end + 1
            }
            return values
        }
    }

    /// The same kind of value `days` calendar days later (earlier when negative).
    public func adding(days: Int) -> DateTimeValue {
        adding(seconds: Int64(days) * 86_400)
    }

    /// The value moved by `seconds` on its own wall clock (a DATE stays a DATE when moved by whole days).
    public func adding(seconds: Int64) -> DateTimeValue {
        let moved = LocalDateTime(wallSeconds: local.wallSeconds + seconds)
        switch self {
        case .date: return seconds % 86_400 == 0 ? .date(moved) : .floating(moved)
        case .utc: return .utc(moved)
        case .floating: return .floating(moved)
        case .zoned(_, let tzid): return .zoned(moved, tzid: tzid)
        }
    }
}

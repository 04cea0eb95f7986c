import ICalendar

/// An instant (seconds since 1970 UTC) as ISO 8601 text in UTC, `2025-03-01T09:00:00Z`.
public func isoTime(_ seconds: Int64) -> String {
    let time = LocalDateTime(wallSeconds: seconds)
    func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(time.year, 4))-\(pad(time.month))-\(pad(time.day))T\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second))Z"
}

/// The instant of ISO 8601 UTC text as `isoTime` writes it (`2025-03-01T09:00:00Z`), or nil for other text.
public func isoSeconds(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
        bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[from..<from + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
    guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
        let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24,
        minute < 60, second < 60
    else { return nil }
    let seconds = LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).wallSeconds
    return isoTime(seconds) == text ? seconds : nil
}

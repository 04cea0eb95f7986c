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

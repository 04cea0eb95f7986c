import Foundation

/// The seconds since 1970 of a UTC date (`2026-11-24`, midnight) or date-time (`2026-11-24T08:00:00Z`), if `text` is one.
func utcInstant(_ text: String) -> Int64? {
    let full = text.count == 10 ? text + "T00:00:00Z" : text
    return ISO8601DateFormatter().date(from: full).map { Int64($0.timeIntervalSince1970) }
}

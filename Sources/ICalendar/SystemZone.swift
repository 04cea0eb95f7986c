import Foundation

/// A zone of the system's tzdata with its offsets read once into a table of transitions.
///
/// Asking Foundation for an offset goes through ICU behind a lock; expanding thousands of series
/// asks millions of times. The table covers 1900 to 2200 and answers by binary search; outside it
/// the answer comes from Foundation.
public struct SystemZone: Sendable {
    /// The Foundation zone the table was read from.
    public let timeZone: TimeZone
    private let transitions: [Int64]
    private let offsets: [Int]
    private static let tableStart: Int64 = -2_208_988_800
    private static let tableEnd: Int64 = 7_258_118_400

    /// Reads the transitions of `timeZone` between 1900 and 2200.
    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        var transitions: [Int64] = []
        var date = Date(timeIntervalSince1970: TimeInterval(Self.tableStart))
        var offsets = [timeZone.secondsFromGMT(for: date)]
        let end = Date(timeIntervalSince1970: TimeInterval(Self.tableEnd))
        while let next = timeZone.nextDaylightSavingTimeTransition(after: date), next < end, next > date {
            transitions.append(Int64(next.timeIntervalSince1970.rounded(.down)))
            offsets.append(timeZone.secondsFromGMT(for: next))
            date = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// The offset from UTC, in seconds east, in force at `instant`.
    public func offset(atInstant instant: Int64) -> Int {
        guard instant >= Self.tableStart, instant < Self.tableEnd else {
            return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return offsets[low]
    }

    /// The instant of a wall-clock time in this zone, by RFC 5545 §3.3.5's rules for gaps and overlaps.
    public func instant(of local: LocalDateTime) -> Int64 {
        wallClockInstant(local, offset: offset(atInstant:))
    }
}

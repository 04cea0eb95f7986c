import Foundation

/// A zone of the system's tzdata with its offsets read once into a table of transitions.
///
/// Asking Foundation for an offset goes through ICU behind a lock; expanding thousands of series
/// asks millions of times. The table covers 1900 to 2200 and answers by binary search; outside it
/// the answer comes from Foundation.
public struct SystemZone: Sendable {
    /// The Foundation zone the table was read from.
    public var timeZone: TimeZone { table.timeZone }
    /// One reference for the whole table, so that copying the zone costs one retain.
    private let table: Table
    private static let tableStart: Int64 = -2_208_988_800
    private static let tableEnd: Int64 = 7_258_118_400
    /// How far from a wall time the offsets `wallClockInstant` reads may lie: a day, and the largest offset.
    private static let reach: Int64 = 2 * 86_400

    /// The transitions of a zone and the offset in force before, between and after them.
    private final class Table: Sendable {
        let timeZone: TimeZone
        /// The instants at which the offset changes, in order.
        let transitions: [Int64]
        /// `offsets[i]` is in force from `transitions[i - 1]` (or the start of the table) until `transitions[i]`.
        let offsets: [Int]
        /// For each span of 2^`spanShift` seconds from the start of the table, the number of transitions before it,
        /// so that a lookup starts a few transitions short of its answer.
        let transitionsBefore: [Int]
        static let spanShift: Int64 = 25

        init(timeZone: TimeZone, transitions: [Int64], offsets: [Int]) {
            self.timeZone = timeZone
            self.transitions = transitions
            self.offsets = offsets
            var transitionsBefore: [Int] = []
            var index = 0
            var spanStart = SystemZone.tableStart
            while spanStart < SystemZone.tableEnd {
                while index < transitions.count && transitions[index] < spanStart { index += 1 }
                transitionsBefore.append(index)
                spanStart += 1 << Self.spanShift
            }
            self.transitionsBefore = transitionsBefore
        }
    }

    /// Reads the transitions of `timeZone` between 1900 and 2200.
    public init(_ timeZone: TimeZone) {
        var transitions: [Int64] = []
        var date = Date(timeIntervalSince1970: TimeInterval(Self.tableStart))
        var offsets = [timeZone.secondsFromGMT(for: date)]
        let end = Date(timeIntervalSince1970: TimeInterval(Self.tableEnd))
        while let next = timeZone.nextDaylightSavingTimeTransition(after: date), next < end, next > date {
            transitions.append(Int64(next.timeIntervalSince1970.rounded(.down)))
            offsets.append(timeZone.secondsFromGMT(for: next))
            date = next
        }
        table = Table(timeZone: timeZone, transitions: transitions, offsets: offsets)
    }

    /// The offset from UTC, in seconds east, in force at `instant`.
    public func offset(atInstant instant: Int64) -> Int {
        guard instant >= Self.tableStart, instant < Self.tableEnd else {
            return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        return table.offsets[interval(containing: instant)]
    }

    /// The changes of offset from `range.lowerBound` up to (not including) `range.upperBound`, in order: each
    /// instant with the offsets before and after it.
    public func transitions(in range: Range<Int64>) -> [(instant: Int64, offsetFrom: Int, offsetTo: Int)] {
        let table = table
        var result: [(instant: Int64, offsetFrom: Int, offsetTo: Int)] = []
        var index = range.lowerBound <= Self.tableStart ? 0 : interval(containing: min(range.lowerBound, Self.tableEnd) - 1)
        while index < table.transitions.count && table.transitions[index] < range.upperBound {
            if table.transitions[index] >= range.lowerBound {
                result.append((table.transitions[index], table.offsets[index], table.offsets[index + 1]))
            }
            index += 1
        }
        return result
    }

    /// The instant of a wall-clock time in this zone, by RFC 5545 §3.3.5's rules for gaps and overlaps.
    public func instant(of local: LocalDateTime) -> Int64 {
        instant(ofWall: local.wallSeconds)
    }

    /// The instant of a wall-clock time given as `LocalDateTime.wallSeconds`.
    func instant(ofWall wall: Int64) -> Int64 {
        if wall - Self.reach >= Self.tableStart && wall + Self.reach < Self.tableEnd {
            // Far from any transition one offset answers every question `wallClockInstant` would ask.
            let index = interval(containing: wall)
            let transitions = table.transitions
            let calmFrom = index > 0 ? transitions[index - 1] : Self.tableStart
            let calmUntil = index < transitions.count ? transitions[index] : Self.tableEnd
            if wall - Self.reach >= calmFrom && wall + Self.reach < calmUntil { return wall - Int64(table.offsets[index]) }
        }
        return wallClockInstant(wall, offset: offset(atInstant:))
    }

    /// The index of the offset in force at `instant`, inside the table: the number of transitions at or before it.
    private func interval(containing instant: Int64) -> Int {
        let table = table
        var index = table.transitionsBefore[Int((instant - Self.tableStart) >> Table.spanShift)]
        while index < table.transitions.count && table.transitions[index] <= instant { index += 1 }
        return index
    }
}

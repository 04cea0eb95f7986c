import ICalendar

/// Pairs the stored occurrences of a series with those a new expansion of it gives, so that
/// re-ingesting a changed series updates occurrences rather than duplicating them.
///
/// Occurrences with the same recurrence key (the same original start) are paired first. Of the
/// rest, taken in order of their keys, a stored and a new occurrence whose original starts are
/// less than 12 hours apart are paired too: a series moved to another hour of the same days keeps
/// its occurrences (and their ids). What stays unpaired is removed (stored only) or added (new only).
public enum OccurrenceMatcher {
    /// The outcome of matching.
    public struct Match: Sendable {
        /// Stored and new occurrences that are the same occurrence, in order of the new one's start.
        public var pairs: [(stored: ScheduleEvent, new: ScheduleEvent)] = []
        /// Stored occurrences the new expansion no longer gives.
        public var removed: [ScheduleEvent] = []
        /// New occurrences with no stored counterpart.
        public var added: [ScheduleEvent] = []
    }

    /// How far apart two original starts may be and still be taken for one moved occurrence.
    static let nearness: Int64 = 12 * 3_600

    /// Matches `stored` occurrences against `new` ones (each list with unique keys).
    public static func match(stored: [ScheduleEvent], new: [ScheduleEvent]) -> Match {
        var match = Match()
        var byKey = Dictionary(stored.map { ($0.recurrenceKey, $0) }, uniquingKeysWith: { first, _ in first })
        var unpairedNew: [ScheduleEvent] = []
        for occurrence in new {
            if let same = byKey.removeValue(forKey: occurrence.recurrenceKey) {
                match.pairs.append((same, occurrence))
            } else {
                unpairedNew.append(occurrence)
            }
        }
        let left = byKey.values.sorted { instant(ofKey: $0.recurrenceKey) < instant(ofKey: $1.recurrenceKey) }
        let right = unpairedNew.sorted { instant(ofKey: $0.recurrenceKey) < instant(ofKey: $1.recurrenceKey) }
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            let old = instant(ofKey: left[i].recurrenceKey)
            let now = instant(ofKey: right[j].recurrenceKey)
            if abs(old - now) < nearness {
                match.pairs.append((left[i], right[j]))
                i += 1
                j += 1
            } else if old < now {
                match.removed.append(left[i])
                i += 1
            } else {
                match.added.append(right[j])
                j += 1
            }
        }
        match.removed += left[i...]
        match.added += right[j...]
        match.pairs.sort { $0.new.startDate < $1.new.startDate }
        return match
    }

    /// The seconds of a recurrence key (`YYYYMMDD` at midnight, or `YYYYMMDDTHHMMSSZ`), read as UTC; 0 for another text.
    static func instant(ofKey key: String) -> Int64 {
        let digits = key.utf8.filter { (48...57).contains($0) }.map { Int($0) - 48 }
        guard digits.count == 8 || digits.count == 14 else { return 0 }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let time = digits.count == 14 ? (number(8..<10), number(10..<12), number(12..<14)) : (0, 0, 0)
        return LocalDateTime(
            year: number(0..<4), month: number(4..<6), day: number(6..<8), hour: time.0, minute: time.1, second: time.2
        ).wallSeconds
    }
}

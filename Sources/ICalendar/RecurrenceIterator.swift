/// Lazily yields the instances of a recurrence rule as wall-clock times, in strictly increasing order.
///
/// Periods are expanded one at a time (see RFC 5545 §3.3.10), so a rule costs work in proportion
/// to the instances taken, not to its span. Instances before DTSTART are never yielded. BYSETPOS
/// picks from each whole period, DTSTART's included. Dates that do not exist (February 30) are
/// dropped, or moved as `SKIP` says. For a DATE start the time of day is midnight and BYHOUR,
/// BYMINUTE and BYSECOND are ignored. A DATE UNTIL includes the whole of its day; a UTC UNTIL is
/// compared with `instant` of each instance. Iteration ends with COUNT, UNTIL, or after 9999-12-31.
///
/// A rule that yields nothing through a whole cycle of the calendar (400 years, longer for some
/// intervals) makes `next()` throw `recurrenceNeverMatches` instead of searching on.
///
/// An instance of an HOURLY, MINUTELY or SECONDLY rule at a wall time its zone skips (clocks going forward) is
/// ignored and not counted (RFC 5545 §3.3.10): moved forward it would fall on the next real instance. An instance
/// of a DAILY or longer rule in a gap is kept, and moved forward as DTSTART itself is (§3.3.5), so a lecture at
/// 02:30 is not lost on the night clocks change.
public struct RecurrenceIterator: Sendable {
    /// The rule being expanded.
    public let rule: RecurrenceRule
    /// DTSTART's wall-clock time.
    public let start: LocalDateTime

    /// UNTIL as the iterator compares it.
    private enum Limit: Sendable {
        case none
        /// The last allowed wall time.
        case wall(Int64)
        /// The last allowed instant.
        case instant(Int64)
    }

    /// Sub-daily searches give up after looking at this many periods without an instance, even within the calendar cycle.
    private static let maximumBarrenSteps = 500_000

    private let expander: PeriodExpander
    private let startSeconds: Int64
    /// The instant of a wall time of the series, as `LocalDateTime.wallSeconds`.
    private let instant: @Sendable (Int64) -> Int64
    /// Whether a wall time exists on the series' clock; consulted for sub-daily rules only.
    private let wallExists: @Sendable (Int64) -> Bool
    private let limit: Limit
    private let line: Int

    private var nextPeriod = 0
    private var bases: [Int64] = []
    private var positions: [Int]?
    private var available = 0
    private var cursor = 0
    private var counted = 0
    private var last = Int64.min
    private var lowerBound = Int64.min
    private var startPending: Bool
    private var lastProductive: Int64
    private var barrenSteps = 0
    private var finished = false

    /// Creates an iterator over the instances of `rule` for a series starting at `start`.
    ///
    /// - Parameters:
    ///   - startIsDate: whether DTSTART is a DATE; sub-daily frequencies are then an `invalidRecurrence` error.
    ///   - includeStart: when true, DTSTART is the first instance whether or not it matches the rule, and counts
    ///     toward COUNT (RFC 5545 §3.3.10); when false, only instances of the rule are yielded, as libical does.
    ///   - instant: the UTC seconds of a wall time of the series (for floating times, `{ $0.wallSeconds }`); used to
    ///     compare instances with a UTC UNTIL.
    ///   - line: the line reported in errors.
    /// - Throws: `invalidRecurrence` for a sub-daily rule on a DATE; `recurrenceNeverMatches` when the rule can be seen
    ///   never to match (no reachable time of day passes its limits, or BYSETPOS asks for more times than a period
    ///   holds); `invalidDateTime` when `start` is not a valid date-time.
    public init(
        rule: RecurrenceRule, start: LocalDateTime, startIsDate: Bool, includeStart: Bool, line: Int = 0,
        instant: @escaping @Sendable (LocalDateTime) -> Int64
    ) throws {
        try self.init(
            rule: rule, start: start, startIsDate: startIsDate, includeStart: includeStart, line: line,
            instantOfWall: { instant(LocalDateTime(wallSeconds: $0)) })
    }

    /// Creates an iterator as `init(rule:start:startIsDate:includeStart:line:instant:)` does, with `instantOfWall`
    /// taking wall times as `LocalDateTime.wallSeconds`, and `wallExists` saying whether a wall time exists on the
    /// series' clock (all do on a floating or UTC one).
    init(
        rule: RecurrenceRule, start: LocalDateTime, startIsDate: Bool, includeStart: Bool, line: Int = 0,
        instantOfWall: @escaping @Sendable (Int64) -> Int64, wallExists: @escaping @Sendable (Int64) -> Bool = { _ in true }
    ) throws {
        guard start.isValid else { throw ICalendarError(.invalidDateTime, line: line, "DTSTART \(start) is not a valid date-time") }
        if startIsDate && !rule.frequency.isDailyOrLonger {
            throw ICalendarError(.invalidRecurrence, line: line, "RRULE: FREQ=\(rule.frequency.rawValue) needs a DATE-TIME DTSTART")
        }
        self.rule = rule
        self.start = start
        self.instant = instantOfWall
        self.wallExists = wallExists
        self.line = line
        let start = startIsDate ? LocalDateTime(year: start.year, month: start.month, day: start.day) : start
        expander = try PeriodExpander(rule: rule, start: start, startIsDate: startIsDate, line: line)
        startSeconds = start.wallSeconds
        lastProductive = startSeconds
        startPending = includeStart
        switch rule.until {
        case nil: limit = .none
        case .date(let day): limit = .wall(day.wallSeconds + Gregorian.secondsPerDay - 1)
        case .floating(let value), .zoned(let value, _): limit = .wall(value.wallSeconds)
        case .utc(let value): limit = .instant(value.wallSeconds)
        }
    }

    /// The next instance, or nil when the rule has no more.
    ///
    /// Throws `recurrenceNeverMatches` when a whole calendar cycle passes without an instance.
    public mutating func next() throws -> LocalDateTime? {
        try nextWall().map(LocalDateTime.init(wallSeconds:))
    }

    /// The next instance as `LocalDateTime.wallSeconds`, or nil when the rule has no more; throws as `next()` does.
    mutating func nextWall() throws -> Int64? {
        while !finished {
            if startPending {
                startPending = false
                if let value = count(startSeconds) { return value }
                continue
            }
            guard cursor < available else {
                try loadNextPeriod()
                continue
            }
            let position = positions?[cursor] ?? cursor
            cursor += 1
            let wall = bases[position / expander.times.count] + Int64(expander.times[position % expander.times.count])
            if wall < startSeconds || wall <= last { continue }
            if wall > Gregorian.lastWallSecond || isPastUntil(wall) {
                finished = true
                return nil
            }
            if !rule.frequency.isDailyOrLonger && !wallExists(wall) { continue }
            if let value = count(wall) { return value }
        }
        return nil
    }

    /// Moves on so that `next()` yields the first instance at or after `target`.
    ///
    /// Without COUNT whole periods before `target` are jumped over, so starting near a late window costs
    /// no more than starting at DTSTART. With COUNT the instances before `target` are still counted (and
    /// not returned), which costs a walk from DTSTART.
    public mutating func skip(to target: LocalDateTime) {
        let wall = target.wallSeconds
        guard wall > lowerBound else { return }
        lowerBound = wall
        guard rule.count == nil else { return }
        lastProductive = max(lastProductive, wall)
        barrenSteps = 0
        let period = expander.periodIndex(containing: wall) - 1
        if period >= nextPeriod {
            nextPeriod = period
            cursor = available
        }
    }

    /// Counts an instance; returns it unless it lies before the `skip(to:)` target.
    private mutating func count(_ wall: Int64) -> Int64? {
        counted += 1
        last = wall
        lastProductive = max(lastProductive, wall)
        barrenSteps = 0
        if let total = rule.count, counted >= total { finished = true }
        return wall >= lowerBound ? wall : nil
    }

    private func isPastUntil(_ wall: Int64) -> Bool {
        switch limit {
        case .none: false
        case .wall(let end): wall > end
        case .instant(let end): instant(wall) > end
        }
    }

    /// The wall time after which no period can hold an instance: UNTIL with a margin for zone offsets and SKIP, or 9999.
    private var searchEnd: Int64 {
        switch limit {
        case .none: Gregorian.lastWallSecond
        case .wall(let end): min(end + 2 * Gregorian.secondsPerDay, Gregorian.lastWallSecond)
        case .instant(let end): min(end + 3 * Gregorian.secondsPerDay, Gregorian.lastWallSecond)
        }
    }

    /// Expands the next period that has candidates, or finishes when none is left before UNTIL or 9999.
    private mutating func loadNextPeriod() throws {
        let end = searchEnd
        switch rule.frequency {
        case .hourly, .minutely, .secondly:
            let search = expander.nextSubDailyPeriod(
                from: nextPeriod, through: end, giveUpAfter: lastProductive + expander.barrenSpan, steps: &barrenSteps,
                maximumSteps: Self.maximumBarrenSteps)
            switch search {
            case .ended:
                finished = true
                return
            case .barren:
                throw neverMatches()
            case .found(let period):
                bases = [expander.firstWall(ofPeriod: period)]
                nextPeriod = period + 1
            }
        case .yearly, .monthly, .weekly, .daily:
            let first = expander.firstWall(ofPeriod: nextPeriod)
            guard first <= end else {
                finished = true
                return
            }
            guard first - lastProductive <= expander.barrenSpan else { throw neverMatches() }
            nextPeriod = expander.bases(ofPeriod: nextPeriod, into: &bases)
        }
        cursor = 0
        let total = bases.count * expander.times.count
        if rule.bySetPos.isEmpty || total == 0 {
            positions = nil
            available = total
        } else {
            var picked = positions ?? []
            picked.removeAll(keepingCapacity: true)
            for position in rule.bySetPos {
                let index = position > 0 ? position - 1 : total + position
                if index >= 0 && index < total && !picked.contains(index) { picked.append(index) }
            }
            picked.sort()
            positions = picked
            available = picked.count
        }
    }

    private func neverMatches() -> ICalendarError {
        ICalendarError(
            .recurrenceNeverMatches, line: line,
            "RRULE \(rule.text) from \(start) yields nothing through a whole calendar cycle after \(LocalDateTime(wallSeconds: lastProductive))"
        )
    }
}

/// Expands one period of a recurrence rule (a year, month, week, day, hour, minute or second) into its candidate times.
///
/// Periods are numbered from 0, the one holding DTSTART, in steps of INTERVAL. A candidate is a
/// base (the start of a day, or of the hour/minute/second for sub-daily rules) plus one of `times`.
/// BY parts expand or limit as the table of RFC 5545 §3.3.10 says. Parts a rule leaves out are
/// taken from DTSTART: the month and day of a YEARLY rule, the day of a MONTHLY one, the weekday
/// of a WEEKLY one or of a YEARLY rule with BYWEEKNO, and the time of day.
///
/// YEARLY rules with BYWEEKNO have week-numbering years (weeks starting on WKST) as periods, whose
/// days may lie in the calendar years either side. RFC 5545 does not say which one holds DTSTART
/// when it lies in a week of the neighbouring year; as libical does, it is the week-numbering year
/// when DTSTART is itself one of the rule's days, else the calendar year, and INTERVAL counts from there.
struct PeriodExpander: Sendable {
    /// The rule's frequency.
    let frequency: RecurrenceRule.Frequency
    /// Seconds added to each base, sorted.
    let times: [Int]
    /// How far past the last counted instance a search may go before the rule is judged never to match.
    let barrenSpan: Int64

    private let interval: Int
    private var origin: Int
    private let step: Int64
    private let usesWeekYear: Bool
    private let skip: RecurrenceRule.Skip
    private let weekStart: Int
    private let startMonth: Int
    private let startDayOfMonth: Int
    private let startWeekday: Int
    private let byMonth: [Int]
    private let monthMask: UInt16
    private let byMonthDay: [Int]
    private let byYearDay: [Int]
    private let byWeekNo: [Int]
    private let byDay: [RecurrenceRule.WeekdayOccurrence]
    private let weekdayMask: UInt8
    private let hourMask: UInt32
    private let minuteMask: UInt64
    private let secondMask: UInt64

    /// Prepares the expansion of `rule` from `start`; throws `recurrenceNeverMatches` when no time of day can ever match.
    init(rule: RecurrenceRule, start: LocalDateTime, startIsDate: Bool, line: Int = 0) throws {
        frequency = rule.frequency
        interval = rule.interval
        skip = rule.skip
        weekStart = rule.weekStart.rawValue
        startMonth = start.month
        startDayOfMonth = start.day
        let startDay = daysFromCivil(year: start.year, month: start.month, day: start.day)
        startWeekday = Gregorian.weekday(ofDay: startDay)
        byMonth = rule.byMonth
        monthMask = rule.byMonth.reduce(0) { $0 | UInt16(1) << $1 }
        byMonthDay = rule.byMonthDay
        byYearDay = rule.byYearDay
        byWeekNo = rule.byWeekNo
        byDay = rule.byDay
        weekdayMask = rule.byDay.reduce(0) { $0 | UInt8(1) << $1.weekday.rawValue }
        hourMask = rule.byHour.reduce(0) { $0 | UInt32(1) << $1 }
        minuteMask = rule.byMinute.reduce(0) { $0 | UInt64(1) << $1 }
        secondMask = rule.bySecond.reduce(0) { $0 | UInt64(1) << $1 }
        usesWeekYear = rule.frequency == .yearly && !rule.byWeekNo.isEmpty

        let hours = rule.byHour.isEmpty ? [start.hour] : rule.byHour
        let minutes = rule.byMinute.isEmpty ? [start.minute] : rule.byMinute
        let seconds = (rule.bySecond.isEmpty ? [min(start.second, 59)] : rule.bySecond).filter { $0 < 60 }
        let startSeconds = start.wallSeconds
        let unit: Int64
        switch rule.frequency {
        case .yearly, .monthly, .weekly, .daily:
            var dayTimes: [Int] = []
            dayTimes.reserveCapacity(startIsDate ? 1 : hours.count * minutes.count * seconds.count)
            if startIsDate { dayTimes.append(0) }
            for hour in startIsDate ? [] : hours {
                for minute in minutes {
                    for second in seconds { dayTimes.append(hour * 3600 + minute * 60 + second) }
                }
            }
            times = dayTimes
            unit = 0
        case .hourly:
            times = minutes.flatMap { m in seconds.map { m * 60 + $0 } }
            unit = 3600
        case .minutely:
            times = seconds
            unit = 60
        case .secondly:
            times = [0]
            unit = 1
        }
        step = Int64(rule.interval) * unit
        switch rule.frequency {
        case .yearly: origin = start.year
        case .monthly: origin = start.year * 12 + start.month - 1
        case .weekly: origin = Gregorian.startOfWeek(containing: startDay, weekStart: weekStart)
        case .daily: origin = startDay
        case .hourly: origin = Int(startSeconds - Int64(start.minute * 60 + min(start.second, 59)))
        case .minutely: origin = Int(startSeconds - Int64(min(start.second, 59)))
        case .secondly: origin = Int(startSeconds)
        }

        let periodsPer400Years: Int
        let periodLength: Int64
        switch rule.frequency {
        case .yearly: (periodsPer400Years, periodLength) = (400, 366 * Gregorian.secondsPerDay)
        case .monthly: (periodsPer400Years, periodLength) = (4800, 31 * Gregorian.secondsPerDay)
        case .weekly: (periodsPer400Years, periodLength) = (20_871, 7 * Gregorian.secondsPerDay)
        case .daily: (periodsPer400Years, periodLength) = (146_097, Gregorian.secondsPerDay)
        case .hourly, .minutely, .secondly: (periodsPer400Years, periodLength) = (146_097 * Int(86_400 / unit), unit)
        }
        let cycles = min(rule.interval / Gregorian.gcd(rule.interval, periodsPer400Years), 30)
        barrenSpan = Int64(cycles) * 146_097 * Gregorian.secondsPerDay + Int64(rule.interval) * periodLength

        if usesWeekYear {
            let weekYear = Gregorian.weekYear(ofDay: startDay, weekStart: weekStart)
            if weekYear != start.year && weekYearDays(weekYear).contains(startDay) { origin = weekYear }
        }
        guard !times.isEmpty, unit == 0 || reachesATimeOfDay() else {
            throw ICalendarError(.recurrenceNeverMatches, line: line, "RRULE \(rule.text) can never match a time of day")
        }
        let daysPerPeriod: Int
        switch rule.frequency {
        case .yearly: daysPerPeriod = 371
        case .monthly: daysPerPeriod = 31
        case .weekly: daysPerPeriod = rule.byDay.isEmpty ? 1 : weekdayMask.nonzeroBitCount
        case .daily, .hourly, .minutely, .secondly: daysPerPeriod = 1
        }
        let candidatesPerPeriod = daysPerPeriod * times.count
        guard rule.bySetPos.isEmpty || rule.bySetPos.contains(where: { abs($0) <= candidatesPerPeriod }) else {
            throw ICalendarError(
                .recurrenceNeverMatches, line: line,
                "RRULE \(rule.text): BYSETPOS asks for more than the \(candidatesPerPeriod) times a period holds")
        }
    }

    /// The wall seconds where period `index` begins.
    func firstWall(ofPeriod index: Int) -> Int64 {
        let first: Int
        switch frequency {
        case .yearly:
            let year = origin + index * interval
            first = usesWeekYear ? Gregorian.weekOneStart(year: year, weekStart: weekStart) : Gregorian.firstDay(ofYear: year)
        case .monthly:
            let month = origin + index * interval
            first = daysFromCivil(year: month.floorDiv(12), month: month.floorMod(12) + 1, day: 1)
        case .weekly: first = origin + 7 * interval * index
        case .daily: first = origin + interval * index
        case .hourly, .minutely, .secondly: return Int64(origin) + Int64(index) * step
        }
        return Int64(first) * Gregorian.secondsPerDay
    }

    /// The number of the period that holds `wall` (or the last one starting before it).
    func periodIndex(containing wall: Int64) -> Int {
        let day = Int(wall.floorDivided(by: Gregorian.secondsPerDay))
        switch frequency {
        case .yearly: return (civilFromDays(day).0 - origin).floorDiv(interval)
        case .monthly:
            let (year, month, _) = civilFromDays(day)
            return (year * 12 + month - 1 - origin).floorDiv(interval)
        case .weekly: return (day - origin).floorDiv(7 * interval)
        case .daily: return (day - origin).floorDiv(interval)
        case .hourly, .minutely, .secondly: return Int((wall - Int64(origin)).floorDivided(by: step))
        }
    }

    /// Replaces `bases` with the start of every day of period `index` that the rule selects, in order.
    ///
    /// Returns the number of the period to look at next: usually `index + 1`, further when whole periods
    /// can be seen to hold nothing (a DAILY rule outside its BYMONTH months). Not for sub-daily rules.
    func bases(ofPeriod index: Int, into bases: inout [Int64]) -> Int {
        bases.removeAll(keepingCapacity: true)
        var days: [Int]
        switch frequency {
        case .yearly:
            days = usesWeekYear ? weekYearDays(origin + index * interval) : yearDays(origin + index * interval)
        case .monthly:
            let month = origin + index * interval
            days = monthDays(year: month.floorDiv(12), month: month.floorMod(12) + 1)
        case .weekly:
            let first = origin + 7 * interval * index
            let mask = byDay.isEmpty ? UInt8(1) << startWeekday : weekdayMask
            for day in first..<first + 7 where mask & (1 << Gregorian.weekday(ofDay: day)) != 0 && matchesMonth(day) {
                bases.append(Int64(day) * Gregorian.secondsPerDay)
            }
            return index + 1
        case .daily:
            let day = origin + interval * index
            if !matchesMonth(day) {
                let (year, month, _) = civilFromDays(day)
                let nextMonth = daysFromCivil(year: year + month / 12, month: month % 12 + 1, day: 1)
                return max(index + 1, (nextMonth - origin + interval - 1).floorDiv(interval))
            }
            if matchesDayLimits(day) { bases.append(Int64(day) * Gregorian.secondsPerDay) }
            return index + 1
        case .hourly, .minutely, .secondly:
            preconditionFailure("sub-daily periods have no day bases")
        }
        days.sort()
        var previous = Int.min
        for day in days where day != previous {
            bases.append(Int64(day) * Gregorian.secondsPerDay)
            previous = day
        }
        return index + 1
    }

    /// How a search for a sub-daily period ended.
    enum SubDailySearch {
        /// The period with this number passes every limit.
        case found(Int)
        /// The search passed its end without finding one.
        case ended
        /// The search passed `giveUpAfter`, or took more than `maximumSteps` steps.
        case barren
    }

    /// The first sub-daily period from `index` on whose day, hour, minute and second pass the rule's limits.
    ///
    /// The search stops at `end` (wall seconds), or as barren past `giveUpAfter` or when `steps`, which counts the
    /// periods looked at, passes `maximumSteps`.
    func nextSubDailyPeriod(from index: Int, through end: Int64, giveUpAfter: Int64, steps: inout Int, maximumSteps: Int) -> SubDailySearch
    {
        var index = index
        while true {
            let wall = Int64(origin) + Int64(index) * step
            guard wall <= end else { return .ended }
            guard wall <= giveUpAfter, steps <= maximumSteps else { return .barren }
            steps += 1
            let day = wall.floorDivided(by: Gregorian.secondsPerDay)
            let dayStart = day * Gregorian.secondsPerDay
            if !matchesMonth(Int(day)) || !matchesDayLimits(Int(day)) {
                index += Int((dayStart + Gregorian.secondsPerDay - wall + step - 1) / step)
                continue
            }
            let secondOfDay = Int(wall - dayStart)
            if let target = nextAllowedTime(secondOfDay) {
                index += Int((dayStart + Int64(target) - wall + step - 1) / step)
                continue
            }
            return .found(index)
        }
    }

    /// Nil when `secondOfDay` passes the time limits of a sub-daily rule, else the next second of the day (86400 for the
    /// next day) that might.
    private func nextAllowedTime(_ secondOfDay: Int) -> Int? {
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        if hourMask != 0 && hourMask & (1 << hour) == 0 {
            guard let next = (hour + 1..<24).first(where: { hourMask & (1 << $0) != 0 }) else { return 86_400 }
            return next * 3600
        }
        if frequency != .hourly && minuteMask != 0 && minuteMask & (1 << minute) == 0 {
            let hourStart = hour * 3600
            guard let next = (minute + 1..<60).first(where: { minuteMask & (1 << $0) != 0 }) else { return hourStart + 3600 }
            return hourStart + next * 60
        }
        if frequency == .secondly && secondMask != 0 && secondMask & (1 << second) == 0 {
            let minuteStart = secondOfDay - second
            guard let next = (second + 1..<60).first(where: { secondMask & (1 << $0) != 0 }) else { return minuteStart + 60 }
            return minuteStart + next
        }
        return nil
    }

    /// Whether some period of a sub-daily rule falls on a time of day its BYHOUR/BYMINUTE/BYSECOND limits allow.
    private func reachesATimeOfDay() -> Bool {
        let stride = Gregorian.gcd(Int(step % Gregorian.secondsPerDay), 86_400)
        var secondOfDay = origin.floorMod(stride)
        while secondOfDay < 86_400 {
            if nextAllowedTime(secondOfDay) == nil { return true }
            secondOfDay += stride
        }
        return false
    }

    // MARK: - Days of a period

    private func yearDays(_ year: Int) -> [Int] {
        let january1 = Gregorian.firstDay(ofYear: year)
        let yearLength = Gregorian.daysInYear(year)
        var days: [Int] = []
        if !byYearDay.isEmpty {
            for yearDay in byYearDay {
                guard let day = resolve(yearDay, first: january1, length: yearLength) else { continue }
                if matchesMonth(day) && matchesMonthDay(day) && matchesByDay(day, year: year) { days.append(day) }
            }
            return days
        }
        if !byMonthDay.isEmpty {
            for month in byMonth.isEmpty ? [startMonth] : byMonth {
                let first = daysFromCivil(year: year, month: month, day: 1)
                for monthDay in byMonthDay {
                    guard let day = resolve(monthDay, first: first, length: daysInMonth(year: year, month: month)) else { continue }
                    if matchesByDay(day, year: year) { days.append(day) }
                }
            }
            return days
        }
        if !byDay.isEmpty {
            if byMonth.isEmpty { return expandByDay(first: january1, last: january1 + yearLength - 1) }
            for month in byMonth {
                let first = daysFromCivil(year: year, month: month, day: 1)
                days += expandByDay(first: first, last: first + daysInMonth(year: year, month: month) - 1)
            }
            return days
        }
        for month in byMonth.isEmpty ? [startMonth] : byMonth {
            let first = daysFromCivil(year: year, month: month, day: 1)
            if let day = resolve(startDayOfMonth, first: first, length: daysInMonth(year: year, month: month)) { days.append(day) }
        }
        return days
    }

    private func weekYearDays(_ weekYear: Int) -> [Int] {
        let first = Gregorian.weekOneStart(year: weekYear, weekStart: weekStart)
        let weekCount = (Gregorian.weekOneStart(year: weekYear + 1, weekStart: weekStart) - first) / 7
        let weeks = Set(byWeekNo.map { $0 > 0 ? $0 : weekCount + 1 + $0 }.filter { (1...weekCount).contains($0) }).sorted()
        let mask: UInt8
        if !byDay.isEmpty {
            mask = weekdayMask
        } else {
            mask = byMonthDay.isEmpty && byYearDay.isEmpty ? UInt8(1) << startWeekday : 0x7F
        }
        var days: [Int] = []
        for week in weeks {
            let weekFirst = first + (week - 1) * 7
            for day in weekFirst..<weekFirst + 7 where mask & (1 << Gregorian.weekday(ofDay: day)) != 0 {
                if matchesMonth(day) && matchesMonthDay(day) && matchesYearDay(day) { days.append(day) }
            }
        }
        return days
    }

    private func monthDays(year: Int, month: Int) -> [Int] {
        guard byMonth.isEmpty || monthMask & (1 << month) != 0 else { return [] }
        let first = daysFromCivil(year: year, month: month, day: 1)
        let length = daysInMonth(year: year, month: month)
        if !byMonthDay.isEmpty {
            return byMonthDay.compactMap { resolve($0, first: first, length: length) }
                .filter { byDay.isEmpty || matchesOccurrence($0, first: first, last: first + length - 1) }
        }
        if !byDay.isEmpty { return expandByDay(first: first, last: first + length - 1) }
        return resolve(startDayOfMonth, first: first, length: length).map { [$0] } ?? []
    }

    /// The day `number` (1-based, negative from the end) of a span of `length` days starting at `first`; a number past
    /// the span is dropped or moved as SKIP says (forward to the day after the span, or for negatives its first day;
    /// backward to its last day, or for negatives the day before it).
    private func resolve(_ number: Int, first: Int, length: Int) -> Int? {
        if number > 0 && number <= length { return first + number - 1 }
        if number < 0 && -number <= length { return first + length + number }
        switch skip {
        case .omit: return nil
        case .forward: return number > 0 ? first + length : first
        case .backward: return number > 0 ? first + length - 1 : first - 1
        }
    }

    /// Every day in `first...last` that a BYDAY entry names, ordinals counted within that span.
    private func expandByDay(first: Int, last: Int) -> [Int] {
        var days: [Int] = []
        for entry in byDay {
            let weekday = entry.weekday.rawValue
            let firstMatch = first + (weekday - Gregorian.weekday(ofDay: first) + 7) % 7
            let lastMatch = last - (Gregorian.weekday(ofDay: last) - weekday + 7) % 7
            if entry.ordinal == 0 {
                days += Swift.stride(from: firstMatch, through: lastMatch, by: 7)
            } else {
                let day = entry.ordinal > 0 ? firstMatch + (entry.ordinal - 1) * 7 : lastMatch + (entry.ordinal + 1) * 7
                if day >= firstMatch && day <= lastMatch { days.append(day) }
            }
        }
        return days
    }

    /// Whether a BYDAY entry names `day`, ordinals counted within `first...last`.
    private func matchesOccurrence(_ day: Int, first: Int, last: Int) -> Bool {
        let weekday = Gregorian.weekday(ofDay: day)
        return byDay.contains { entry in
            guard entry.weekday.rawValue == weekday else { return false }
            if entry.ordinal == 0 { return true }
            let position = entry.ordinal > 0 ? (day - first) / 7 + 1 : -((last - day) / 7 + 1)
            return day >= first && day <= last && position == entry.ordinal
        }
    }

    /// BYDAY as a limit in a YEARLY period: ordinals count within the day's month when BYMONTH is given, else the year.
    private func matchesByDay(_ day: Int, year: Int) -> Bool {
        guard !byDay.isEmpty else { return true }
        if byMonth.isEmpty {
            let first = Gregorian.firstDay(ofYear: year)
            return matchesOccurrence(day, first: first, last: first + Gregorian.daysInYear(year) - 1)
        }
        let (dayYear, month, _) = civilFromDays(day)
        let first = daysFromCivil(year: dayYear, month: month, day: 1)
        return matchesOccurrence(day, first: first, last: first + daysInMonth(year: dayYear, month: month) - 1)
    }

    private func matchesMonth(_ day: Int) -> Bool {
        byMonth.isEmpty || monthMask & (1 << civilFromDays(day).1) != 0
    }

    private func matchesMonthDay(_ day: Int) -> Bool {
        guard !byMonthDay.isEmpty else { return true }
        let (year, month, dayOfMonth) = civilFromDays(day)
        let length = daysInMonth(year: year, month: month)
        return byMonthDay.contains { $0 == dayOfMonth || $0 == dayOfMonth - length - 1 }
    }

    private func matchesYearDay(_ day: Int) -> Bool {
        guard !byYearDay.isEmpty else { return true }
        let year = civilFromDays(day).0
        let dayOfYear = day - Gregorian.firstDay(ofYear: year) + 1
        let length = Gregorian.daysInYear(year)
        return byYearDay.contains { $0 == dayOfYear || $0 == dayOfYear - length - 1 }
    }

    /// The limits of DAILY and sub-daily rules besides BYMONTH: BYYEARDAY, BYMONTHDAY and BYDAY weekdays.
    private func matchesDayLimits(_ day: Int) -> Bool {
        (byDay.isEmpty || weekdayMask & (1 << Gregorian.weekday(ofDay: day)) != 0) && matchesMonthDay(day) && matchesYearDay(day)
    }
}

extension Int {
    /// Division rounding toward negative infinity.
    func floorDiv(_ divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The remainder of `floorDiv`, with the sign of the divisor.
    func floorMod(_ divisor: Int) -> Int {
        self - floorDiv(divisor) * divisor
    }
}

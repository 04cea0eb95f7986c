/// A parsed RRULE value (RFC 5545 §3.3.10), with RFC 7529's `RSCALE=GREGORIAN` and `SKIP`.
///
/// Parsing enforces the rules of RFC 5545: FREQ is required, COUNT and UNTIL exclude each other,
/// every number is in range, no part appears twice, and BY parts the table of §3.3.10 marks N/A for
/// the frequency (BYWEEKNO outside YEARLY, BYYEARDAY in DAILY/WEEKLY/MONTHLY, BYMONTHDAY in WEEKLY)
/// are errors, as are numbered BYDAY entries outside MONTHLY and YEARLY or beside BYWEEKNO. X- parts
/// are accepted and ignored. BY lists are kept sorted without duplicates.
public struct RecurrenceRule: Hashable, Sendable {
    /// How often the rule repeats (the FREQ part).
    public enum Frequency: String, Hashable, Sendable, CaseIterable {
        /// Every INTERVAL seconds.
        case secondly = "SECONDLY"
        /// Every INTERVAL minutes.
        case minutely = "MINUTELY"
        /// Every INTERVAL hours.
        case hourly = "HOURLY"
        /// Every INTERVAL days.
        case daily = "DAILY"
        /// Every INTERVAL weeks.
        case weekly = "WEEKLY"
        /// Every INTERVAL months.
        case monthly = "MONTHLY"
        /// Every INTERVAL years.
        case yearly = "YEARLY"
    }

    /// A day of the week, Monday first.
    public enum Weekday: Int, Hashable, Sendable, CaseIterable {
        /// MO
        case monday
        /// TU
        case tuesday
        /// WE
        case wednesday
        /// TH
        case thursday
        /// FR
        case friday
        /// SA
        case saturday
        /// SU
        case sunday

        /// The two-letter iCalendar code (`MO` … `SU`).
        public var code: String { ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][rawValue] }

        /// The weekday of a two-letter code, case-insensitive.
        public init?(code: String) {
            guard let index = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].firstIndex(of: code.asciiUppercased) else { return nil }
            self.init(rawValue: index)
        }
    }

    /// One BYDAY entry: a weekday, and optionally which one of the month or year (`2MO`, `-1SU`).
    public struct WeekdayOccurrence: Hashable, Sendable, Comparable {
        /// 0 for every such weekday; n for the n-th, -n for the n-th from the end (1 to 53 either way).
        public var ordinal: Int
        /// The weekday.
        public var weekday: Weekday

        /// Creates an entry; an ordinal of 0 means every such weekday.
        public init(_ weekday: Weekday, ordinal: Int = 0) {
            self.ordinal = ordinal
            self.weekday = weekday
        }

        /// Orders by ordinal, then weekday, for a stable text form.
        public static func < (lhs: WeekdayOccurrence, rhs: WeekdayOccurrence) -> Bool {
            (lhs.ordinal, lhs.weekday.rawValue) < (rhs.ordinal, rhs.weekday.rawValue)
        }
    }

    /// What RFC 7529's SKIP does with a date that does not exist (February 30, day 366 of a common year).
    public enum Skip: String, Hashable, Sendable, CaseIterable {
        /// The date is dropped (RFC 5545's behaviour, and the default).
        case omit = "OMIT"
        /// The date becomes the last day before it that exists.
        case backward = "BACKWARD"
        /// The date becomes the first day after it that exists.
        case forward = "FORWARD"
    }

    /// FREQ.
    public var frequency: Frequency
    /// INTERVAL, at least 1.
    public var interval: Int = 1
    /// COUNT: how many instances, DTSTART's included as RFC 5545 counts them.
    public var count: Int?
    /// UNTIL, inclusive: a `.date`, a `.floating` or a `.utc` value.
    public var until: DateTimeValue?
    /// BYSECOND, 0 to 60.
    public var bySecond: [Int] = []
    /// BYMINUTE, 0 to 59.
    public var byMinute: [Int] = []
    /// BYHOUR, 0 to 23.
    public var byHour: [Int] = []
    /// BYDAY.
    public var byDay: [WeekdayOccurrence] = []
    /// BYMONTHDAY, 1 to 31 or -31 to -1.
    public var byMonthDay: [Int] = []
    /// BYYEARDAY, 1 to 366 or -366 to -1.
    public var byYearDay: [Int] = []
    /// BYWEEKNO, 1 to 53 or -53 to -1.
    public var byWeekNo: [Int] = []
    /// BYMONTH, 1 to 12.
    public var byMonth: [Int] = []
    /// BYSETPOS, 1 to 366 or -366 to -1.
    public var bySetPos: [Int] = []
    /// WKST, Monday unless the rule says otherwise.
    public var weekStart: Weekday = .monday
    /// Whether the rule names `RSCALE=GREGORIAN` (RFC 7529), which allows SKIP.
    public var isGregorianScale = false
    /// SKIP; anything but `.omit` requires `isGregorianScale`.
    public var skip: Skip = .omit

    /// Creates a rule with only a frequency; set the other parts as needed.
    public init(frequency: Frequency) {
        self.frequency = frequency
    }

    /// Parses an RRULE value such as `FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH`; `line` is used for errors.
    ///
    /// Part names and values are case-insensitive and may come in any order; a trailing `;` is allowed.
    /// Throws `invalidRecurrence` for malformed or contradictory rules, and `unsupportedRecurrence`
    /// for an RSCALE other than GREGORIAN or a leap month (`BYMONTH=5L`).
    public init(parsing text: String, line: Int = 0) throws {
        // A rule has a handful of parts: each is found by comparing bytes with the names it may have,
        // and kept by its position among them, so that no lookup hashes or compares strings.
        var parts = Parts()
        try Self.forEachEntry(of: text, separatedBy: UInt8(ascii: ";")) { part, entry in
            guard !entry.isEmpty else { return }
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")), equals != 0 else {
                throw Self.invalid("part \(excerpt(String(decoding: part, as: UTF8.self))) is not NAME=VALUE", line: line)
            }
            let name = UnsafeBufferPointer(rebasing: part[..<equals])
            if name.count >= 2 && name[0] | 0x20 == UInt8(ascii: "x") && name[1] == UInt8(ascii: "-") { return }
            guard let known = Part.allCases.first(where: { $0.isNamed(name) }) else {
                let upperCased = String(decoding: name, as: UTF8.self).asciiUppercased
                throw Self.invalid("unknown part \(excerpt(upperCased))", line: line)
            }
            guard parts[known] == nil else { throw Self.invalid("\(known.name) appears twice", line: line) }
            let value = String(decoding: trimmingSpaces(UnsafeBufferPointer(rebasing: part[(equals + 1)...])), as: UTF8.self)
            guard !value.isEmpty else { throw Self.invalid("\(known.name) has no value", line: line) }
            parts[known] = value
        }
        guard let frequencyText = parts[.frequency] else { throw Self.invalid("FREQ is missing", line: line) }
        guard let frequency = Frequency(rawValue: frequencyText.asciiUppercased) else {
            throw Self.invalid("FREQ=\(excerpt(frequencyText)) is not a frequency", line: line)
        }
        self.init(frequency: frequency)
        if let scale = parts[.scale] {
            guard scale.asciiUppercased == "GREGORIAN" else {
                throw ICalendarError(.unsupportedRecurrence, line: line, "RSCALE=\(excerpt(scale)) is not supported, only GREGORIAN")
            }
            isGregorianScale = true
        }
        if let skipText = parts[.skip] {
            guard let skip = Skip(rawValue: skipText.asciiUppercased) else {
                throw Self.invalid("SKIP=\(excerpt(skipText)) is not OMIT, BACKWARD or FORWARD", line: line)
            }
            guard isGregorianScale else { throw Self.invalid("SKIP without RSCALE", line: line) }
            self.skip = skip
        }
        if let value = parts[.interval] { interval = try Self.number(value, "INTERVAL", 1...Int(Int32.max), line: line) }
        if let value = parts[.count] { count = try Self.number(value, "COUNT", 1...Int(Int32.max), line: line) }
        if let value = parts[.until] {
            guard count == nil else { throw Self.invalid("COUNT and UNTIL together", line: line) }
            until = try Self.untilValue(value, line: line)
        }
        bySecond = try Self.numbers(parts[.bySecond], "BYSECOND", 0...60, signed: false, line: line)
        byMinute = try Self.numbers(parts[.byMinute], "BYMINUTE", 0...59, signed: false, line: line)
        byHour = try Self.numbers(parts[.byHour], "BYHOUR", 0...23, signed: false, line: line)
        byMonthDay = try Self.numbers(parts[.byMonthDay], "BYMONTHDAY", 1...31, signed: true, line: line)
        byYearDay = try Self.numbers(parts[.byYearDay], "BYYEARDAY", 1...366, signed: true, line: line)
        byWeekNo = try Self.numbers(parts[.byWeekNo], "BYWEEKNO", 1...53, signed: true, line: line)
        bySetPos = try Self.numbers(parts[.bySetPos], "BYSETPOS", 1...366, signed: true, line: line)
        if let value = parts[.byMonth], value.asciiUppercased.hasSuffix("L") || value.asciiUppercased.contains("L,") {
            throw ICalendarError(.unsupportedRecurrence, line: line, "leap months (BYMONTH=\(excerpt(value))) are not supported")
        }
        byMonth = try Self.numbers(parts[.byMonth], "BYMONTH", 1...12, signed: false, line: line)
        if let value = parts[.byDay] { byDay = try Self.weekdays(value, line: line) }
        if let value = parts[.weekStart] {
            guard let weekday = Weekday(code: value) else { throw Self.invalid("WKST=\(excerpt(value)) is not a weekday", line: line) }
            weekStart = weekday
        }
        try checkCombinations(line: line)
    }

    /// The rule as RRULE text in a fixed part order, defaults left out (`FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH`).
    public var text: String {
        var parts: [String] = []
        if isGregorianScale { parts.append("RSCALE=GREGORIAN") }
        parts.append("FREQ=" + frequency.rawValue)
        if let until {
            switch until {
            case .date(let value): parts.append("UNTIL=" + String(value.description.prefix(8)))
            case .utc(let value): parts.append("UNTIL=\(value)Z")
            case .floating(let value), .zoned(let value, _): parts.append("UNTIL=\(value)")
            }
        }
        if let count { parts.append("COUNT=\(count)") }
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        func list(_ name: String, _ values: [Int]) {
            if !values.isEmpty { parts.append(name + "=" + values.map(String.init).joined(separator: ",")) }
        }
        list("BYSECOND", bySecond)
        list("BYMINUTE", byMinute)
        list("BYHOUR", byHour)
        if !byDay.isEmpty {
            parts.append("BYDAY=" + byDay.map { ($0.ordinal == 0 ? "" : String($0.ordinal)) + $0.weekday.code }.joined(separator: ","))
        }
        list("BYMONTHDAY", byMonthDay)
        list("BYYEARDAY", byYearDay)
        list("BYWEEKNO", byWeekNo)
        list("BYMONTH", byMonth)
        list("BYSETPOS", bySetPos)
        if weekStart != .monday { parts.append("WKST=" + weekStart.code) }
        if skip != .omit { parts.append("SKIP=" + skip.rawValue) }
        return parts.joined(separator: ";")
    }

    /// The parts RFC 5545 and RFC 7529 define.
    private enum Part: Int, CaseIterable {
        case frequency
        case until
        case count
        case interval
        case bySecond
        case byMinute
        case byHour
        case byDay
        case byMonthDay
        case byYearDay
        case byWeekNo
        case byMonth
        case bySetPos
        case weekStart
        case scale
        case skip

        /// The part's name, as a rule writes it (upper-cased).
        var name: String { Self.names[rawValue] }

        /// Whether `bytes` spell the part's name, in any case.
        func isNamed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var name = name
            return name.withUTF8 { expected in
                expected.count == bytes.count && zip(expected, bytes).allSatisfy { $0 == $1 || $0 | 0x20 == $1 }
            }
        }

        private static let names = [
            "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
            "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "RSCALE", "SKIP",
        ]
    }

    /// The values of the parts of one RRULE value.
    private struct Parts {
        private var values = [String?](repeating: nil, count: Part.allCases.count)

        subscript(part: Part) -> String? {
            get { values[part.rawValue] }
            set { values[part.rawValue] = newValue }
        }
    }

    /// Rejects the BY parts that §3.3.10 forbids for the frequency.
    private func checkCombinations(line: Int) throws {
        if !byWeekNo.isEmpty && frequency != .yearly {
            throw Self.invalid("BYWEEKNO is only allowed with FREQ=YEARLY", line: line)
        }
        if !byYearDay.isEmpty && [.daily, .weekly, .monthly].contains(frequency) {
            throw Self.invalid("BYYEARDAY is not allowed with FREQ=\(frequency.rawValue)", line: line)
        }
        if !byMonthDay.isEmpty && frequency == .weekly {
            throw Self.invalid("BYMONTHDAY is not allowed with FREQ=WEEKLY", line: line)
        }
        if byDay.contains(where: { $0.ordinal != 0 }) {
            guard frequency == .monthly || frequency == .yearly else {
                throw Self.invalid("numbered BYDAY entries need FREQ=MONTHLY or YEARLY", line: line)
            }
            guard byWeekNo.isEmpty else { throw Self.invalid("numbered BYDAY entries are not allowed with BYWEEKNO", line: line) }
        }
    }

    private static func invalid(_ message: String, line: Int) -> ICalendarError {
        ICalendarError(.invalidRecurrence, line: line, "RRULE: " + message)
    }

    /// A decimal number with an optional sign, or nil.
    private static func signedInteger<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        var digits = bytes[...]
        var sign = 1
        if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return sign * value
    }

    private static func number(_ text: String, _ name: String, _ range: ClosedRange<Int>, line: Int) throws -> Int {
        guard text.utf8.first != UInt8(ascii: "-"), let value = signedInteger(text.utf8), range.contains(value) else {
            throw invalid("\(name)=\(excerpt(text)) is not a number in \(range.lowerBound)...\(range.upperBound)", line: line)
        }
        return value
    }

    /// Calls `body` with each entry of `text` between separators (commas unless told), trimmed, and the entry as written.
    private static func forEachEntry(
        of text: String, separatedBy separator: UInt8 = UInt8(ascii: ","),
        _ body: (_ trimmed: UnsafeBufferPointer<UInt8>, _ entry: UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        var text = text
        try text.withUTF8 { bytes in
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == separator {
                let entry = UnsafeBufferPointer(rebasing: bytes[start..<end])
                try body(trimmingSpaces(entry), entry)
                start = end + 1
            }
        }
    }

    /// A comma-separated list; `signed` lists accept `-n` for the magnitudes in `range`.
    private static func numbers(_ text: String?, _ name: String, _ range: ClosedRange<Int>, signed: Bool, line: Int) throws -> [Int] {
        guard let text else { return [] }
        var values: [Int] = []
        try forEachEntry(of: text) { trimmed, entry in
            guard let value = signedInteger(trimmed), range.contains(abs(value)), signed || value >= 0 else {
                throw invalid("\(name) value \(excerpt(String(decoding: entry, as: UTF8.self))) is out of range", line: line)
            }
            if !values.contains(value) { values.append(value) }
        }
        return values.sorted()
    }

    private static func weekdays(_ text: String, line: Int) throws -> [WeekdayOccurrence] {
        var values: [WeekdayOccurrence] = []
        try forEachEntry(of: text) { entry, _ in
            let count = entry.count
            let code = count >= 2 ? (entry[count - 2] & 0xDF, entry[count - 1] & 0xDF) : (0, 0)
            guard let index = weekdayCodes.firstIndex(where: { $0 == code }), let weekday = Weekday(rawValue: index) else {
                throw invalid("BYDAY value \(excerpt(String(decoding: entry, as: UTF8.self))) is not a weekday", line: line)
            }
            var ordinal = 0
            if count > 2 {
                guard let number = signedInteger(entry[..<(count - 2)]), (1...53).contains(abs(number)) else {
                    throw invalid(
                        "BYDAY value \(excerpt(String(decoding: entry, as: UTF8.self))) has an ordinal outside 1...53", line: line)
                }
                ordinal = number
            }
            let occurrence = WeekdayOccurrence(weekday, ordinal: ordinal)
            if !values.contains(occurrence) { values.append(occurrence) }
        }
        return values.sorted()
    }

    /// The two-letter weekday codes, Monday first, as upper-case bytes.
    private static let weekdayCodes: [(UInt8, UInt8)] = Weekday.allCases.map { ($0.code.utf8.first!, $0.code.utf8.last!) }

    private static func untilValue(_ text: String, line: Int) throws -> DateTimeValue {
        if text.utf8.count == 8, let date = DateTimeValue.parseDate(text.utf8) { return .date(date) }
        guard let (value, isUTC) = DateTimeValue.parseDateTime(text) else {
            throw invalid("UNTIL=\(excerpt(text)) is not a DATE or DATE-TIME", line: line)
        }
        return isUTC ? .utc(value) : .floating(value)
    }
}

/// Reads iCalendar data as a stream of top-level components, one VEVENT (or VTIMEZONE …) at a time.
///
/// Several VCALENDAR objects in one stream are read in turn. As common readers do, components
/// standing outside any VCALENDAR (a file of bare VEVENTs) are read as one implicit calendar
/// each run of them, and stray properties between calendars are skipped. A content line inside
/// a component that cannot be read is skipped and recorded in the component's `skippedLines`,
/// so one broken line costs that line, not the file. Memory holds one component at a
/// time, so a file of any size is read in bounded memory. Structural errors (no VCALENDAR,
/// mismatched END, data ending inside a component) are thrown with the line they were found on.
public struct CalendarReader {
    /// The deepest nesting of components accepted below VCALENDAR.
    public static var maximumDepth: Int { 16 }

    private var lines: ContentLineReader
    private var calendarProperties: [ContentLine] = []
    private var inCalendar = false
    private var inBareCalendar = false
    /// Lines of the calendars themselves (outside their components) that could not be read and were skipped.
    public private(set) var skippedCalendarLines: [ICalendarError] = []
    private var calendarCount = 0

    /// Creates a reader over `source`.
    public init<Source: ByteSource>(_ source: Source) {
        lines = ContentLineReader(source)
    }

    /// The number of physical lines read so far.
    public var linesRead: Int { lines.linesRead }

    /// Returns the next top-level component, or nil when the data ends after a complete calendar.
    public mutating func next() throws -> CalendarItem? {
        while let line = try nextLine() {
            if !inCalendar {
                guard line.name == "BEGIN" else {
                    if calendarCount == 0 {
                        throw ICalendarError(.notICalendar, line: line.line, "expected BEGIN:VCALENDAR, found \(excerpt(line.name))")
                    }
                    continue
                }
                let name = line.value.asciiUppercased
                guard name == "VCALENDAR" else {
                    if !inBareCalendar {
                        inBareCalendar = true
                        calendarCount += 1
                        calendarProperties = []
                    }
                    let component = try readComponent(named: name, line: line.line)
                    return CalendarItem(component: component, calendarProperties: [], calendarIndex: calendarCount)
                }
                inCalendar = true
                inBareCalendar = false
                calendarCount += 1
                calendarProperties = []
                continue
            }
            switch line.name {
            case "BEGIN":
                let component = try readComponent(named: line.value.asciiUppercased, line: line.line)
                return CalendarItem(component: component, calendarProperties: calendarProperties, calendarIndex: calendarCount)
            case "END":
                guard line.value.asciiUppercased == "VCALENDAR" else {
                    throw ICalendarError(.mismatchedEnd, line: line.line, "END:\(excerpt(line.value)) closes VCALENDAR")
                }
                inCalendar = false
            default:
                calendarProperties.append(line)
            }
        }
        if inCalendar {
            throw ICalendarError(.unterminatedComponent, line: lines.linesRead, "the data ends inside VCALENDAR")
        }
        if calendarCount == 0 {
            throw ICalendarError(.notICalendar, line: 0, "no BEGIN:VCALENDAR in the data")
        }
        return nil
    }

    /// The next content line; before any calendar, a line that is not even a content line means the data is not iCalendar.
    ///
    /// Inside a calendar, a line that cannot be read is skipped and kept in `skippedCalendarLines`.
    private mutating func nextLine() throws -> ContentLine? {
        while true {
            do {
                let line = try lines.next()
                if let repair = lines.repairOfLastLine, calendarCount > 0 { skippedCalendarLines.append(repair) }
                return line
            } catch let error as ICalendarError where calendarCount == 0 && error.code != .readFailed {
                throw ICalendarError(.notICalendar, line: error.line, "expected BEGIN:VCALENDAR; \(error.message)")
            } catch let error as ICalendarError where error.code == .malformedContentLine || error.code == .invalidUTF8 {
                skippedCalendarLines.append(error)
            }
        }
    }

    /// Refuses a BEGIN without a component name, which no writer could give back.
    private static func checkName(_ name: String, line: Int) throws {
        guard !name.isEmpty else { throw ICalendarError(.malformedContentLine, line: line, "BEGIN without a component name") }
    }

    /// Reads a component whose BEGIN was just read, up to its matching END.
    private mutating func readComponent(named name: String, line: Int) throws -> Component {
        try Self.checkName(name, line: line)
        var stack = [Component(name: name, line: line)]
        stack[0].properties.reserveCapacity(24)
        lines.beginComponent()
        defer { lines.endComponent() }
        while true {
            let next: ContentLine
            do {
                guard let line = try lines.next() else { break }
                next = line
                if let repair = lines.repairOfLastLine { stack[stack.count - 1].skippedLines.append(repair) }
            } catch let error as ICalendarError where error.code == .malformedContentLine || error.code == .invalidUTF8 {
                stack[stack.count - 1].skippedLines.append(error)
                continue
            }
            if next.hasName("BEGIN") {
                guard stack.count < Self.maximumDepth else {
                    throw ICalendarError(.nestingTooDeep, line: next.line, "components nested deeper than \(Self.maximumDepth)")
                }
                let nested = next.value.asciiUppercased
                try Self.checkName(nested, line: next.line)
                stack.append(Component(name: nested, line: next.line))
            } else if next.hasName("END") {
                let closing = next.value.asciiUppercased
                guard closing == stack[stack.count - 1].name else {
                    throw ICalendarError(
                        .mismatchedEnd, line: next.line,
                        "END:\(excerpt(next.value)) closes \(stack[stack.count - 1].name) begun at line \(stack[stack.count - 1].line)")
                }
                let done = stack.removeLast()
                if stack.isEmpty { return done }
                stack[stack.count - 1].components.append(done)
            } else {
                stack[stack.count - 1].properties.append(next)
            }
        }
        throw ICalendarError(
            .unterminatedComponent, line: stack[stack.count - 1].line,
            "the data ends inside \(stack[stack.count - 1].name) begun at line \(stack[stack.count - 1].line)")
    }
}

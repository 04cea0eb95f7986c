// A libFuzzer target for the ICalendar reader, built by `scripts/fuzz` with swiftc together with
// Sources/ICalendar/*.swift (one module, so internals are visible); it belongs to no SwiftPM target.
import Foundation

/// A check run on every top-level component the reader yields. It must not crash, whatever the
/// component holds: errors are the reader's answer to bad data, a crash or a hang is a bug.
/// To fuzz something more (a recurrence expander, say), write one more check and list it here.
let itemChecks: [@Sendable (CalendarItem) -> Void] = [readTimes, writeAndReadBack, expandEvent, readTimeZone]

/// Feeds the bytes to `CalendarReader` and runs every check on each component, up to the first error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var reader = CalendarReader(BufferByteSource(Array(UnsafeRawBufferPointer(start: start, count: count))))
    while let item = try? reader.next() {
        for check in itemChecks { check(item) }
    }
    return 0
}

private let utc = TimeZone(identifier: "UTC")!

/// Reads DTSTART, DTEND and DURATION of the component and of those nested in it, resolving zones.
func readTimes(_ item: CalendarItem) {
    var zones = ZoneResolver()
    func visit(_ component: Component) {
        for property in component.properties {
            switch property.name {
            case "DTSTART", "DTEND":
                guard let value = try? DateTimeValue(property) else { continue }
                _ = try? zones.instant(of: value, floatingZone: utc, line: property.line)
                if case .zoned(_, let tzid) = value { _ = WindowsZones.ianaIdentifier(forWindowsName: tzid) }
            case "DURATION":
                _ = try? ICalDuration(parsing: property.value, line: property.line)
            default:
                continue
            }
        }
        component.components.forEach(visit)
    }
    visit(item.component)
}

/// Expands a VEVENT (its RRULE, RDATE, EXDATE) over two years: any rule must end in bounded time,
/// with occurrences in order or a coded error.
func expandEvent(_ item: CalendarItem) {
    guard item.component.name == "VEVENT" else { return }
    var zones = ZoneResolver()
    let window: Range<Int64> = 1_577_836_800..<1_640_995_200
    let set = RecurrenceSet(uid: "", components: [item.component])
    guard let occurrences = try? set.occurrences(overlapping: window, zones: &zones) else { return }
    for (earlier, later) in zip(occurrences, occurrences.dropFirst()) where later.start.local < earlier.start.local {
        fatalError("occurrences out of order")
    }
}

/// Reads a VTIMEZONE and asks it for offsets and instants across its range.
func readTimeZone(_ item: CalendarItem) {
    guard item.component.name == "VTIMEZONE", let zone = try? VTimeZone(item.component) else { return }
    for year in stride(from: 1900, through: 2100, by: 25) {
        let local = LocalDateTime(year: year, month: 3, day: 30, hour: 2, minute: 30)
        let instant = zone.instant(of: local)
        _ = zone.offset(atInstant: instant)
    }
}

/// Writes the component with `CalendarWriter` and reads it back: what the reader gave, the writer must
/// be able to write, and reading that must give the same component again.
func writeAndReadBack(_ item: CalendarItem) {
    var writer = CalendarWriter()
    do {
        try writer.writeCalendar(properties: item.calendarProperties, components: [item.component])
        var reader = CalendarReader(BufferByteSource(writer.bytes))
        guard let reread = try reader.next(), try reader.next() == nil,
            withoutLines(reread.component) == withoutLines(item.component),
            reread.calendarProperties.map(withoutLine) == item.calendarProperties.map(withoutLine)
        else { fatalError("the component read back differs from the one written") }
    } catch {
        fatalError("a component the reader gave cannot be written and read back: \(error)")
    }
}

private func withoutLines(_ component: Component) -> Component {
    Component(name: component.name, properties: component.properties.map(withoutLine), components: component.components.map(withoutLines))
}

private func withoutLine(_ line: ContentLine) -> ContentLine {
    ContentLine(name: line.name, parameters: line.parameters, value: line.value)
}

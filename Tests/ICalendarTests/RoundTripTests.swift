import Foundation
import PropertyBased
import Testing

@testable import ICalendar

/// The component with every `line` field zeroed, for comparing what was read with what was written.
private func withoutLines(_ component: Component) -> Component {
    Component(
        name: component.name, properties: component.properties.map(withoutLine), components: component.components.map(withoutLines))
}

private func withoutLine(_ line: ContentLine) -> ContentLine {
    ContentLine(name: line.name, parameters: line.parameters, value: line.value, line: 0)
}

/// Every item of the iCalendar data in `bytes`.
private func readItems(_ bytes: [UInt8]) throws -> [CalendarItem] {
    var reader = CalendarReader(BufferByteSource(bytes))
    var items: [CalendarItem] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

/// A calendar as the writer takes it: its properties and its top-level components.
private struct CalendarContent: Sendable {
    var properties: [ContentLine]
    var components: [Component]
}

/// Writes the calendars one after another.
private func write(_ calendars: [CalendarContent]) throws -> [UInt8] {
    var writer = CalendarWriter()
    for calendar in calendars {
        try writer.writeCalendar(properties: calendar.properties, components: calendar.components)
    }
    return writer.bytes
}

/// The calendars the items came from: each one's properties (all of them, as the last item saw them) and components.
private func calendars(of items: [CalendarItem]) -> [CalendarContent] {
    var calendars: [CalendarContent] = []
    var index = 0
    for item in items {
        if item.calendarIndex != index {
            calendars.append(CalendarContent(properties: [], components: []))
            index = item.calendarIndex
        }
        calendars[calendars.count - 1].properties = item.calendarProperties.map(withoutLine)
        calendars[calendars.count - 1].components.append(withoutLines(item.component))
    }
    return calendars
}

/// Random calendars within what a content line can say: upper-case names (some `X-`), parameter
/// values with `:;,"^`, line feeds and non-ASCII, values with any Unicode but control characters other
/// than tab, and components nested up to four deep.
private enum RandomCalendar {
    static let generator = Generator<CalendarContent, Shrink.None<CalendarContent>> { rng in
        calendar(using: &rng)
    }

    static func calendar(using rng: inout some RandomNumberGenerator) -> CalendarContent {
        CalendarContent(
            properties: (0..<Int.random(in: 0...3, using: &rng)).map { _ in contentLine(using: &rng) },
            components: (0..<Int.random(in: 1...3, using: &rng)).map { _ in component(depth: 1, using: &rng) })
    }

    static func component(depth: Int, using rng: inout some RandomNumberGenerator) -> Component {
        let names = ["VEVENT", "VTODO", "VJOURNAL", "VALARM", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VAVAILABILITY"]
        let name = Bool.random(using: &rng) ? names.randomElement(using: &rng)! : "X-" + token(using: &rng)
        let childCount = depth < 4 ? Int.random(in: 0...2, using: &rng) : 0
        return Component(
            name: name,
            properties: (0..<Int.random(in: 0...5, using: &rng)).map { _ in contentLine(using: &rng) },
            components: (0..<childCount).map { _ in component(depth: depth + 1, using: &rng) })
    }

    static func contentLine(using rng: inout some RandomNumberGenerator) -> ContentLine {
        ContentLine(
            name: propertyName(using: &rng),
            parameters: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Parameter(
                    name: Bool.random(using: &rng) ? "X-" + token(using: &rng) : token(using: &rng),
                    values: (0..<Int.random(in: 1...3, using: &rng)).map { _ in parameterValue(using: &rng) })
            },
            value: value(using: &rng))
    }

    static func propertyName(using rng: inout some RandomNumberGenerator) -> String {
        let names = ["SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "RRULE", "ATTENDEE", "UID", "LOCATION", "GEO", "CATEGORIES"]
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return names.randomElement(using: &rng)!
        case 1: return "X-" + token(using: &rng)
        default:
            let name = token(using: &rng)
            return name == "BEGIN" || name == "END" ? "X-" + name : name
        }
    }

    /// Letters, digits, `-` and `_`, as many as a name may hold.
    static func token(using rng: inout some RandomNumberGenerator) -> String {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        return String((0..<Int.random(in: 1...12, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
    }

    static func parameterValue(using rng: inout some RandomNumberGenerator) -> String {
        let pieces = [":", ";", ",", "\"", "^", "^n", "^^", "^'", "\n", "\t", " ", "é", "中", "😀", "\u{301}", "=", "\\"]
        return string(using: &rng, length: 0...12) { rng in
            Int.random(in: 0..<3, using: &rng) == 0 ? pieces.randomElement(using: &rng)! : String(printableASCII(using: &rng))
        }
    }

    static func value(using rng: inout some RandomNumberGenerator) -> String {
        let pieces = [":", ";", ",", "\\", "\\n", "\\,", "\"", "^", "\t", " ", "😀", "\u{FEFF}", "\u{2028}"]
        return string(using: &rng, length: 0...(Bool.random(using: &rng) ? 10 : 120)) { rng in
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return pieces.randomElement(using: &rng)!
            case 1: return String(anyScalar(using: &rng))
            default: return String(printableASCII(using: &rng))
            }
        }
    }

    static func string<R: RandomNumberGenerator>(using rng: inout R, length: ClosedRange<Int>, piece: (inout R) -> String) -> String {
        (0..<Int.random(in: length, using: &rng)).map { _ in piece(&rng) }.joined()
    }

    static func printableASCII(using rng: inout some RandomNumberGenerator) -> Character {
        Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
    }

    /// Any scalar that is not a control character (C0, DEL, C1): from every plane, or the BMP more often.
    static func anyScalar(using rng: inout some RandomNumberGenerator) -> Character {
        while true {
            let upper: UInt32 = Bool.random(using: &rng) ? 0xFFFF : 0x10_FFFF
            if let scalar = Unicode.Scalar(UInt32.random(in: 0x20...upper, using: &rng)), !(0x7F...0x9F).contains(scalar.value) {
                return Character(scalar)
            }
        }
    }
}

@Suite struct RoundTripTests {
    @Test func readingWhatWasWrittenGivesBackTheComponents() async {
        await propertyCheck(count: 3_000, input: RandomCalendar.generator) { calendar in
            let bytes = try write([calendar])
            let items = try readItems(bytes)
            #expect(items.map { withoutLines($0.component) } == calendar.components)
            #expect(items.allSatisfy { $0.calendarProperties.map(withoutLine) == calendar.properties })
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasSuffix("\r\n") && text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        }
    }

    @Test func severalCalendarsInOneStreamComeBackInOrder() async {
        await propertyCheck(count: 200, input: RandomCalendar.generator.array(of: 2...4)) { written in
            let read = calendars(of: try readItems(write(written)))
            #expect(read.map(\.components) == written.map(\.components))
            #expect(read.map(\.properties) == written.map(\.properties))
        }
    }

    /// Every corpus file the reader accepts reads back the same after writing; the others are another test's business.
    @Test func corpusFilesSurviveWritingAndReadingBack() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/files")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".ics") }.sorted()
        var roundTripped = 0
        for file in files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            guard let items = try? readItems(Array(data)), !items.isEmpty else { continue }
            let original = calendars(of: items)
            let rewritten = try write(original)
            let reread = calendars(of: try readItems(rewritten))
            #expect(reread.map(\.components) == original.map(\.components), "\(file)")
            #expect(reread.map(\.properties) == original.map(\.properties), "\(file)")
            roundTripped += 1
        }
        #expect(files.count > 1_000)
        #expect(roundTripped > 800, "\(roundTripped) of \(files.count) corpus files round-tripped")
    }
}

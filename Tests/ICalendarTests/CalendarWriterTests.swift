import Foundation
import Testing

@testable import ICalendar

/// The text `write` produces for `line`.
private func written(_ line: ContentLine) throws -> String {
    var writer = CalendarWriter()
    try writer.write(line)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// The physical lines of written text, without their CRLF.
private func physicalLines(_ text: String) -> [Substring] {
    #expect(text.hasSuffix("\r\n"))
    return text.dropLast(2).split(separator: "\r\n", omittingEmptySubsequences: false)
}

@Suite struct CalendarWriterTests {
    @Test func writesNameParametersAndValueWithCRLF() throws {
        let line = ContentLine(
            name: "DTSTART", parameters: [Parameter(name: "TZID", values: ["Europe/Berlin"]), Parameter(name: "X-A", values: ["1", "2"])],
            value: "20250301T090000")
        #expect(try written(line) == "DTSTART;TZID=Europe/Berlin;X-A=1,2:20250301T090000\r\n")
        #expect(try written(ContentLine(name: "X-EMPTY", value: "")) == "X-EMPTY:\r\n")
    }

    @Test func valuesAreWrittenAsTheyAre() throws {
        #expect(try written(ContentLine(name: "DESCRIPTION", value: #"a\, b\; c\n: d"#)) == "DESCRIPTION:a\\, b\\; c\\n: d\r\n")
    }

    @Test func parameterValuesWithColonSemicolonOrCommaAreQuoted() throws {
        let line = ContentLine(
            name: "ATTENDEE",
            parameters: [
                Parameter(name: "CN", values: ["Doe, Jane"]), Parameter(name: "DIR", values: ["x;y"]),
                Parameter(name: "MEMBER", values: ["mailto:a@b", "plain"]),
            ],
            value: "mailto:j@b")
        #expect(try written(line) == "ATTENDEE;CN=\"Doe, Jane\";DIR=\"x;y\";MEMBER=\"mailto:a@b\",plain:mailto:j@b\r\n")
    }

    @Test func parameterValuesAreCaretEncoded() throws {
        let line = ContentLine(name: "X", parameters: [Parameter(name: "P", values: ["a^b \"q\" c\nd"])], value: "v")
        #expect(try written(line) == "X;P=a^^b ^'q^' c^nd:v\r\n")
        let quoted = ContentLine(name: "X", parameters: [Parameter(name: "P", values: ["\"1\",\r\n2"])], value: "v")
        #expect(try written(quoted) == "X;P=\"^'1^',^n2\":v\r\n", "CRLF is one line break")
    }

    @Test(arguments: [0, 1, 74, 75, 76, 149, 150, 151, 10_000])
    func foldedLinesAreAtMost75Octets(valueLength: Int) throws {
        let line = ContentLine(name: "X", value: String(repeating: "a", count: valueLength))
        let lines = physicalLines(try written(line))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.dropFirst().allSatisfy { $0.first == " " })
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 75 }, "every line but the last is full")
        #expect(lines.count == max(1, 1 + (valueLength + 2 - 75 + 73) / 74))
        #expect(try contentLines(written(line)).map(\.value) == [line.value])
    }

    @Test(arguments: 0..<8)
    func foldingNeverSplitsAUTF8Character(shift: Int) throws {
        let value = String(repeating: "x", count: 70 + shift) + String(repeating: "😀é€", count: 40)
        let line = ContentLine(name: "SUMMARY", value: value)
        let text = try written(line)
        for physical in text.utf8.split(separator: 0x0A) {
            #expect(physical.count <= 76, "75 octets and the CR")
            #expect(String(validating: physical, as: UTF8.self) != nil, "each physical line is whole UTF-8 by itself")
        }
        #expect(try contentLines(text).first?.value == value)
    }

    @Test func writesComponentsRecursively() throws {
        let alarm = Component(name: "VALARM", properties: [ContentLine(name: "ACTION", value: "DISPLAY")])
        let event = Component(name: "VEVENT", properties: [ContentLine(name: "UID", value: "1")], components: [alarm])
        var writer = CalendarWriter()
        try writer.writeCalendar(properties: [ContentLine(name: "VERSION", value: "2.0")], components: [event])
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\n"
                + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    }

    @Test(arguments: [
        ContentLine(name: "", value: "v"), ContentLine(name: "X:Y", value: "v"), ContentLine(name: "X Y", value: "v"),
        ContentLine(name: "Ä", value: "v"), ContentLine(name: "X", parameters: [Parameter(name: "", values: ["a"])], value: "v"),
        ContentLine(name: "X", parameters: [Parameter(name: "A=B", values: ["a"])], value: "v"),
        ContentLine(name: "X", value: "a\nb"), ContentLine(name: "X", value: "a\rb"),
    ])
    func linesThatCannotBeReadBackAreRefused(line: ContentLine) {
        var writer = CalendarWriter()
        let error = #expect(throws: ICalendarError.self) { try writer.write(line) }
        #expect(error?.code == .unwritableContentLine)
        #expect(writer.bytes.isEmpty)
    }

    @Test func componentsThatCannotBeReadBackAreRefused() {
        for component in [
            Component(name: ""), Component(name: "A\r\nB"),
            Component(name: "VEVENT", properties: [ContentLine(name: "END", value: "VEVENT")]),
            Component(name: "VEVENT", properties: [ContentLine(name: "begin", value: "VALARM")]),
        ] {
            var writer = CalendarWriter()
            let error = #expect(throws: ICalendarError.self) { try writer.write(component) }
            #expect(error?.code == .unwritableContentLine)
        }
    }

    @Test func streamsToAFileInChunks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString).ics").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let events = (0..<2_000).lazy.map { index in
            Component(name: "VEVENT", properties: [ContentLine(name: "UID", value: "event-\(index)")])
        }
        var writer = CalendarWriter(try FileByteSink(path: path, bufferSize: 4096))
        try writer.writeCalendar(properties: [ContentLine(name: "VERSION", value: "2.0")], components: events)
        try writer.flush()
        var reader = CalendarReader(try FileByteSource(path: path))
        var uids: [String] = []
        while let item = try reader.next() { uids.append(item.component.property("UID")?.value ?? "") }
        #expect(uids == (0..<2_000).map { "event-\($0)" })
    }

    @Test func aFileThatCannotBeCreatedIsAWriteError() {
        let error = #expect(throws: ICalendarError.self) { try FileByteSink(path: "/nonexistent-directory/x.ics") }
        #expect(error?.code == .writeFailed)
    }
}

@Suite struct TextValueEscapeTests {
    @Test func escapesBackslashSemicolonCommaAndLineBreaks() {
        #expect(TextValue.escape("a\\b;c,d\ne: f") == "a\\\\b\\;c\\,d\\ne: f")
        #expect(TextValue.escape("1\r\n2\r3") == "1\\n2\\n3")
        #expect(TextValue.escape("plain: text") == "plain: text")
    }

    @Test func unescapeUndoesEscape() {
        for text in ["", "\\", "\\n", "a;b,c\\d\ne", "\\\\;;,,\n\n", "naïve 😀 \\N"] {
            #expect(TextValue.unescape(TextValue.escape(text)) == text, "\(text.debugDescription)")
        }
    }
}

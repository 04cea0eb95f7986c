import Testing

@testable import ICalendar

/// Reads every content line of `text` (or of raw `bytes`).
func contentLines(_ text: String, chunkSize: Int = 1 << 16) throws -> [ContentLine] {
    try contentLines(bytes: Array(text.utf8), chunkSize: chunkSize)
}

func contentLines(bytes: [UInt8], chunkSize: Int = 1 << 16) throws -> [ContentLine] {
    var reader = ContentLineReader(BufferByteSource(bytes), chunkSize: chunkSize)
    var lines: [ContentLine] = []
    while let line = try reader.next() { lines.append(line) }
    return lines
}

@Suite struct ContentLineReaderTests {
    @Test(arguments: ["\r\n", "\n", "\r"])
    func everyLineEndSplitsLines(ending: String) throws {
        let lines = try contentLines(["BEGIN:VCALENDAR", "SUMMARY:a", "END:VCALENDAR"].joined(separator: ending) + ending)
        #expect(lines.map(\.name) == ["BEGIN", "SUMMARY", "END"])
        #expect(lines.map(\.line) == [1, 2, 3])
    }

    @Test(arguments: [1, 2, 3, 64])
    func byteOrderMarkIsSkippedHoweverTheBytesArrive(chunkSize: Int) throws {
        let lines = try contentLines(bytes: [0xEF, 0xBB, 0xBF] + Array("BEGIN:VCALENDAR\r\nX:\u{FEFF}\r\n".utf8), chunkSize: chunkSize)
        #expect(lines.map(\.name) == ["BEGIN", "X"])
        #expect(lines[1].value == "\u{FEFF}", "only a mark at the very start is dropped")
    }

    @Test func foldedLineWithColonsIsJoined() throws {
        let lines = try contentLines("DESCRIPTION:See http\r\n ://example.com:8080/a\r\n\t:b\r\nX:1\r\n")
        #expect(lines[0].value == "See http://example.com:8080/a:b")
        #expect(lines[0].line == 1)
        #expect(lines[1].line == 4)
    }

    @Test func foldSplittingAMultiByteCharacterIsRejoinedBeforeDecoding() throws {
        // "é" is C3 A9: the fold falls between its two bytes, and the chunk boundary too.
        let bytes = Array("SUMMARY:caf".utf8) + [0xC3, 0x0D, 0x0A, 0x20, 0xA9] + Array("s\r\n".utf8)
        for chunkSize in [1, 3, 12, 64] {
            let lines = try contentLines(bytes: bytes, chunkSize: chunkSize)
            #expect(lines.map(\.value) == ["cafés"], "chunk size \(chunkSize)")
        }
    }

    @Test func quotedParameterValuesMayHoldSeparators() throws {
        let line = try #require(
            try contentLines("ATTENDEE;CN=\"Doe; John: PhD\";MEMBER=\"mailto:a@x\",\"mailto:b@x\";ROLE=CHAIR:mailto:j@x\n").first)
        #expect(line.name == "ATTENDEE")
        #expect(line.parameter("cn") == "Doe; John: PhD")
        #expect(line.parameters[1].values == ["mailto:a@x", "mailto:b@x"])
        #expect(line.parameter("ROLE") == "CHAIR")
        #expect(line.value == "mailto:j@x")
    }

    @Test func namesAreCaseInsensitive() throws {
        let line = try #require(try contentLines("dtStart;tzid=Europe/Berlin:20250101T090000\n").first)
        #expect(line.name == "DTSTART")
        #expect(line.parameter("TZID") == "Europe/Berlin")
    }

    @Test func blankLinesAreSkipped() throws {
        #expect(try contentLines("A:1\n\n\r\nB:2\n").map(\.name) == ["A", "B"])
    }

    @Test func lastLineWithoutLineEndIsRead() throws {
        #expect(try contentLines("A:1\nB:2").map(\.value) == ["1", "2"])
    }

    @Test func invalidUTF8IsReadAsReplacementCharactersAndToldWithItsLine() throws {
        var reader = ContentLineReader(BufferByteSource(Array("A:1\nSUMMARY:caf".utf8) + [0xE9] + Array(" ok\nB:2\n".utf8)))
        #expect(try reader.next()?.value == "1")
        #expect(reader.repairOfLastLine == nil)
        let summary = try #require(try reader.next())
        #expect(summary.value == "caf\u{FFFD} ok", "the valid text is kept")
        #expect(reader.repairOfLastLine?.code == .invalidUTF8)
        #expect(reader.repairOfLastLine?.line == 2)
        #expect(try reader.next()?.value == "2")
        #expect(reader.repairOfLastLine == nil, "told once, for its own line")
    }

    @Test func lineWithoutColonIsMalformed() throws {
        let error = #expect(throws: ICalendarError.self) { try contentLines("A:1\nB:2\nNOCOLON\n") }
        #expect(error?.code == .malformedContentLine)
        #expect(error?.line == 3)
    }

    @Test func unterminatedQuoteIsMalformed() throws {
        let error = #expect(throws: ICalendarError.self) { try contentLines("X;CN=\"open:value\n") }
        #expect(error?.code == .malformedContentLine)
    }

    @Test func everyChunkSizeReadsTheSameLines() throws {
        let text =
            "\u{FEFF}BEGIN:VCALENDAR\r\nDESCRIPTION;LANGUAGE=fr:Réunion\r\n  d'équipe\r\n\tsuite\rX-A:1\n\r\n\nX-B;P=\"a:b\",c:"
            + String(repeating: "é", count: 90) + "\r\n " + String(repeating: "z", count: 40) + "\r\nEND:VCALENDAR"
        let whole = try contentLines(text)
        #expect(whole.map(\.name) == ["BEGIN", "DESCRIPTION", "X-A", "X-B", "END"])
        #expect(whole[1].value == "Réunion d'équipesuite")
        #expect(whole.map(\.line) == [1, 2, 5, 8, 10])
        for chunkSize in [1, 2, 3, 5, 7, 16, 100] {
            #expect(try contentLines(text, chunkSize: chunkSize) == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func foldingCarriesOverBlankLinesAsCommonReadersDo() throws {
        #expect(try contentLines("SUMMARY:a\r\n\r\n b\r\nX:1\r\n").map(\.value) == ["ab", "1"])
    }

    @Test(
        arguments: [[0xC3, 0x28], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]] as [[UInt8]]
    )
    func malformedUTF8AnywhereInTheLineIsReplacedAndTold(bad: [UInt8]) throws {
        for prefix in ["SUMMARY:", "X;CN=", "X;CN=\""] {
            var reader = ContentLineReader(BufferByteSource(Array(prefix.utf8) + bad + Array("\":v\n".utf8)))
            let line = try reader.next()
            #expect(reader.repairOfLastLine?.code == .invalidUTF8, "\(prefix) \(bad)")
            let text = (line?.value ?? "") + (line?.parameters.flatMap(\.values).joined() ?? "")
            #expect(text.unicodeScalars.contains("\u{FFFD}"), "\(prefix) \(bad)")
        }
    }
}

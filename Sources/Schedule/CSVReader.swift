import ICalendar

/// One CSV record: its fields, the line it starts on, and what was forgiven in reading it.
public struct CSVRecord: Equatable, Sendable {
    /// The fields, unquoted.
    public var fields: [String]
    /// The 1-based line the record starts on (a quoted line break makes a record span lines).
    public var line: Int
    /// Whether a field was quoted with typographic quotes (“…” or ”…”), as text copied from a web page is.
    public var typographicQuotes: Bool
    /// Whether the first field was quoted (so a leading `#` or `*` in it is data, not a comment or header).
    public var firstFieldQuoted: Bool
}

/// Reads RFC 4180 CSV from a byte source, one record at a time, in bounded memory.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields with commas, doubled
/// quotes and line breaks (kept as LF). A field that opens with a typographic quote (U+201C or
/// U+201D) and closes with one right before a comma or the line end is read as quoted, and the
/// record says so. A quote inside an unquoted field is kept as text. Blank lines yield no record.
public struct CSVReader<Source: ByteSource> {
    private var lines: LineReader<Source>

    /// Creates a reader over `source`.
    public init(_ source: Source) {
        lines = LineReader(source)
    }

    /// The next record, or nil at the end of the data.
    public mutating func next() throws -> CSVRecord? {
        do {
            while try lines.next() {
                if lines.line.isEmpty { continue }
                return try readRecord()
            }
            return nil
        } catch let error as ICalendarError {
            throw CSVError(.readFailed, line: error.line, error.message)
        }
    }

    private static var quote: UInt8 { UInt8(ascii: "\"") }
    private static var comma: UInt8 { UInt8(ascii: ",") }
    /// U+201C and U+201D in UTF-8: E2 80 9C, E2 80 9D.
    private static func isTypographicQuote(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index] == 0xE2 && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0x9C || bytes[index + 2] == 0x9D)
    }

    /// The longest record accepted, in bytes (a stray quote must not pull the rest of a file into memory).
    public static var maximumRecordLength: Int { 8 << 20 }

    private mutating func readRecord() throws -> CSVRecord {
        let startLine = lines.lineNumber
        var bytes = lines.line
        // Where each physical line of the record starts, for the line and column of errors.
        var lineStarts = [(offset: 0, line: startLine)]
        var fields: [String] = []
        var typographic = false
        var firstQuoted = false
        // No typographic quote closes a field at or after this offset: a failed search is not repeated.
        var noTypographicCloseFrom = Int.max
        var index = 0
        func text(_ slice: ArraySlice<UInt8>) throws -> String {
            guard let value = String(validating: slice, as: UTF8.self) else {
                throw CSVError(.invalidUTF8, line: startLine, "the record is not valid UTF-8")
            }
            return value
        }
        func error(_ code: CSVError.Code, at byteIndex: Int, _ message: String) -> CSVError {
            let start = lineStarts.last { $0.offset <= byteIndex } ?? lineStarts[0]
            let column = String(decoding: bytes[start.offset..<min(byteIndex, bytes.count)], as: UTF8.self).count + 1
            return CSVError(code, line: start.line, column: column, message)
        }
        /// The closing quote of a field opened by a typographic quote at `opening`, remembering a failed search.
        func typographicClose(openingAt opening: Int) -> Int? {
            guard Self.isTypographicQuote(bytes, at: opening), opening + 3 < noTypographicCloseFrom else { return nil }
            if let close = Self.typographicClose(bytes, from: opening + 3) { return close }
            noTypographicCloseFrom = opening + 3
            return nil
        }
        while true {
            if index < bytes.count, bytes[index] == Self.quote {
                if fields.isEmpty { firstQuoted = true }
                let open = index
                var value: [UInt8] = []
                index += 1
                while true {
                    if index == bytes.count {
                        guard try lines.next() else {
                            throw error(.unterminatedQuote, at: open, "a quoted field is not closed")
                        }
                        guard bytes.count + 1 + lines.line.count <= Self.maximumRecordLength else {
                            throw CSVError(
                                .recordTooLong, line: startLine,
                                "a quoted field runs past \(Self.maximumRecordLength) bytes; is a closing quote missing?")
                        }
                        value.append(0x0A)
                        bytes.append(0x0A)
                        index = bytes.count
                        lineStarts.append((index, lines.lineNumber))
                        bytes.append(contentsOf: lines.line)
                        continue
                    }
                    let byte = bytes[index]
                    if byte == Self.quote {
                        if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                            value.append(Self.quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    value.append(byte)
                    index += 1
                }
                if index < bytes.count, bytes[index] != Self.comma {
                    throw error(.textAfterQuote, at: index, "text after a quoted field's closing quote")
                }
                fields.append(try text(value[...]))
            } else if let close = typographicClose(openingAt: index) {
                typographic = true
                fields.append(try text(bytes[(index + 3)..<close]))
                index = close + 3
            } else {
                let start = index
                while index < bytes.count, bytes[index] != Self.comma { index += 1 }
                fields.append(try text(bytes[start..<index]))
            }
            guard index < bytes.count else { break }
            index += 1
            if index == bytes.count {
                fields.append("")
                break
            }
        }
        return CSVRecord(fields: fields, line: startLine, typographicQuotes: typographic, firstFieldQuoted: firstQuoted)
    }

    /// The index of a typographic quote that closes a field opened at `from`: one followed by a comma or the line end.
    private static func typographicClose(_ bytes: [UInt8], from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            if isTypographicQuote(bytes, at: index), index + 3 == bytes.count || bytes[index + 3] == comma {
                return index
            }
            index += 1
        }
        return nil
    }
}

import ICalendar

/// One CSV record: its fields, the line it starts on, and what was forgiven in reading it.
public struct CSVRecord: Equatable, Sendable {
    /// The fields, unquoted.
    public var fields: [String]
    /// The 1-based line the record starts on (a quoted line break makes a record span lines).
    public var line: Int
    /// Whether a field was quoted with typographic quotes (“…” or ”…”), as text copied from a web page is.
    public var typographicQuotes: Bool
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

    private mutating func readRecord() throws -> CSVRecord {
        let startLine = lines.lineNumber
        var bytes = lines.line
        var fields: [String] = []
        var typographic = false
        var index = 0
        func text(_ slice: ArraySlice<UInt8>, line: Int) throws -> String {
            guard let value = String(validating: slice, as: UTF8.self) else {
                throw CSVError(.invalidUTF8, line: line, "the record is not valid UTF-8")
            }
            return value
        }
        func column(_ byteIndex: Int) -> Int {
            (String(decoding: bytes[..<min(byteIndex, bytes.count)], as: UTF8.self).count) + 1
        }
        while true {
            if index < bytes.count, bytes[index] == Self.quote {
                let open = index
                var value: [UInt8] = []
                index += 1
                while true {
                    if index == bytes.count {
                        guard try lines.next() else {
                            throw CSVError(.unterminatedQuote, line: startLine, column: column(open), "a quoted field is not closed")
                        }
                        value.append(0x0A)
                        bytes.append(0x0A)
                        index = bytes.count
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
                    throw CSVError(
                        .textAfterQuote, line: lines.lineNumber, column: column(index), "text after a quoted field's closing quote")
                }
                fields.append(try text(value[...], line: startLine))
            } else if Self.isTypographicQuote(bytes, at: index), let close = Self.typographicClose(bytes, from: index + 3) {
                typographic = true
                fields.append(try text(bytes[(index + 3)..<close], line: startLine))
                index = close + 3
            } else {
                let start = index
                while index < bytes.count, bytes[index] != Self.comma { index += 1 }
                fields.append(try text(bytes[start..<index], line: startLine))
            }
            guard index < bytes.count else { break }
            index += 1
            if index == bytes.count {
                fields.append("")
                break
            }
        }
        return CSVRecord(fields: fields, line: startLine, typographicQuotes: typographic)
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

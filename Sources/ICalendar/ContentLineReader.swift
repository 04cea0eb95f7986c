/// Reads unfolded content lines from a byte source, one at a time, in bounded memory.
///
/// Accepts a UTF-8 byte-order mark, CRLF, LF or lone CR line ends, and folding by a leading
/// space or tab. Folded pieces are joined as bytes before UTF-8 decoding, so a fold that splits
/// a multi-byte character is read correctly. Blank lines are skipped.
public struct ContentLineReader<Source: ByteSource> {
    /// The longest unfolded content line accepted, in bytes.
    public static var maximumLineLength: Int { 8 << 20 }

    private var lines: LineReader<Source>
    private var logical: [UInt8] = []
    private var logicalLineNumber = 0
    private var hasLogical = false

    /// Creates a reader over `source`.
    public init(_ source: Source, chunkSize: Int = 1 << 16) {
        lines = LineReader(source, chunkSize: chunkSize, maximumLength: Self.maximumLineLength)
        logical.reserveCapacity(256)
    }

    /// The number of physical lines read so far.
    public var linesRead: Int { lines.lineNumber }

    /// Returns the next content line, or nil at the end of the data.
    public mutating func next() throws -> ContentLine? {
        while true {
            guard try lines.next() else {
                guard hasLogical else { return nil }
                hasLogical = false
                return try Self.parse(logical, line: logicalLineNumber)
            }
            let physical = lines.line
            guard let first = physical.first else { continue }
            if (first == 0x20 || first == 0x09) && hasLogical {
                guard logical.count + physical.count <= Self.maximumLineLength else {
                    throw ICalendarError(.lineTooLong, line: logicalLineNumber, "content line longer than \(Self.maximumLineLength) bytes")
                }
                logical.append(contentsOf: physical[1...])
                continue
            }
            let parsed = hasLogical ? try Self.parse(logical, line: logicalLineNumber) : nil
            logical.removeAll(keepingCapacity: true)
            logical.append(contentsOf: physical)
            logicalLineNumber = lines.lineNumber
            hasLogical = true
            if let parsed { return parsed }
        }
    }

    /// Parses one unfolded line: name, parameters (quoted values too) and value.
    static func parse(_ bytes: [UInt8], line: Int) throws -> ContentLine {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ICalendarError(.invalidUTF8, line: line, "content line is not valid UTF-8")
        }
        let utf8 = text.utf8
        var index = utf8.startIndex
        func malformed(_ why: String) -> ICalendarError {
            ICalendarError(.malformedContentLine, line: line, "\(why): \(excerpt(text))")
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                || byte == 0x5F
        }
        func readName() -> String {
            let start = index
            while index < utf8.endIndex, isNameByte(utf8[index]) { index = utf8.index(after: index) }
            return String(text[start..<index]).asciiUppercased
        }
        let name = readName()
        guard !name.isEmpty else { throw malformed("content line has no name") }
        var parameters: [Parameter] = []
        while index < utf8.endIndex, utf8[index] == UInt8(ascii: ";") {
            index = utf8.index(after: index)
            let parameterName = readName()
            guard !parameterName.isEmpty, index < utf8.endIndex, utf8[index] == UInt8(ascii: "=") else {
                throw malformed("malformed parameter")
            }
            index = utf8.index(after: index)
            var values: [String] = []
            while true {
                if index < utf8.endIndex, utf8[index] == UInt8(ascii: "\"") {
                    let start = utf8.index(after: index)
                    guard let close = utf8[start...].firstIndex(of: UInt8(ascii: "\"")) else {
                        throw malformed("unterminated quoted parameter value")
                    }
                    values.append(String(text[start..<close]))
                    index = utf8.index(after: close)
                } else {
                    let start = index
                    while index < utf8.endIndex {
                        let byte = utf8[index]
                        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") { break }
                        index = utf8.index(after: index)
                    }
                    values.append(String(text[start..<index]))
                }
                guard index < utf8.endIndex, utf8[index] == UInt8(ascii: ",") else { break }
                index = utf8.index(after: index)
            }
            parameters.append(Parameter(name: parameterName, values: ParameterValue.decodingCarets(values)))
        }
        guard index < utf8.endIndex, utf8[index] == UInt8(ascii: ":") else {
            throw malformed("content line has no ':' after its name")
        }
        let value = String(text[utf8.index(after: index)...])
        return ContentLine(name: name, parameters: parameters, value: value, line: line)
    }
}

/// The start of `text`, cut to a length fit for an error message.
func excerpt(_ text: String, limit: Int = 80) -> String {
    text.count > limit ? String(text.prefix(limit)) + "…" : text
}

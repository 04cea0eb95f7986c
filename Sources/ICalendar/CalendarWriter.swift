/// Writes content lines and components as iCalendar data (RFC 5545 §3.1) to a byte sink.
///
/// Lines end in CRLF and are folded by CRLF and a space so that no physical line is longer than
/// 75 octets, never inside a UTF-8 character. Parameter values are caret-encoded (RFC 6868) and
/// quoted where needed. Property values are written as they are, so a TEXT value must already be
/// escaped (`TextValue.escape`). Each content line goes to the sink as soon as it is written, so a
/// calendar of any size is written in bounded memory; call `flush()` at the end.
public struct CalendarWriter<Sink: ByteSink> {
    /// The longest physical line written, in octets, its CRLF not counted.
    public static var maximumLineLength: Int { 75 }

    /// Where the bytes go.
    public private(set) var sink: Sink
    private var unfolded: [UInt8] = []
    private var folded: [UInt8] = []

    /// Creates a writer to `sink`.
    public init(_ sink: Sink) {
        self.sink = sink
        unfolded.reserveCapacity(256)
        folded.reserveCapacity(256)
    }

    /// Writes one content line: `NAME;PARAM=value,value:VALUE`.
    ///
    /// A parameter with no values is written as `NAME=`, which reads back as one empty value.
    /// Throws `unwritableContentLine` when the name or a parameter name is empty or holds other
    /// than letters, digits, `-` and `_`, or the value holds a CR or LF; and whatever the sink throws.
    public mutating func write(_ line: ContentLine) throws {
        unfolded.removeAll(keepingCapacity: true)
        try append(name: line.name, of: line)
        for parameter in line.parameters {
            unfolded.append(UInt8(ascii: ";"))
            try append(name: parameter.name, of: line)
            unfolded.append(UInt8(ascii: "="))
            for (index, value) in parameter.values.enumerated() {
                if index > 0 { unfolded.append(UInt8(ascii: ",")) }
                unfolded.append(contentsOf: ParameterValue.encoded(value).utf8)
            }
        }
        unfolded.append(UInt8(ascii: ":"))
        try append(value: line.value, of: line.name, line: line.line)
        try emitFolded()
    }

    /// Writes a component: its `BEGIN`, its properties, its components in turn, and its `END`.
    ///
    /// Throws `unwritableContentLine` for a component name that is empty or holds a line break, or a
    /// property named `BEGIN` or `END`, besides what `write(_:)` throws for a content line.
    public mutating func write(_ component: Component) throws {
        try writeDelimiter("BEGIN", component.name, line: component.line)
        try write(properties: component.properties, of: component.name)
        for child in component.components { try write(child) }
        try writeDelimiter("END", component.name, line: component.line)
    }

    /// Starts a VCALENDAR: writes `BEGIN:VCALENDAR` and the calendar's properties (`VERSION`, `PRODID` …).
    public mutating func beginCalendar(properties: [ContentLine]) throws {
        try writeDelimiter("BEGIN", "VCALENDAR", line: 0)
        try write(properties: properties, of: "VCALENDAR")
    }

    /// Ends the VCALENDAR begun by `beginCalendar(properties:)`.
    public mutating func endCalendar() throws {
        try writeDelimiter("END", "VCALENDAR", line: 0)
    }

    /// Writes a whole VCALENDAR: its properties, then the components, read from the sequence one at a time.
    public mutating func writeCalendar(properties: [ContentLine], components: some Sequence<Component>) throws {
        try beginCalendar(properties: properties)
        for component in components { try write(component) }
        try endCalendar()
    }

    /// Hands every byte the sink holds back to its destination.
    public mutating func flush() throws {
        try sink.flush()
    }

    /// Writes properties of a component, refusing any that would open or close a component.
    private mutating func write(properties: [ContentLine], of component: String) throws {
        for property in properties {
            guard property.name.asciiUppercased != "BEGIN" && property.name.asciiUppercased != "END" else {
                throw ICalendarError(
                    .unwritableContentLine, line: property.line, "a property of \(excerpt(component)) is named \(property.name)")
            }
            try write(property)
        }
    }

    /// Writes `BEGIN:name` or `END:name`.
    private mutating func writeDelimiter(_ keyword: String, _ name: String, line: Int) throws {
        guard !name.isEmpty else {
            throw ICalendarError(.unwritableContentLine, line: line, "a component has no name")
        }
        unfolded.removeAll(keepingCapacity: true)
        unfolded.append(contentsOf: keyword.utf8)
        unfolded.append(UInt8(ascii: ":"))
        try append(value: name, of: keyword, line: line)
        try emitFolded()
    }

    /// Appends a property or parameter name, which must be a non-empty run of letters, digits, `-` and `_`.
    private mutating func append(name: String, of line: ContentLine) throws {
        guard !name.isEmpty, name.utf8.allSatisfy(isNameByte) else {
            throw ICalendarError(
                .unwritableContentLine, line: line.line, "\(excerpt(name).debugDescription) is not a name in \(excerpt(line.name))")
        }
        unfolded.append(contentsOf: name.utf8)
    }

    /// Appends a value, which must not hold a line break.
    private mutating func append(value: String, of name: String, line: Int) throws {
        guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
            throw ICalendarError(.unwritableContentLine, line: line, "the value of \(excerpt(name)) holds a line break")
        }
        unfolded.append(contentsOf: value.utf8)
    }

    /// Folds the unfolded line into physical lines of at most 75 octets and hands them to the sink.
    private mutating func emitFolded() throws {
        let crlf: [UInt8] = [0x0D, 0x0A]
        guard unfolded.count > Self.maximumLineLength else {
            unfolded.append(contentsOf: crlf)
            try unfolded.withUnsafeBytes { try sink.write($0) }
            return
        }
        folded.removeAll(keepingCapacity: true)
        var start = 0
        var room = Self.maximumLineLength
        while unfolded.count - start > room {
            var end = start + room
            while unfolded[end] & 0xC0 == 0x80 { end -= 1 }
            folded.append(contentsOf: unfolded[start..<end])
            folded.append(contentsOf: crlf)
            folded.append(0x20)
            start = end
            room = Self.maximumLineLength - 1
        }
        folded.append(contentsOf: unfolded[start...])
        folded.append(contentsOf: crlf)
        try folded.withUnsafeBytes { try sink.write($0) }
    }
}

extension CalendarWriter where Sink == BufferByteSink {
    /// Creates a writer that collects its bytes in memory.
    public init() {
        self.init(BufferByteSink())
    }

    /// Everything written so far.
    public var bytes: [UInt8] { sink.bytes }
}

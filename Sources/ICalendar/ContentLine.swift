/// One unfolded iCalendar content line: `NAME;PARAM=value:VALUE`.
public struct ContentLine: Equatable, Sendable {
    /// The property or keyword name, upper-cased (`DTSTART`, `BEGIN`, `X-KALTURA-ID`).
    public var name: String
    /// The parameters in file order; names upper-cased, values unquoted and caret-decoded.
    public var parameters: [Parameter]
    /// The 1-based physical line where the content line starts.
    public var line: Int
    private var storage: Storage

    /// Where the value is kept: as a string, or as bytes in the buffer of the component it was read in.
    private enum Storage: Sendable {
        case text(String)
        case shared(ValueBytes, offset: Int32, count: Int32)
    }

    /// The raw value after the first unquoted `:`, not unescaped.
    public var value: String {
        get {
            switch storage {
            case .text(let text): text
            case .shared(let buffer, let offset, let count):
                buffer.withBytes(offset: offset, count: count) { String(decoding: $0, as: UTF8.self) }
            }
        }
        set { storage = .text(newValue) }
    }

    /// Creates a content line.
    public init(name: String, parameters: [Parameter] = [], value: String, line: Int = 0) {
        self.name = name
        self.parameters = parameters
        self.line = line
        storage = .text(value)
    }

    /// Creates a content line whose value is the `count` bytes at `offset` of `buffer` (valid UTF-8).
    init(name: String, parameters: [Parameter], value buffer: ValueBytes, offset: Int32, count: Int32, line: Int) {
        self.name = name
        self.parameters = parameters
        self.line = line
        storage = .shared(buffer, offset: offset, count: count)
    }

    /// Calls `body` with the UTF-8 bytes of the value, without making a string when the line was read from a file.
    func withValueBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        switch storage {
        case .text(var text): try text.withUTF8(body)
        case .shared(let buffer, let offset, let count): try buffer.withBytes(offset: offset, count: count, body)
        }
    }

    /// Whether the lines have the same name, parameters, value and line number, however their values are kept.
    public static func == (lhs: ContentLine, rhs: ContentLine) -> Bool {
        lhs.name == rhs.name && lhs.line == rhs.line && lhs.parameters == rhs.parameters
            && lhs.withValueBytes { left in rhs.withValueBytes { right in left.elementsEqual(right) } }
    }

    /// Whether the line's name is `upperCased`, which must be upper-case; lengths are compared first, as most names differ in length.
    @inline(__always) func hasName(_ upperCased: String) -> Bool {
        name.utf8.count == upperCased.utf8.count && name == upperCased
    }

    /// The first value of the parameter `name` (case-insensitive), if present.
    public func parameter(_ name: String) -> String? {
        parameter(upperCased: name.asciiUppercased)
    }

    /// The first value of the parameter `name`, which must be upper-case, if present.
    func parameter(upperCased name: String) -> String? {
        for index in parameters.indices where parameters[index].name == name { return parameters[index].values.first }
        return nil
    }
}

/// A property parameter: a name and one or more values (`MEMBER="a","b"`).
public struct Parameter: Equatable, Sendable {
    /// The parameter name, upper-cased.
    public var name: String
    /// The values, with surrounding quotes removed and RFC 6868 carets decoded (`^n` is a line feed).
    public var values: [String]

    /// Creates a parameter.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

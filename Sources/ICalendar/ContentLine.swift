/// One unfolded iCalendar content line: `NAME;PARAM=value:VALUE`.
public struct ContentLine: Equatable, Sendable {
    /// The property or keyword name, upper-cased (`DTSTART`, `BEGIN`, `X-KALTURA-ID`).
    public var name: String
    /// The parameters in file order; names upper-cased, values unquoted and caret-decoded.
    public var parameters: [Parameter]
    /// The raw value after the first unquoted `:`, not unescaped.
    public var value: String
    /// The 1-based physical line where the content line starts.
    public var line: Int

    /// Creates a content line.
    public init(name: String, parameters: [Parameter] = [], value: String, line: Int = 0) {
        self.name = name
        self.parameters = parameters
        self.value = value
        self.line = line
    }

    /// The first value of the parameter `name` (case-insensitive), if present.
    public func parameter(_ name: String) -> String? {
        let wanted = name.asciiUppercased
        return parameters.first { $0.name == wanted }?.values.first
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

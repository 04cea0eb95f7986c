extension FileKind {
    /// The file name extensions of this kind, lower case and without the dot; the first is the one a name is given
    /// when it has none of them.
    public var extensions: [String] {
        switch self {
        case .ical: ["ics", "ical"]
        case .resourceCsv: ["csv"]
        }
    }

    /// The extension, with its dot, that a file of this kind is given when its name lacks one of `extensions`: `.ics`.
    public var defaultSuffix: String { "." + extensions[0] }

    /// The kind of a file by its name's extension (in any case); a name without a known extension is read as iCalendar.
    public init(path: String) {
        self = Self.allCases.first { $0.matches(path) } ?? .ical
    }

    /// Whether `name` ends in one of this kind's extensions, in any case.
    public func matches(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return extensions.contains { lowered.hasSuffix("." + $0) }
    }
}

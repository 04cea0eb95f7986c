#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which names of a folder are ingested, which are ignored, and which are none of our business.
///
/// Patterns are shell globs matched case-insensitively against the whole name.
public struct NamePatterns: Equatable, Sendable {
    /// The patterns of names to ingest.
    public static let defaultInclude = ["*.ics", "*.ical", "*.csv"]
    /// The patterns of names that are being uploaded or are hidden, and never ingested.
    public static let defaultIgnore = [".*", "*.part", "*.tmp", "*.filepart", "*.crdownload"]

    /// The patterns of names to ingest.
    public var include: [String]
    /// The patterns of names to ignore, checked first.
    public var ignore: [String]

    /// Creates name patterns.
    public init(include: [String] = defaultInclude, ignore: [String] = defaultIgnore) {
        self.include = include
        self.ignore = ignore
    }

    /// How a name is treated.
    public enum Verdict: Equatable, Sendable {
        /// Matches an include pattern and no ignore pattern.
        case ingest
        /// Matches an ignore pattern: recorded as ignored, never ingested.
        case ignore
        /// Matches no pattern: not looked at.
        case skip
    }

    /// The verdict for `name`.
    public func verdict(for name: String) -> Verdict {
        let lowered = name.lowercased()
        if ignore.contains(where: { Self.matches($0, lowered) }) { return .ignore }
        return include.contains(where: { Self.matches($0, lowered) }) ? .ingest : .skip
    }

    private static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern.lowercased(), name, 0) == 0
    }
}

import Foundation
import Logging

/// A log handler that writes one line per event to standard error: JSON for machines, logfmt for people.
///
/// Each line is written with a single `write`, so lines from several threads never interleave.
/// Metadata of the logger, of its provider and of the call are merged, the call's winning.
struct LineLogHandler: LogHandler {
    /// How lines are written.
    enum Format: String, Decodable {
        /// One JSON object per line (journald, log shippers).
        case json
        /// `key=value` pairs, readable on a terminal.
        case logfmt
        /// logfmt on a terminal, JSON otherwise.
        case auto

        /// The concrete format for this process's standard error.
        var resolved: Format {
            self == .auto ? (isatty(STDERR_FILENO) == 1 ? .logfmt : .json) : self
        }
    }

    let label: String
    let format: Format
    /// Whether each line starts with its syslog priority (`<6>`), as journald reads it from a service's output.
    let journalPriorities: Bool
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler; priorities are prefixed when standard error is systemd's journal (`$JOURNAL_STREAM` set).
    init(label: String, format: Format, level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.format = format.resolved
        self.logLevel = level
        self.journalPriorities = !(environment["JOURNAL_STREAM"] ?? "").isEmpty
    }

    /// The syslog priority of a level, as sd-daemon(3) prefixes it.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let line =
            format == .json
            ? Self.json(time: time, level: event.level, message: "\(event.message)", metadata: merged)
            : Self.logfmt(time: time, level: event.level, message: "\(event.message)", metadata: merged)
        let prefix = journalPriorities ? "<\(Self.priority(event.level))>" : ""
        var bytes = Array((prefix + line + "\n").utf8)
        bytes.withUnsafeMutableBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static func json(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var fields = ["\"ts\":\(quoted(time))", "\"level\":\(quoted(level.rawValue))", "\"msg\":\(quoted(message))"]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append("\(quoted(key)):\(quoted("\(value)"))")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func logfmt(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var fields = ["ts=\(time)", "level=\(level.rawValue)", "msg=\(logfmtValue(message))"]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append("\(key)=\(logfmtValue("\(value)"))")
        }
        return fields.joined(separator: " ")
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func logfmtValue(_ text: String) -> String {
        text.isEmpty || text.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }) ? quoted(text) : text
    }
}

import Logging
import Synchronization

/// A log handler that keeps every line logged through it, its copies included: its message and metadata.
public struct LogRecorder: LogHandler {
    private final class Lines: Sendable {
        let all = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
    }
    private let lines = Lines()
    /// Metadata given to every line.
    public var metadata: Logger.Metadata = [:]
    /// Every level is kept.
    public var logLevel: Logger.Level = .trace

    /// A recorder with no line yet.
    public init() {}

    /// A logger whose every line this recorder keeps.
    public var logger: Logger { Logger(label: "test") { _ in self } }

    /// One item of `metadata`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Keeps the line.
    public func log(event: LogEvent) {
        lines.all.withLock { $0.append((event.message.description, metadata.merging(event.metadata ?? [:]) { $1 })) }
    }

    /// The metadata of every line logged with `message`, in order.
    public func lines(_ message: String) -> [Logger.Metadata] {
        lines.all.withLock { $0.filter { $0.message == message }.map(\.metadata) }
    }
}

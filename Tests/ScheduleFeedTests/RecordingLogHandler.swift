import Logging
import Synchronization

/// A log handler that keeps each line (message and metadata), for tests that read what was logged.
struct RecordingLogHandler: LogHandler {
    /// The lines logged, shared by the copies of the handler.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    let recorded: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = "\(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })"
        recorded.lines.withLock { $0.append(line) }
    }
}

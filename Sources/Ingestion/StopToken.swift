import Synchronization

/// Asks one watcher to stop: it finishes the job in hand, starts no other, and returns.
public final class StopToken: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// Creates a token not yet stopped.
    public init() {}

    /// Asks the watcher to stop.
    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Whether the watcher was asked to stop.
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

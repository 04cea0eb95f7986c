import Synchronization

/// Asks one watcher to stop: it finishes the job in hand, starts no other, and returns.
public final class StopToken: Sendable {
    private let state = Mutex<(stopped: Bool, handlers: [@Sendable () -> Void])>((false, []))

    /// Creates a token not yet stopped.
    public init() {}

    /// Asks the watcher to stop, and runs what it asked to be told.
    public func stop() {
        let handlers = state.withLock { state in
            defer { state = (true, []) }
            return state.stopped ? [] : state.handlers
        }
        handlers.forEach { $0() }
    }

    /// Whether the watcher was asked to stop.
    public var isStopped: Bool { state.withLock { $0.stopped } }

    /// Runs `handler` when the token is stopped, or now if it is already.
    func onStop(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if !state.stopped { state.handlers.append(handler) }
            return state.stopped
        }
        if now { handler() }
    }
}

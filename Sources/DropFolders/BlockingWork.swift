import Dispatch

/// Runs blocking work (file copies, hashing, fsync) on threads of its own, never on Swift's cooperative pool,
/// whose few threads (one per core) must stay free for the watchers of every folder.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "scheduledrop.blocking", attributes: .concurrent)

    /// Runs `body` on a blocking-work thread and returns its result.
    @discardableResult
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

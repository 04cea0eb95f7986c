import Foundation

/// Runs blocking `body` (starting or stopping a server, running a client) on a thread of its own and waits for it
/// without holding one of Swift's few cooperative threads, which tests running beside it need to make progress.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

import Testing

/// Waits until `condition` holds, checking every 20 ms; records an issue naming `what` and throws after `timeout`.
///
/// The default bound is generous (two minutes): it only says when to give up. With the whole suite in parallel on
/// two cores beside other work, tests that need the cooperative pool were once held up for more than 30 s.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

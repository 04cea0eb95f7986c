import Logging
import Schedule
import Synchronization
import TestSupport
import Testing

@testable import Ingestion

/// A count shared between tasks.
private final class Tally: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// Counts the log lines with one message.
private struct MessageCounter: LogHandler {
    let message: String
    let tally: Tally
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.message.description == message { tally.increment() }
    }
}

@Suite struct HorizonExtenderClockTests {
    @Test func theHorizonIsExtendedAtStartThenOnceEveryIntervalOnTheClock() async throws {
        let harness = try Harness()
        let passes = Tally()
        let extender = HorizonExtender(
            store: harness.store, limits: EventLimits(), interval: .seconds(3600),
            logger: Logger(label: "test") { _ in MessageCounter(message: "series horizon extended", tally: passes) },
            clock: harness.clock)
        let running = Task { try await extender.run() }
        defer { running.cancel() }
        try await waitUntil("the first pass") { passes.value == 1 }
        try await harness.idle()
        await harness.clock.advance(by: .seconds(3599))
        try await harness.idle()
        #expect(passes.value == 1, "not again before the interval")
        await harness.clock.advance(by: .seconds(1))
        try await waitUntil("the second pass, an interval after the first") { passes.value == 2 }
    }
}

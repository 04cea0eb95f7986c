import Logging
import Schedule
import TestSupport
import Testing

@testable import Ingestion

@Suite struct HorizonExtenderClockTests {
    @Test func theHorizonIsExtendedAtStartThenOnceEveryIntervalOnTheClock() async throws {
        let harness = try Harness()
        let logs = LogRecorder()
        let extender = HorizonExtender(
            store: harness.store, limits: EventLimits(), interval: .seconds(3600),
            logger: logs.logger,
            clock: harness.clock)
        let running = Task { try await extender.run() }
        defer { running.cancel() }
        try await waitUntil("the first pass") { logs.lines("series horizon extended").count == 1 }
        try await harness.idle()
        await harness.clock.advance(by: .seconds(3599))
        try await harness.idle()
        #expect(logs.lines("series horizon extended").count == 1, "not again before the interval")
        await harness.clock.advance(by: .seconds(1))
        try await waitUntil("the second pass, an interval after the first") { logs.lines("series horizon extended").count == 2 }
    }
}

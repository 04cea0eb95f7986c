import Clocks
import Foundation
import ICalendar
import Logging
import Schedule
import ScheduleStore
import ServiceLifecycle

/// Keeps the occurrences of every active series materialized up to the horizon as time passes.
///
/// At start and then every `interval`, each active series is expanded again from its stored source
/// (master, overrides and VTIMEZONEs), read as when it was ingested (its partner, its type, the zone
/// its floating times were read in), and its occurrences brought up to `now + horizon` by the same
/// matching a re-ingest uses: nothing is duplicated, and an unchanged occurrence is not rewritten.
/// Series are taken 100 to a transaction, so ingestion jobs wait at most one batch. A series that
/// can no longer be expanded within the limits (an endless series that would pass the most
/// occurrences) is left as it is, with a warning in the log.
public struct HorizonExtender: Service {
    /// The store whose series are extended.
    public let store: any ScheduleWriting & LeaseHolding
    /// The limits and the horizon.
    public let limits: EventLimits
    /// How often the extension runs.
    public let interval: Duration
    /// Where the outcome of each pass goes.
    public let logger: Logger
    /// The clock the waits between passes are on.
    private let clock: AnyClock<Duration>

    /// What one pass did.
    public struct Summary: Equatable, Sendable {
        /// Series expanded.
        public var series = 0
        /// Occurrences added.
        public var added = 0
        /// Series left as they were because they could not be expanded.
        public var failed = 0
    }

    /// Creates an extender that waits `interval` on `clock` between passes.
    public init(
        store: any ScheduleWriting & LeaseHolding, limits: EventLimits, interval: Duration, logger: Logger,
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.store = store
        self.limits = limits
        self.interval = interval
        self.logger = logger
        self.clock = AnyClock(clock)
    }

    /// Extends at once, then every `interval` until graceful shutdown or cancellation. In a fleet of daemons on one
    /// store, the daemon that holds the `horizon` lease extends (for an interval and a minute, renewed each pass), the
    /// others skip their passes: the work is done once per fleet, and taken over when its daemon dies.
    public func run() async throws {
        let lease = (interval.wholeMilliseconds + 999) / 1000 + 60
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if try await store.hold("horizon", for: lease) {
                    let summary = try await extend(now: Int64(Date().timeIntervalSince1970))
                    logger.info(
                        "series horizon extended",
                        metadata: ["series": "\(summary.series)", "added": "\(summary.added)", "failed": "\(summary.failed)"])
                }
            } catch {
                logger.error("series horizon not extended", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }

    /// Brings every active series' occurrences up to `now + horizon` and says what it did.
    public func extend(now: Int64) async throws -> Summary {
        var summary = Summary()
        var after: Int64 = 0
        while true {
            let limits = self.limits
            let logger = self.logger
            let from = after
            let (last, batch) = try await store.write { transaction in
                let writer = EventWriter(transaction: transaction)
                var batch = Summary()
                let series = try transaction.series(after: from, limit: 100)
                for stored in series {
                    do {
                        batch.added += try Self.extend(stored, now: now, limits: limits, writer: writer).added
                        batch.series += 1
                    } catch {
                        let reason = ValidationError(describing: error)
                        batch.failed += 1
                        logger.warning(
                            "series not extended",
                            metadata: [
                                "event": "\(stored.id ?? 0)", "partner": "\(stored.partnerId)", "uid": "\(stored.referenceId)",
                                "code": "\(reason.code)", "message": "\(reason.message)",
                            ])
                    }
                }
                return (series.last?.id, batch)
            }
            summary.series += batch.series
            summary.added += batch.added
            summary.failed += batch.failed
            guard let last else { return summary }
            after = last
        }
    }

    /// Expands one stored series to the horizon and writes its occurrences.
    static func extend(_ stored: ScheduleEvent, now: Int64, limits: EventLimits, writer: EventWriter) throws -> OccurrenceCounts {
        guard let id = stored.id, let text = stored.source else { return OccurrenceCounts() }
        let source = try SeriesSource(text)
        guard let master = source.master else { return OccurrenceCounts() }
        var zones = ZoneResolver()
        source.register(into: &zones)
        let floating = stored.timeZoneID.flatMap { $0.hasPrefix("floating:") ? TimeZone(identifier: String($0.dropFirst(9))) : nil }
        let mapper = VEventMapper(
            partnerId: stored.partnerId, defaultType: stored.type, floatingZone: floating ?? TimeZone(identifier: "UTC")!, limits: limits)
        let occurrences = try writer.transaction.occurrences(seriesId: id)
        let horizonEnd = limits.horizonEnd(now: now, stored: occurrences)
        let plan = try SeriesBuilder(mapper: mapper).build(
            master: master, overrides: source.overrides, calendarProperties: [], timeZones: source.timeZones, horizonEnd: horizonEnd,
            zones: &zones)
        return try writer.applyOccurrences(plan.occurrences, seriesId: id, stored: occurrences).counts
    }
}

/// The bounds a partner's events must keep, as Kaltura's (SPEC §3.1), and how far ahead series are materialized.
public struct EventLimits: Equatable, Sendable {
    /// The longest a single event or an occurrence may last, in seconds (24 hours).
    public var maximumEventDuration: Int64
    /// The longest a series may span from its first instance to the start of its last, in seconds (2 years: 731 days).
    public var maximumSeriesSpan: Int64
    /// The most occurrences materialized for one series (1,000).
    public var maximumOccurrences: Int
    /// How far ahead of now the occurrences of series are materialized, in seconds (365 days).
    public var horizon: Int64

    /// Where a series' occurrences are materialized up to at `now`: the horizon, or past the latest
    /// occurrence already stored, so that a shorter horizon never drops what is stored.
    public func horizonEnd(now: Int64, stored: [ScheduleEvent]) -> Int64 {
        max(now + horizon, (stored.map(\.startDate).max() ?? .min) + 1)
    }

    /// Creates limits; each has Kaltura's default.
    public init(
        maximumEventDuration: Int64 = 86_400, maximumSeriesSpan: Int64 = 731 * 86_400, maximumOccurrences: Int = 1_000,
        horizon: Int64 = 365 * 86_400
    ) {
        self.maximumEventDuration = maximumEventDuration
        self.maximumSeriesSpan = maximumSeriesSpan
        self.maximumOccurrences = maximumOccurrences
        self.horizon = horizon
    }
}

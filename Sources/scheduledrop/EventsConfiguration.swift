import Foundation
import Schedule

/// The limits every partner's events keep, and how series are materialized (the `events` section).
struct EventsConfiguration: Decodable, CustomStringConvertible {
    /// The longest single event or occurrence, in hours.
    var maxEventHours = 24.0
    /// The longest span of a series, in days.
    var maxSeriesDays = 731.0
    /// The most occurrences materialized per series.
    var maxOccurrences = 1_000
    /// How far ahead occurrences are materialized, in days; at most `maxSeriesDays`.
    var horizonDays = 365.0
    /// How often the horizon is moved forward, in hours.
    var horizonRefreshHours = 24.0

    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxEventHours, maxSeriesDays, maxOccurrences, horizonDays, horizonRefreshHours
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxEventHours = try container.decodeIfPresent(Double.self, forKey: .maxEventHours) ?? maxEventHours
        maxSeriesDays = try container.decodeIfPresent(Double.self, forKey: .maxSeriesDays) ?? maxSeriesDays
        maxOccurrences = try container.decodeIfPresent(Int.self, forKey: .maxOccurrences) ?? maxOccurrences
        horizonDays = try container.decodeIfPresent(Double.self, forKey: .horizonDays) ?? horizonDays
        horizonRefreshHours = try container.decodeIfPresent(Double.self, forKey: .horizonRefreshHours) ?? horizonRefreshHours
    }

    /// The problems of the values, with their paths under `events`.
    func problems() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func problem(_ key: CodingKeys, _ message: String) {
            problems.append(ConfigurationError(path: "events." + key.stringValue, message: message))
        }
        if !(maxEventHours > 0) { problem(.maxEventHours, "must be more than 0 hours") }
        if !(maxSeriesDays > 0) { problem(.maxSeriesDays, "must be more than 0 days") }
        if maxOccurrences <= 0 { problem(.maxOccurrences, "must be at least 1") }
        if !(horizonDays > 0 && horizonDays <= maxSeriesDays) {
            problem(.horizonDays, "must be more than 0 days and at most maxSeriesDays")
        }
        if !(horizonRefreshHours > 0) { problem(.horizonRefreshHours, "must be more than 0 hours") }
        return problems
    }

    /// The limits in force; call only when `problems` is empty.
    var limits: EventLimits {
        EventLimits(
            maximumEventDuration: Int64(maxEventHours * 3_600), maximumSeriesSpan: Int64(maxSeriesDays * 86_400),
            maximumOccurrences: maxOccurrences, horizon: Int64(horizonDays * 86_400))
    }

    /// How often the horizon moves.
    var refreshInterval: Duration { .milliseconds(Int64(horizonRefreshHours * 3_600_000)) }

    var description: String {
        "events(\(maxEventHours)h, \(maxSeriesDays)d, \(maxOccurrences), \(horizonDays)d, \(horizonRefreshHours)h)"
    }
}

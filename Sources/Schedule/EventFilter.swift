/// Which events a listing selects: Kaltura's `KalturaScheduleEventFilter` fields (SPEC §6), all optional, all combined.
///
/// Deleted events are never selected. A time below 315,532,800 (1980) is relative to now, as
/// Kaltura reads it (`0` now, `60` a minute ahead, `-60` a minute ago); `resolvingRelativeTimes`
/// turns such times into instants.
public struct EventFilter: Hashable, Sendable {
    /// Start at or after (seconds since 1970).
    public var startDateGreaterThanOrEqual: Int64?
    /// Start at or before.
    public var startDateLessThanOrEqual: Int64?
    /// End at or after.
    public var endDateGreaterThanOrEqual: Int64?
    /// End at or before.
    public var endDateLessThanOrEqual: Int64?
    /// Last changed at or after.
    public var updatedAtGreaterThanOrEqual: Int64?
    /// Last changed at or before.
    public var updatedAtLessThanOrEqual: Int64?
    /// First stored at or after.
    public var createdAtGreaterThanOrEqual: Int64?
    /// The reference id (UID) is one of these (`referenceIdEqual` is a list of one).
    public var referenceIdIn: [String]?
    /// The id is one of these.
    public var idIn: [Int64]?
    /// The parent (series) id is one of these.
    public var parentIdIn: [Int64]?
    /// The status is one of these (deleted is never listed).
    public var statusIn: [EventStatus]?
    /// The recurrence type is one of these: series and single events, or single events and occurrences.
    public var recurrenceTypeIn: [RecurrenceType]?
    /// The template entry id.
    public var templateEntryIdEqual: String?
    /// Uses at least one of these resources.
    public var resourceIdsMatchOr: [Int64]?
    /// Is in at least one of these categories.
    public var categoryIdsMatchOr: [Int64]?
    /// The tags contain this text.
    public var tagsLike: String?

    /// A filter that selects every listed event.
    public init() {}

    /// The earliest time Kaltura reads as absolute: 1980-01-01 UTC.
    public static var relativeTimeLimit: Int64 { 315_532_800 }

    /// The filter with every relative time (below 1980) made absolute from `now`.
    public func resolvingRelativeTimes(now: Int64) -> EventFilter {
        func resolve(_ time: Int64?) -> Int64? {
            time.map { $0 < Self.relativeTimeLimit ? now + $0 : $0 }
        }
        var resolved = self
        resolved.startDateGreaterThanOrEqual = resolve(startDateGreaterThanOrEqual)
        resolved.startDateLessThanOrEqual = resolve(startDateLessThanOrEqual)
        resolved.endDateGreaterThanOrEqual = resolve(endDateGreaterThanOrEqual)
        resolved.endDateLessThanOrEqual = resolve(endDateLessThanOrEqual)
        resolved.updatedAtGreaterThanOrEqual = resolve(updatedAtGreaterThanOrEqual)
        resolved.updatedAtLessThanOrEqual = resolve(updatedAtLessThanOrEqual)
        resolved.createdAtGreaterThanOrEqual = resolve(createdAtGreaterThanOrEqual)
        return resolved
    }
}

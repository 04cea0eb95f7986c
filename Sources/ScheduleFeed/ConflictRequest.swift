import Schedule

/// The parameters of `scheduleEvent.getConflicts(resourceIds, scheduleEvent, scheduleEventIdToIgnore,
/// scheduleEventConflictType)`, as Kaltura's clients send them.
///
/// Of `scheduleEvent` only the time is read: `startDate` and `endDate` (or `duration`), below 1980 relative to now;
/// its other fields do not change what clashes and are left alone. A series (`recurrenceType` 1) is refused: its
/// `recurrence` object is not expanded here.
public struct ConflictRequest: Equatable, Sendable {
    /// The resources to look on (`resourceIds`, comma-separated; required, as Kaltura requires it).
    public var resourceIds: [Int64]
    /// The start of the event's time (`scheduleEvent:startDate`).
    public var start: Int64
    /// The end of the event's time (`scheduleEvent:endDate`, or the start plus `scheduleEvent:duration`).
    public var end: Int64
    /// An event left out with its occurrences (`scheduleEventIdToIgnore`): the one being edited.
    public var ignoring: Int64?
    /// Which clashes to look for (`scheduleEventConflictType`: 1 resources, the default; 2 blackouts; 3 both).
    public var kinds: ConflictKinds

    /// The request of `parameters`; throws `feed.invalidParameter` naming what is missing or unreadable.
    public init(_ parameters: KalturaParameters, maximumListValues: Int = FeedLimits().maximumListValues) throws(FeedError) {
        var call = FieldReader(parameters.values, object: "getConflicts", maximumListValues: maximumListValues)
        guard let resources = try call.numbers("resourceIds"), !resources.isEmpty else {
            throw FeedError(.invalidParameter, "resourceIds must not be empty: the comma-separated resources to look on")
        }
        resourceIds = resources
        ignoring = try call.number("scheduleEventIdToIgnore")
        let kind = try call.number("scheduleEventConflictType") ?? Int64(ConflictKinds.resources.rawValue)
        guard (1...3).contains(kind) else {
            throw FeedError(.invalidParameter, "scheduleEventConflictType is \(kind); it is 1 (resources), 2 (blackouts) or 3 (both)")
        }
        kinds = ConflictKinds(rawValue: Int(kind))
        var event = FieldReader(parameters.fields(of: "scheduleEvent"), object: "scheduleEvent", maximumListValues: maximumListValues)
        if try event.number("recurrenceType") == Int64(RecurrenceType.recurring.rawValue) {
            throw FeedError(.invalidParameter, "scheduleEvent is a series (recurrenceType 1); ask for the conflicts of each occurrence")
        }
        guard let start = try event.number("startDate") else {
            throw FeedError(.invalidParameter, "scheduleEvent:startDate is required")
        }
        let duration = try event.number("duration")
        guard let end = try event.number("endDate") ?? duration.map({ start + $0 }) else {
            throw FeedError(.invalidParameter, "scheduleEvent needs an endDate or a duration")
        }
        self.start = start
        self.end = end
    }

    /// The request with a start or end below 1980 made absolute from `now`.
    public func resolvingRelativeTimes(now: Int64) -> ConflictRequest {
        var resolved = self
        resolved.start = EventFilter.absolute(start, now: now)
        resolved.end = EventFilter.absolute(end, now: now)
        return resolved
    }
}

/// A schedule event's use of a resource: Kaltura's `KalturaScheduleEventResource`.
///
/// A link has no times of its own: its `createdAt` and `updatedAt` are its event's.
public struct EventResourceLink: Equatable, Sendable {
    /// The event.
    public var eventId: Int64
    /// The resource it uses.
    public var resourceId: Int64
    /// The partner of both.
    public var partnerId: Int
    /// When the event was first committed, in seconds since 1970.
    public var createdAt: Int64
    /// When the event last changed, in seconds since 1970.
    public var updatedAt: Int64

    /// Creates a link.
    public init(eventId: Int64, resourceId: Int64, partnerId: Int, createdAt: Int64, updatedAt: Int64) {
        self.eventId = eventId
        self.resourceId = resourceId
        self.partnerId = partnerId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What `scheduleEventResource.list` selects: links of these events and of these resources (nil: any).
public struct EventResourceFilter: Equatable, Sendable {
    /// The events (`eventIdEqual`, `eventIdIn`); nil for any.
    public var eventIds: [Int64]?
    /// The resources (`resourceIdEqual`, `resourceIdIn`); nil for any.
    public var resourceIds: [Int64]?

    /// Creates a filter.
    public init(eventIds: [Int64]? = nil, resourceIds: [Int64]? = nil) {
        self.eventIds = eventIds
        self.resourceIds = resourceIds
    }
}

/// A Kaltura schedule event: one VEVENT of a partner, as stored and served back.
public struct ScheduleEvent: Equatable, Sendable {
    /// The store's id; nil until the event is committed.
    public var id: Int64?
    /// The owning partner.
    public var partnerId: Int
    /// The reference id: the VEVENT's UID.
    public var referenceId: String
    /// Record, live stream or blackout.
    public var type: EventType
    /// Active, cancelled or deleted.
    public var status: EventStatus
    /// None for a single event; recurring for a series; recurrence for one occurrence of a series.
    public var recurrenceType: RecurrenceType
    /// SUMMARY, unescaped.
    public var summary: String?
    /// DESCRIPTION, unescaped.
    public var description: String?
    /// LOCATION, unescaped.
    public var location: String?
    /// ORGANIZER, as written (usually a `mailto:` URI).
    public var organizer: String?
    /// The start, in seconds since 1970 UTC.
    public var startDate: Int64
    /// The end, in seconds since 1970 UTC; never before the start.
    public var endDate: Int64
    /// The TZID the start was written in; nil for UTC; `floating:ZONE` for a floating time read in ZONE.
    public var timeZoneID: String?
    /// SEQUENCE (0 when absent).
    public var sequence: Int
    /// For an occurrence, the id of its series; nil otherwise (and for an occurrence not yet committed).
    public var parentId: Int64?
    /// For an occurrence, its identity within the series: its RECURRENCE-ID (its original start) as
    /// `20250303T090000Z`, or `20250303` for a series of dates; empty for other events.
    public var recurrenceKey: String
    /// X-KALTURA-TAGS as written (comma-separated); nil when absent.
    public var tags: String?
    /// X-KALTURA-CATEGORY-IDS.
    public var categoryIds: [Int64]
    /// X-KALTURA-ENTRY-IDS.
    public var entryIds: [String]
    /// X-KALTURA-TEMPLATE-ENTRY-ID.
    public var templateEntryId: String?
    /// X-KALTURA-OWNER-ID: the Kaltura user id of the event's owner.
    public var ownerId: String?
    /// PRIORITY (RFC 5545: 0 undefined, 1 highest to 9 lowest); nil when absent.
    public var priority: Int?
    /// X-KALTURA-RESOURCE-IDS: the partner's resources the event uses, in the order written.
    public var resourceIds: [Int64]
    /// For a series, its RRULE text (several rules joined by a line feed), with UNTIL in UTC when DTSTART is in UTC or
    /// has a TZID; nil otherwise.
    public var recurrenceRule: String?
    /// The VEVENT as iCalendar text, kept so an export can give back the properties not mapped to
    /// fields (DTSTAMP aside); for a series, also its overrides and the VTIMEZONEs they need. Nil for an
    /// occurrence that no override describes.
    public var source: String?
    /// When the store first committed the event, in seconds since 1970; set by the store.
    public var createdAt: Int64?
    /// When the store last changed the event, in seconds since 1970; set by the store.
    public var updatedAt: Int64?

    /// Creates an event.
    public init(
        id: Int64? = nil, partnerId: Int, referenceId: String, type: EventType = .record, status: EventStatus = .active,
        recurrenceType: RecurrenceType = .none, summary: String? = nil, description: String? = nil,
        location: String? = nil, organizer: String? = nil, startDate: Int64, endDate: Int64,
        timeZoneID: String? = nil, sequence: Int = 0, parentId: Int64? = nil, recurrenceKey: String = "", tags: String? = nil,
        categoryIds: [Int64] = [], entryIds: [String] = [], templateEntryId: String? = nil, resourceIds: [Int64] = [],
        recurrenceRule: String? = nil, source: String? = nil, createdAt: Int64? = nil, updatedAt: Int64? = nil, ownerId: String? = nil,
        priority: Int? = nil
    ) {
        self.id = id
        self.partnerId = partnerId
        self.referenceId = referenceId
        self.type = type
        self.status = status
        self.recurrenceType = recurrenceType
        self.summary = summary
        self.description = description
        self.location = location
        self.organizer = organizer
        self.startDate = startDate
        self.endDate = endDate
        self.timeZoneID = timeZoneID
        self.sequence = sequence
        self.parentId = parentId
        self.recurrenceKey = recurrenceKey
        self.tags = tags
        self.categoryIds = categoryIds
        self.entryIds = entryIds
        self.templateEntryId = templateEntryId
        self.resourceIds = resourceIds
        self.recurrenceRule = recurrenceRule
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.ownerId = ownerId
        self.priority = priority
    }

    /// How long the event lasts, in seconds.
    public var duration: Int64 { endDate - startDate }

    /// Whether two events carry the same content, whatever their ids, parents and store timestamps.
    ///
    /// Sources that differ as text carry the same content when they mean the same beyond the fields
    /// (`EventSource.Meaning`): the same other properties and sub-components in any order, the same EXDATE
    /// and RDATE instants in whatever zone written, and overrides of the same instances. So an export read
    /// back, which writes the fields its own way, changes nothing.
    public func hasSameContent(as other: ScheduleEvent) -> Bool {
        var mine = self
        mine.id = other.id
        mine.parentId = other.parentId
        mine.createdAt = other.createdAt
        mine.updatedAt = other.updatedAt
        if mine.source != other.source {
            // A plain source (kept before plain sources were dropped) means what none means.
            let bothPlainOrNone = [mine.source, other.source].allSatisfy { $0.map(EventSource.isPlain) ?? true }
            if bothPlainOrNone
                || ((mine.source == nil) == (other.source == nil) && EventSource(mine.source).meaning == EventSource(other.source).meaning)
            {
                mine.source = other.source
            }
        }
        return mine == other
    }
}

/// The kind of recording an event asks for (Kaltura's `KalturaScheduleEventType` codes).
public enum EventType: Int, Sendable, Codable, CaseIterable {
    /// A recording (VOD).
    case record = 1
    /// A live stream.
    case liveStream = 2
    /// A blackout: no recording may be scheduled.
    case blackout = 3
}

/// The status of an event (Kaltura's `KalturaScheduleEventStatus` codes).
public enum EventStatus: Int, Sendable, Codable, CaseIterable {
    /// Cancelled: kept, but not to be recorded.
    case cancelled = 1
    /// Active.
    case active = 2
    /// Deleted.
    case deleted = 3
}

/// How an event relates to recurrence (Kaltura's `KalturaScheduleEventRecurrenceType` codes).
public enum RecurrenceType: Int, Sendable, Codable, CaseIterable {
    /// A single event.
    case none = 0
    /// A series: the event that carries the RRULE.
    case recurring = 1
    /// One occurrence of a series.
    case recurrence = 2
}

/// Which events a listing selects and in what order: the fields of Kaltura's `KalturaScheduleEventFilter`, its base
/// filter and its subclasses (SPEC §6), all optional, all combined.
///
/// Deleted events are never selected. A time below 315,532,800 (1980) is relative to now, as
/// Kaltura reads it (`0` now, `60` a minute ahead, `-60` a minute ago); `resolvingRelativeTimes`
/// turns such times into instants. Lists of items (`…Like`, `…MultiLikeOr`, `…MultiLikeAnd`) are `ItemMatch`es.
public struct EventFilter: Hashable, Sendable {
    /// Start at or after (seconds since 1970): `startDateGreaterThanOrEqual`.
    public var startDateGreaterThanOrEqual: Int64?
    /// Start at or before: `startDateLessThanOrEqual`.
    public var startDateLessThanOrEqual: Int64?
    /// End at or after: `endDateGreaterThanOrEqual`.
    public var endDateGreaterThanOrEqual: Int64?
    /// End at or before: `endDateLessThanOrEqual`.
    public var endDateLessThanOrEqual: Int64?
    /// Last changed at or after: `updatedAtGreaterThanOrEqual`.
    public var updatedAtGreaterThanOrEqual: Int64?
    /// Last changed at or before: `updatedAtLessThanOrEqual`.
    public var updatedAtLessThanOrEqual: Int64?
    /// First stored at or after: `createdAtGreaterThanOrEqual`.
    public var createdAtGreaterThanOrEqual: Int64?
    /// First stored at or before: `createdAtLessThanOrEqual`.
    public var createdAtLessThanOrEqual: Int64?
    /// The reference id (UID) is one of these: `referenceIdEqual` (a list of one) and `referenceIdIn`.
    public var referenceIdIn: [String]?
    /// The id is one of these: `idEqual`, `idIn`.
    public var idIn: [Int64]?
    /// The id is none of these: `idNotIn`.
    public var idNotIn: [Int64]?
    /// The parent (series) id is one of these: `parentIdEqual`, `parentIdIn`.
    public var parentIdIn: [Int64]?
    /// The parent (series) id is none of these: `parentIdNotIn`; events without a parent are kept.
    public var parentIdNotIn: [Int64]?
    /// The owner's user id (X-KALTURA-OWNER-ID) is one of these: `ownerIdEqual`, `ownerIdIn`.
    public var ownerIdIn: [String]?
    /// The priority (iCalendar PRIORITY) is one of these: `priorityEqual`, `priorityIn`.
    public var priorityIn: [Int]?
    /// The priority is at least this: `priorityGreaterThanOrEqual`; events without a priority are left out.
    public var priorityGreaterThanOrEqual: Int?
    /// The priority is at most this: `priorityLessThanOrEqual`; events without a priority are left out.
    public var priorityLessThanOrEqual: Int?
    /// The status is one of these: `statusEqual`, `statusIn` (deleted is never listed).
    public var statusIn: [EventStatus]?
    /// The recurrence type is one of these: `recurrenceTypeEqual`, `recurrenceTypeIn`.
    public var recurrenceTypeIn: [RecurrenceType]?
    /// The event type is one of these: what the filter's `objectType` selects (`KalturaRecordScheduleEventFilter` records).
    public var typeIn: [EventType]?
    /// The template entry id: `templateEntryIdEqual`.
    public var templateEntryIdEqual: String?
    /// The event uses this resource and no other: `resourceIdEqual` (Kaltura matches the event's whole resource list).
    public var resourceIdEqual: Int64?
    /// The resources the event uses: `resourceIdsLike`, `resourceIdsMultiLikeAnd`, `resourceIdsMultiLikeOr`.
    public var resourceIds: ItemMatch<Int64>?
    /// The ancestors (parent, its parent …) of the resources the event uses, so a room selects the events on its cameras:
    /// `parentResourceIdsLike`, `parentResourceIdsMultiLikeAnd`, `parentResourceIdsMultiLikeOr`.
    public var parentResourceIds: ItemMatch<Int64>?
    /// The system names of the resources the event uses, each matched whole: `resourceSystemNamesLike`,
    /// `resourceSystemNamesMultiLikeAnd`, `resourceSystemNamesMultiLikeOr`.
    public var resourceSystemNames: ItemMatch<String>?
    /// The event's categories: `categoryIdsLike`, `categoryIdsMultiLikeAnd`, `categoryIdsMultiLikeOr`.
    public var categoryIds: ItemMatch<Int64>?
    /// The event's entries, each id matched whole: `entryIdsLike`, `entryIdsMultiLikeAnd`, `entryIdsMultiLikeOr`.
    public var entryIds: ItemMatch<String>?
    /// Words (or phrases) of the tags, as `TextWords` reads them: `tagsLike`, `tagsMultiLikeAnd`, `tagsMultiLikeOr`.
    public var tags: ItemMatch<String>?
    /// The order, first key first (`orderBy`); start then id when empty, and id breaks every tie.
    public var orderBy: [SortKey<EventSortField>] = []

    /// A filter that selects every listed event, in order of start.
    public init() {}

    /// The earliest time Kaltura reads as absolute: 1980-01-01 UTC.
    public static var relativeTimeLimit: Int64 { 315_532_800 }

    /// The filter's times, as given.
    public var times: [Int64?] {
        [
            startDateGreaterThanOrEqual, startDateLessThanOrEqual, endDateGreaterThanOrEqual, endDateLessThanOrEqual,
            updatedAtGreaterThanOrEqual, updatedAtLessThanOrEqual, createdAtGreaterThanOrEqual, createdAtLessThanOrEqual,
        ]
    }

    /// A time as Kaltura reads it at `now`: below 1980 relative to now, else as given.
    public static func absolute(_ time: Int64, now: Int64) -> Int64 {
        time < relativeTimeLimit ? now + time : time
    }

    /// The filter with every relative time (below 1980) made absolute from `now`.
    public func resolvingRelativeTimes(now: Int64) -> EventFilter {
        func resolve(_ time: inout Int64?) {
            time = time.map { Self.absolute($0, now: now) }
        }
        var resolved = self
        resolve(&resolved.startDateGreaterThanOrEqual)
        resolve(&resolved.startDateLessThanOrEqual)
        resolve(&resolved.endDateGreaterThanOrEqual)
        resolve(&resolved.endDateLessThanOrEqual)
        resolve(&resolved.updatedAtGreaterThanOrEqual)
        resolve(&resolved.updatedAtLessThanOrEqual)
        resolve(&resolved.createdAtGreaterThanOrEqual)
        resolve(&resolved.createdAtLessThanOrEqual)
        return resolved
    }
}

/// The fields an event listing can be ordered by (Kaltura's `KalturaScheduleEventOrderBy`).
public enum EventSortField: String, Hashable, Sendable, CaseIterable {
    /// The start.
    case startDate
    /// The end.
    case endDate
    /// When the store first committed the event.
    case createdAt
    /// When the store last changed the event.
    case updatedAt
    /// The summary (events without one first when ascending).
    case summary
    /// The priority (events without one first when ascending).
    case priority
}

/// Which items a list field of an object must hold, as Kaltura's search reads `…Like` and `…MultiLike…` filters.
///
/// `xLike` and `xMultiLikeAnd` give items the list must all hold; `xMultiLikeOr` gives items of which it must hold
/// at least one. Kaltura reads a `…Like` value as words, so `12,13` asks for both 12 and 13.
public struct ItemMatch<Item: Hashable & Sendable>: Hashable, Sendable {
    /// Items the list must all hold.
    public var all: [Item]
    /// Items of which the list must hold at least one; nil when not asked.
    public var any: [Item]?

    /// A match of `all` and `any`.
    public init(all: [Item] = [], any: [Item]? = nil) {
        self.all = all
        self.any = any
    }

    /// Whether `holds` says the list holds every item of `all` and, when asked, one of `any`.
    public func matches(_ holds: (Item) -> Bool) -> Bool {
        all.allSatisfy(holds) && (any.map { $0.contains(where: holds) } ?? true)
    }
}

/// One key of a listing's order, as Kaltura writes it: `+startDate` ascending, `-startDate` descending.
public struct SortKey<Field: RawRepresentable<String> & CaseIterable & Hashable & Sendable>: Hashable, Sendable {
    /// The field.
    public var field: Field
    /// Whether smaller values come first.
    public var ascending: Bool

    /// A key.
    public init(_ field: Field, ascending: Bool = true) {
        self.field = field
        self.ascending = ascending
    }

    /// The keys of a Kaltura `orderBy` (comma-separated) and the items that name no known order.
    ///
    /// A `+` left raw in a query string reaches us as a space, so a leading space reads as `+`.
    public static func parse(_ orderBy: String) -> (keys: [SortKey], unknown: [String]) {
        var keys: [SortKey] = []
        var unknown: [String] = []
        for item in orderBy.split(separator: ",") {
            var name = item.drop { $0 == " " }
            while name.last == " " { name = name.dropLast() }
            var sign = name.first
            if sign == "+" || sign == "-" {
                name = name.dropFirst()
            } else if item.first == " " {
                sign = "+"
            }
            guard sign == "+" || sign == "-", let field = Field(rawValue: String(name)) else {
                if !name.isEmpty { unknown.append(String(item)) }
                continue
            }
            keys.append(SortKey(field, ascending: sign == "+"))
        }
        return (keys, unknown)
    }
}

import Schedule

/// The filter and pager of a list call, read from its parameters.
///
/// Every field of `filter` and `pager` must be one we apply: an unknown or unsupported name is refused
/// with `feed.unknownFilter` and its name, never ignored (a device that believes it filters must not get everything).
/// A list of more than `maximumListValues` values (`FeedLimits`) is refused with `feed.listTooLong`.
/// An `orderBy` item that names no known order is left out, as Kaltura does, and kept in `ignoredOrders` for the log.
public struct ListRequest<Filter: Sendable>: Sendable {
    /// The filter, with times as given (relative ones not yet resolved).
    public var filter: Filter
    /// The page.
    public var pager: Pager
    /// Whether a time of the filter is relative to now (below 1980).
    public var usesRelativeTimes: Bool
    /// The `orderBy` items that name no known order.
    public var ignoredOrders: [String]

    /// Whether one of `times` is relative to now (below 1980).
    static func anyRelative(_ times: [Int64?]) -> Bool {
        times.contains { ($0 ?? EventFilter.relativeTimeLimit) < EventFilter.relativeTimeLimit }
    }
}

extension ListRequest where Filter == EventFilter {
    /// The event filter and pager of `parameters`: the fields of `KalturaScheduleEventFilter`, its base filter and its
    /// entry subclasses (on any event filter), the filter's `objectType` selecting the event type.
    ///
    /// Not supported, so refused by name: `templateEntryCategoriesIds…` and `parentCategoryIds…` (they need the
    /// categories of entries and categories, which we do not have), `sourceEntryIdEqual` (live entries), `advancedSearch`.
    public init(events parameters: KalturaParameters, maximumListValues: Int = FeedLimits().maximumListValues) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "filter"), object: "filter", maximumListValues: maximumListValues)
        var filter = EventFilter()
        if let objectType = reader.objectType {
            guard let types = Self.eventTypes[objectType] else {
                throw FeedError(.invalidParameter, "filter:objectType \(objectType) is not a schedule event filter")
            }
            filter.typeIn = types
        }
        filter.startDateGreaterThanOrEqual = try reader.number("startDateGreaterThanOrEqual")
        filter.startDateLessThanOrEqual = try reader.number("startDateLessThanOrEqual")
        filter.endDateGreaterThanOrEqual = try reader.number("endDateGreaterThanOrEqual")
        filter.endDateLessThanOrEqual = try reader.number("endDateLessThanOrEqual")
        filter.updatedAtGreaterThanOrEqual = try reader.number("updatedAtGreaterThanOrEqual")
        filter.updatedAtLessThanOrEqual = try reader.number("updatedAtLessThanOrEqual")
        filter.createdAtGreaterThanOrEqual = try reader.number("createdAtGreaterThanOrEqual")
        filter.createdAtLessThanOrEqual = try reader.number("createdAtLessThanOrEqual")
        filter.referenceIdIn = try reader.texts("referenceIdEqual", "referenceIdIn")
        filter.idIn = try reader.numbers("idEqual", "idIn")
        filter.idNotIn = try reader.numbers("idNotIn")
        filter.parentIdIn = try reader.numbers("parentIdEqual", "parentIdIn")
        filter.parentIdNotIn = try reader.numbers("parentIdNotIn")
        filter.ownerIdIn = try reader.texts("ownerIdEqual", "ownerIdIn")
        filter.priorityIn = try reader.numbers("priorityEqual", "priorityIn")?.map { Int(clamping: $0) }
        filter.priorityGreaterThanOrEqual = try reader.number("priorityGreaterThanOrEqual").map { Int(clamping: $0) }
        filter.priorityLessThanOrEqual = try reader.number("priorityLessThanOrEqual").map { Int(clamping: $0) }
        filter.statusIn = try reader.codes("statusEqual", "statusIn", as: EventStatus.self)
        filter.recurrenceTypeIn = try reader.codes("recurrenceTypeEqual", "recurrenceTypeIn", as: RecurrenceType.self)
        filter.templateEntryIdEqual = reader.text("templateEntryIdEqual")
        filter.resourceIdEqual = try reader.number("resourceIdEqual")
        filter.resourceIds = try reader.numberMatch("resourceIds")
        filter.parentResourceIds = try reader.numberMatch("parentResourceIds")
        filter.resourceSystemNames = try reader.match("resourceSystemNames")
        filter.categoryIds = try reader.numberMatch("categoryIds")
        filter.entryIds = try reader.match("entryIds")
        filter.tags = try reader.match("tags", like: TextWords.likePhrases)
        let order = try reader.order(EventSortField.self)
        filter.orderBy = order.keys
        try reader.finish()
        self.init(
            filter: filter, pager: try Pager(parameters, maximumListValues: maximumListValues),
            usesRelativeTimes: Self.anyRelative(filter.times),
            ignoredOrders: order.unknown)
    }

    /// The event types each of Kaltura's event filter classes selects: nil for all, none for types we never store.
    static let eventTypes: [String: [EventType]?] = [
        "KalturaScheduleEventBaseFilter": nil, "KalturaScheduleEventFilter": nil, "KalturaEntryScheduleEventBaseFilter": nil,
        "KalturaEntryScheduleEventFilter": nil, "KalturaRecordScheduleEventBaseFilter": nil,
        "KalturaLiveStreamScheduleEventBaseFilter": nil, "KalturaMeetingScheduleEventBaseFilter": nil,
        "KalturaVodScheduleEventBaseFilter": nil, "KalturaRecordScheduleEventFilter": [.record],
        "KalturaLiveStreamScheduleEventFilter": [.liveStream], "KalturaBlackoutScheduleEventFilter": [.blackout],
        "KalturaMeetingScheduleEventFilter": [], "KalturaVodScheduleEventFilter": [], "KalturaLiveRedirectScheduleEventFilter": [],
    ]
}

extension ListRequest where Filter == ResourceFilter {
    /// The resource filter and pager of `parameters`: the fields of `KalturaScheduleResourceFilter`, the filter's
    /// `objectType` selecting the resource type.
    public init(resources parameters: KalturaParameters, maximumListValues: Int = FeedLimits().maximumListValues) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "filter"), object: "filter", maximumListValues: maximumListValues)
        var filter = ResourceFilter()
        if let objectType = reader.objectType {
            guard let types = Self.resourceTypes[objectType] else {
                throw FeedError(.invalidParameter, "filter:objectType \(objectType) is not a schedule resource filter")
            }
            filter.typeIn = types
        }
        filter.idIn = try reader.numbers("idEqual", "idIn")
        filter.idNotIn = try reader.numbers("idNotIn")
        filter.parentIdIn = try reader.numbers("parentIdEqual", "parentIdIn")
        filter.nameEqual = reader.text("nameEqual")
        filter.systemNameIn = try reader.texts("systemNameEqual", "systemNameIn")
        filter.statusIn = try reader.codes("statusEqual", "statusIn", as: ResourceStatus.self)
        filter.tags = try reader.match("tags", like: TextWords.likePhrases)
        filter.createdAtGreaterThanOrEqual = try reader.number("createdAtGreaterThanOrEqual")
        filter.createdAtLessThanOrEqual = try reader.number("createdAtLessThanOrEqual")
        filter.updatedAtGreaterThanOrEqual = try reader.number("updatedAtGreaterThanOrEqual")
        filter.updatedAtLessThanOrEqual = try reader.number("updatedAtLessThanOrEqual")
        let order = try reader.order(ResourceSortField.self)
        filter.orderBy = order.keys
        try reader.finish()
        self.init(
            filter: filter, pager: try Pager(parameters, maximumListValues: maximumListValues),
            usesRelativeTimes: Self.anyRelative(filter.times),
            ignoredOrders: order.unknown)
    }

    /// The resource types each of Kaltura's resource filter classes selects: nil for all.
    static let resourceTypes: [String: [ResourceType]?] = [
        "KalturaScheduleResourceBaseFilter": nil, "KalturaScheduleResourceFilter": nil, "KalturaCameraScheduleResourceBaseFilter": nil,
        "KalturaLocationScheduleResourceBaseFilter": nil, "KalturaLiveEntryScheduleResourceBaseFilter": nil,
        "KalturaCameraScheduleResourceFilter": [.camera], "KalturaLocationScheduleResourceFilter": [.location],
        "KalturaLiveEntryScheduleResourceFilter": [.liveEntry],
    ]
}

extension Pager {
    /// The pager of a call's `parameters` (`pager:pageSize`, `pager:pageIndex`).
    init(_ parameters: KalturaParameters, maximumListValues: Int) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "pager"), object: "pager", maximumListValues: maximumListValues)
        let size = try reader.number("pageSize").map { Int(clamping: $0) }
        let index = try reader.number("pageIndex").map { Int(clamping: $0) }
        try reader.finish()
        do {
            try self.init(pageSize: size, pageIndex: index)
        } catch {
            throw FeedError(.pageBeyondLimit, error.message)
        }
    }
}

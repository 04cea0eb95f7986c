import Schedule

/// Which resources a listing selects and in what order: the fields of Kaltura's `KalturaScheduleResourceFilter`.
///
/// Deleted resources are listed only when the status filter asks for them, as Kaltura does. Times below 1980 are
/// relative to now (`resolvingRelativeTimes`).
public struct ResourceFilter: Equatable, Sendable {
    /// The id is one of these: `idEqual`, `idIn`.
    public var idIn: [Int64]?
    /// The id is none of these: `idNotIn`.
    public var idNotIn: [Int64]?
    /// The parent's id is one of these: `parentIdEqual`, `parentIdIn`.
    public var parentIdIn: [Int64]?
    /// The name: `nameEqual`.
    public var nameEqual: String?
    /// The system name is one of these: `systemNameEqual`, `systemNameIn`.
    public var systemNameIn: [String]?
    /// The status is one of these: `statusEqual`, `statusIn`; active and disabled when nil.
    public var statusIn: [ResourceStatus]?
    /// The type is one of these: what the filter's `objectType` selects (`KalturaCameraScheduleResourceFilter` cameras).
    public var typeIn: [ResourceType]?
    /// Words (or phrases) of the tags, as `TextWords` reads them: `tagsLike`, `tagsMultiLikeAnd`, `tagsMultiLikeOr`.
    public var tags: ItemMatch<String>?
    /// First stored at or after: `createdAtGreaterThanOrEqual`.
    public var createdAtGreaterThanOrEqual: Int64?
    /// First stored at or before: `createdAtLessThanOrEqual`.
    public var createdAtLessThanOrEqual: Int64?
    /// Last changed at or after: `updatedAtGreaterThanOrEqual`.
    public var updatedAtGreaterThanOrEqual: Int64?
    /// Last changed at or before: `updatedAtLessThanOrEqual`.
    public var updatedAtLessThanOrEqual: Int64?
    /// The order, first key first (`orderBy`); id breaks every tie, and is the order when empty.
    public var orderBy: [SortKey<ResourceSortField>] = []

    /// A filter that selects every active and disabled resource.
    public init() {}

    /// The filter's times, as given.
    var times: [Int64?] { [createdAtGreaterThanOrEqual, createdAtLessThanOrEqual, updatedAtGreaterThanOrEqual, updatedAtLessThanOrEqual] }

    /// The filter with every relative time (below 1980) made absolute from `now`.
    public func resolvingRelativeTimes(now: Int64) -> ResourceFilter {
        func resolve(_ time: inout Int64?) {
            time = time.map { EventFilter.absolute($0, now: now) }
        }
        var resolved = self
        resolve(&resolved.createdAtGreaterThanOrEqual)
        resolve(&resolved.createdAtLessThanOrEqual)
        resolve(&resolved.updatedAtGreaterThanOrEqual)
        resolve(&resolved.updatedAtLessThanOrEqual)
        return resolved
    }

    /// Whether `resource` is selected.
    public func selects(_ resource: ScheduleResource) -> Bool {
        func within(_ time: Int64?, _ from: Int64?, _ to: Int64?) -> Bool {
            guard from != nil || to != nil else { return true }
            guard let time else { return false }
            return time >= (from ?? .min) && time <= (to ?? .max)
        }
        let id = resource.id ?? 0
        return (statusIn?.contains(resource.status) ?? (resource.status != .deleted)) && (idIn?.contains(id) ?? true)
            && !(idNotIn?.contains(id) ?? false) && (parentIdIn.map { ids in resource.parentId.map(ids.contains) ?? false } ?? true)
            && (nameEqual.map { $0 == resource.name } ?? true) && (systemNameIn?.contains(resource.systemName) ?? true)
            && (typeIn?.contains(resource.type) ?? true) && (tags?.matches { TextWords.text(resource.tags, has: $0) } ?? true)
            && within(resource.createdAt, createdAtGreaterThanOrEqual, createdAtLessThanOrEqual)
            && within(resource.updatedAt, updatedAtGreaterThanOrEqual, updatedAtLessThanOrEqual)
    }

    /// `resources` in the filter's order.
    public func sorted(_ resources: [ScheduleResource]) -> [ScheduleResource] {
        resources.sorted { left, right in
            for key in orderBy {
                let (a, b) =
                    switch key.field {
                    case .createdAt: (left.createdAt ?? 0, right.createdAt ?? 0)
                    case .updatedAt: (left.updatedAt ?? 0, right.updatedAt ?? 0)
                    }
                if a != b { return key.ascending ? a < b : a > b }
            }
            return (left.id ?? 0) < (right.id ?? 0)
        }
    }
}

/// The fields a resource listing can be ordered by (Kaltura's `KalturaScheduleResourceOrderBy`).
public enum ResourceSortField: String, Hashable, Sendable, CaseIterable {
    /// When the store first committed the resource.
    case createdAt
    /// When the store last changed the resource.
    case updatedAt
}

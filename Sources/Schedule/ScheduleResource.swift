/// A Kaltura schedule resource of a partner: a location (room, building), a camera, or a live entry.
public struct ScheduleResource: Equatable, Sendable {
    /// The store's id; nil until committed.
    public var id: Int64?
    /// The owning partner.
    public var partnerId: Int
    /// Location, camera or live entry.
    public var type: ResourceType
    /// Active, disabled or deleted (deletion is soft).
    public var status: ResourceStatus
    /// The display name.
    public var name: String
    /// The partner's own key, unique per partner and type; empty when none was given.
    public var systemName: String
    /// A description; empty when none.
    public var description: String
    /// Comma-separated tags; empty when none.
    public var tags: String
    /// The parent resource (a camera's room, a room's building), if any.
    public var parentId: Int64?
    /// When the store first committed the resource, in seconds since 1970; set by the store.
    public var createdAt: Int64?
    /// When the store last changed the resource, in seconds since 1970; set by the store.
    public var updatedAt: Int64?

    /// Creates a resource.
    public init(
        id: Int64? = nil, partnerId: Int, type: ResourceType = .location, status: ResourceStatus = .active, name: String,
        systemName: String = "", description: String = "", tags: String = "", parentId: Int64? = nil,
        createdAt: Int64? = nil, updatedAt: Int64? = nil
    ) {
        self.id = id
        self.partnerId = partnerId
        self.type = type
        self.status = status
        self.name = name
        self.systemName = systemName
        self.description = description
        self.tags = tags
        self.parentId = parentId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The kind of a resource (Kaltura's `KalturaScheduleResourceType` codes).
public enum ResourceType: Int, Sendable, Codable, CaseIterable {
    /// A place: a campus, a building, a room.
    case location = 1
    /// A live entry.
    case liveEntry = 2
    /// A capture device.
    case camera = 3

    /// The name a resource CSV uses: `location`, `live_entry`, `camera`.
    public var csvName: String {
        switch self {
        case .location: "location"
        case .liveEntry: "live_entry"
        case .camera: "camera"
        }
    }

    /// Whether a resource of this type may be a parent: a location holds locations (a building its rooms), cameras and
    /// live entries; a camera or a live entry holds nothing.
    public var holdsResources: Bool { self == .location }

    /// Reads a CSV cell: a name (any case) or Kaltura's numeric code.
    public init?(csvValue: String) {
        let lowered = csvValue.lowercased()
        guard let type = Self.allCases.first(where: { $0.csvName == lowered || String($0.rawValue) == lowered }) else { return nil }
        self = type
    }
}

/// The status of a resource (Kaltura's `KalturaScheduleResourceStatus` codes).
public enum ResourceStatus: Int, Sendable, Codable, CaseIterable {
    /// Disabled.
    case disabled = 1
    /// Active.
    case active = 2
    /// Deleted (kept, soft-deleted).
    case deleted = 3
}

/// What a resource CSV row asks for (Kaltura's bulk-upload action codes).
public enum ResourceAction: Int, Sendable, CaseIterable {
    /// Add a new resource (the default).
    case add = 1
    /// Update an existing resource, found by `resourceId` or `systemName`.
    case update = 2
    /// Delete (softly) an existing resource, found by `resourceId` or `systemName`.
    case delete = 3
    /// Update the resource if it exists, add it otherwise.
    case addOrUpdate = 6

    /// The action's name in reports: `add`, `update`, `delete`, `addOrUpdate`.
    public var name: String {
        switch self {
        case .add: "add"
        case .update: "update"
        case .delete: "delete"
        case .addOrUpdate: "addOrUpdate"
        }
    }

    /// Reads a CSV cell: Kaltura's number, or the action's name in any case; empty means add.
    public init?(csvValue: String) {
        if csvValue.isEmpty {
            self = .add
            return
        }
        let lowered = csvValue.lowercased()
        guard let action = Self.allCases.first(where: { String($0.rawValue) == lowered || $0.name.lowercased() == lowered }) else {
            return nil
        }
        self = action
    }
}

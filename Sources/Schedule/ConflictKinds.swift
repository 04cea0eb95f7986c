/// Which clashes a conflict search looks for (Kaltura's `KalturaScheduleEventConflictType`: 1, 2, or 3 for both).
public struct ConflictKinds: OptionSet, Hashable, Sendable {
    /// The bits: 1 resources, 2 blackouts.
    public let rawValue: Int

    /// The kinds of Kaltura's code.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Events on the same resources, or on a resource's parent or children (`RESOURCE_CONFLICT`).
    public static let resources = ConflictKinds(rawValue: 1)
    /// Blackouts, whatever their resources (`BLACKOUT_CONFLICT`).
    public static let blackouts = ConflictKinds(rawValue: 2)
}

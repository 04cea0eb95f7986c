/// A Kaltura session (KS) as read from a request or made by `session.start`: whose it is, what it may do, and until when.
public struct KalturaSession: Equatable, Sendable {
    /// Kaltura's session types (`KalturaSessionType`).
    public enum Kind: Int, Sendable, CaseIterable {
        /// A user session, signed with the partner's user secret or its admin secret.
        case user = 0
        /// An admin session, signed with the partner's admin secret.
        case admin = 2
    }

    /// The partner the session acts for.
    public var partnerId: Int
    /// User or admin.
    public var kind: Kind
    /// The user id the session carries (may be empty).
    public var userId: String
    /// When it stops working, seconds since 1970.
    public var expiry: Int64
    /// The privileges it was given.
    public var privileges: Privileges

    /// Creates a session.
    public init(partnerId: Int, kind: Kind, userId: String, expiry: Int64, privileges: Privileges = Privileges()) {
        self.partnerId = partnerId
        self.kind = kind
        self.userId = userId
        self.expiry = expiry
        self.privileges = privileges
    }

    /// The privilege a widget session carries: it may only start another session.
    public static let widgetPrivilege = "widget"

    /// Whether this is the weak session of `session.startWidgetSession`.
    public var isWidget: Bool { privileges.value(of: Self.widgetPrivilege) != nil }
}

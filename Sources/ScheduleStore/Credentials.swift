/// A partner and its two secrets, as `scheduledrop partner add` makes them.
///
/// The secrets sign sessions (KS): the admin secret admin and user sessions, the user secret user sessions only.
public struct Partner: Equatable, Sendable {
    /// The partner id.
    public var id: Int
    /// Signs admin and user sessions.
    public var adminSecret: String
    /// Signs user sessions.
    public var secret: String
    /// When it was added, seconds since 1970.
    public var createdAt: Int64
    /// When its secrets were last made, seconds since 1970.
    public var updatedAt: Int64

    /// Creates a partner record.
    public init(id: Int, adminSecret: String, secret: String, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.adminSecret = adminSecret
        self.secret = secret
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An app token (Kaltura's `KalturaAppToken`): a long-lived secret a device keeps to start sessions with.
public struct AppToken: Equatable, Sendable {
    /// Kaltura's app token statuses.
    public enum Status: Int, Sendable {
        /// Usable.
        case active = 2
        /// Deleted; never listed or used again.
        case deleted = 3
    }

    /// The token's id (`0_…`).
    public var id: String
    /// The partner it belongs to.
    public var partnerId: Int
    /// The secret itself.
    public var token: String
    /// The hash a device proves it knows the token with: `MD5`, `SHA1`, `SHA256` or `SHA512`.
    public var hashType: String
    /// The type of the sessions it starts (`KalturaSessionType`: 0 user, 2 admin).
    public var sessionType: Int
    /// The user id of its sessions, if fixed.
    public var sessionUserId: String?
    /// The privileges imposed on its sessions.
    public var sessionPrivileges: String
    /// The longest session it starts, in seconds; nil for the default.
    public var sessionDuration: Int64?
    /// When it stops working, seconds since 1970; nil for never.
    public var expiry: Int64?
    /// What it is for.
    public var description: String?
    /// Active or deleted.
    public var status: Status
    /// When it was added.
    public var createdAt: Int64
    /// When it was last changed.
    public var updatedAt: Int64

    /// Creates an app token record.
    public init(
        id: String, partnerId: Int, token: String, hashType: String, sessionType: Int, sessionUserId: String? = nil,
        sessionPrivileges: String = "", sessionDuration: Int64? = nil, expiry: Int64? = nil, description: String? = nil,
        status: Status = .active, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.partnerId = partnerId
        self.token = token
        self.hashType = hashType
        self.sessionType = sessionType
        self.sessionUserId = sessionUserId
        self.sessionPrivileges = sessionPrivileges
        self.sessionDuration = sessionDuration
        self.expiry = expiry
        self.description = description
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The store's part for sign-in: partners and their secrets, app tokens, and sessions ended before their expiry.
public protocol CredentialStore: Sendable {
    /// Adds a partner; false when the id is taken (nothing is changed then).
    func addPartner(_ partner: Partner) async throws -> Bool
    /// Every partner, by id.
    func partners() async throws -> [Partner]
    /// One partner.
    func partner(id: Int) async throws -> Partner?
    /// Replaces a partner's secrets; false when there is no such partner.
    func replaceSecrets(partnerId: Int, adminSecret: String, secret: String, at time: Int64) async throws -> Bool
    /// Adds or replaces an app token (by id).
    func saveAppToken(_ token: AppToken) async throws
    /// One app token of a partner, deleted ones included.
    func appToken(partnerId: Int, id: String) async throws -> AppToken?
    /// A partner's app tokens that are not deleted, oldest first.
    func appTokens(partnerId: Int) async throws -> [AppToken]
    /// Ends a session before its expiry: `digest` identifies the KS, `expiry` is when the record may go.
    func endSession(digest: String, expiry: Int64) async throws
    /// What checking a KS needs, in one read: the partner it claims (nil if none) and whether the session with
    /// this digest was ended.
    func sessionCheck(partnerId: Int, digest: String) async throws -> (partner: Partner?, ended: Bool)
}

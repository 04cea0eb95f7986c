/// What a session may call: the `service.action` names (lower-case, as in the call's path) of its role.
///
/// - An admin KS without `setrole` may call everything.
/// - `setrole:CAPTURE_DEVICE_ROLE` gets what Kaltura's `deployment/permissions` grant that role on the schedule:
///   `scheduleEvent.list/add/update` and `scheduleResource.list/get/add/update` (the upload actions it also has in
///   Kaltura do not exist here).
/// - A user KS without `setrole` may read the schedule: events (`list`, `get`, `getConflicts`), resources and the
///   events' resources (`scheduleEventResource.list`, `get`); only an admin KS writes it (or a role that allows the write).
/// - A widget KS (`session.startWidgetSession`) may only start a session with an app token.
/// - `setrole` with a role we do not know gives no schedule access at all.
///
/// Every session may also ask about itself and end itself (`session.get`, `session.end`) and start an app-token
/// session. `setrole` in an admin KS limits it to that role, as in Kaltura.
public struct Role: Equatable, Sendable {
    /// The role's name: `admin`, `user`, `widget` or the `setrole` value.
    public let name: String
    /// The allowed actions; nil for all.
    private let actions: Set<String>?

    private init(name: String, actions: Set<String>?) {
        self.name = name
        self.actions = actions.map { $0.union(Self.basics) }
    }

    /// What every session may call.
    static let basics: Set<String> = ["session.get", "session.end", "apptoken.startsession"]

    /// Everything.
    public static let admin = Role(name: "admin", actions: nil)
    /// Reading the schedule.
    public static let user = Role(
        name: "user",
        actions: [
            "schedule_scheduleevent.list", "schedule_scheduleevent.get", "schedule_scheduleevent.getconflicts",
            "schedule_scheduleresource.list", "schedule_scheduleresource.get", "schedule_scheduleeventresource.list",
            "schedule_scheduleeventresource.get",
        ])
    /// Kaltura's capture-device role.
    public static let captureDevice = Role(
        name: "CAPTURE_DEVICE_ROLE",
        actions: [
            "schedule_scheduleevent.list", "schedule_scheduleevent.add", "schedule_scheduleevent.update",
            "schedule_scheduleresource.list", "schedule_scheduleresource.get", "schedule_scheduleresource.add",
            "schedule_scheduleresource.update",
        ])
    /// A widget session: starting a session only.
    public static let widget = Role(name: "widget", actions: [])

    /// The roles `setrole` may name.
    public static let named: [String: Role] = [captureDevice.name: captureDevice]

    /// The role of `session`.
    public static func of(_ session: KalturaSession) -> Role {
        if session.isWidget { return .widget }
        if let role = session.privileges.role { return named[role] ?? Role(name: role, actions: []) }
        return session.kind == .admin ? .admin : .user
    }

    /// Whether the role may call `action` of `service` (both lower-case).
    public func allows(service: String, action: String) -> Bool {
        actions?.contains(service + "." + action) ?? true
    }
}

import Foundation
import Schedule
import ScheduleStore
import Sessions

/// `session`: a KS started with a partner's secret (`start`), a widget's weak KS (`startWidgetSession`), what a
/// KS holds (`get`), and a KS ended before its expiry (`end`).
struct SessionService: KalturaService {
    let context: FeedContext
    /// Checks the KS `session.get` is asked about.
    let gate: SessionGate
    let name = "session"
    let actions: Set<String> = ["start", "startwidgetsession", "get", "end"]
    let openActions: Set<String> = ["start", "startwidgetsession"]

    /// A session's length when the call gives none: a day, as Kaltura's.
    static let defaultExpiry: Int64 = 86_400
    /// The longest session made: ten years.
    static let longestExpiry: Int64 = 10 * 366 * 86_400

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        switch action {
        case "start": try await start(call)
        case "startwidgetsession": try await startWidget(call)
        case "get": try await get(call)
        default: try await end(call)
        }
    }

    /// `session.start(secret, userId, type, partnerId, expiry, privileges)`: the KS as text.
    private func start(_ call: ServiceCall) async throws -> ServiceResult {
        let secret = try call.required("secret")
        guard let partnerId = try call.number("partnerId").map({ Int(clamping: $0) }) else {
            throw FeedError(.missingParameter, "Missing parameter \"partnerId\"")
        }
        let type = try call.number("type") ?? 0
        guard let kind = KalturaSession.Kind(rawValue: Int(clamping: type)) else {
            throw FeedError(.invalidParameter, "type \(type) is not a session type: 0 (user) or 2 (admin)")
        }
        guard let partner = try await context.store.partner(id: partnerId),
            secret == partner.adminSecret || (kind == .user && secret == partner.secret)
        else { throw FeedError(.startSessionError, "Error while starting session for partner [\(partnerId)]") }
        let session = KalturaSession(
            partnerId: partnerId, kind: kind, userId: call.parameters["userId"] ?? "",
            expiry: expiry(call, requested: try call.number("expiry")),
            privileges: Privileges(call.parameters["privileges"] ?? ""))
        context.logger.info(
            "session started", metadata: ["partner": "\(partnerId)", "type": "\(kind.rawValue)", "user": "\(session.userId)"])
        return .text(SessionCodec.write(session, secret: secret))
    }

    /// `session.startWidgetSession(widgetId, expiry)`: a weak KS for widget `_<partnerId>` that may only start a session.
    private func startWidget(_ call: ServiceCall) async throws -> ServiceResult {
        let widget = try call.required("widgetId")
        guard widget.hasPrefix("_"), let partnerId = Int(widget.dropFirst()), let partner = try await context.store.partner(id: partnerId)
        else { throw FeedError(.invalidWidgetId, "Invalid widget id [\(widget)]") }
        var privileges = Privileges()
        privileges.set(KalturaSession.widgetPrivilege, "1")
        privileges.set("view", "*")
        let session = KalturaSession(
            partnerId: partnerId, kind: .user, userId: "0", expiry: expiry(call, requested: try call.number("expiry")),
            privileges: privileges)
        let ks = SessionCodec.write(session, secret: partner.adminSecret)
        return .object(
            KalturaObject(
                objectType: "KalturaStartWidgetSessionResponse",
                fields: ["partnerId": .int(Int64(partnerId)), "ks": .string(ks), "userId": .string("0")]))
    }

    /// `session.get(session)`: what the given KS (or the caller's) holds; a KS of another partner is `INVALID_KS`.
    private func get(_ call: ServiceCall) async throws -> ServiceResult {
        let caller = try call.requireCaller()
        guard let other = call.parameters["session"], !other.isEmpty else { return .object(Self.info(caller.session, ks: caller.ks)) }
        let asked = try await gate.caller(other)
        guard asked.partnerId == caller.partnerId else { throw FeedError(.invalidKS, "Invalid KS: it is another partner's") }
        return .object(Self.info(asked.session, ks: asked.ks))
    }

    /// `session.end()`: the caller's KS no longer works.
    private func end(_ call: ServiceCall) async throws -> ServiceResult {
        let caller = try call.requireCaller()
        try await context.store.endSession(digest: SessionGate.digest(caller.ks), expiry: caller.session.expiry)
        context.logger.info("session ended", metadata: ["partner": "\(caller.partnerId)", "user": "\(caller.session.userId)"])
        return .nothing
    }

    /// The expiry of a new session: `requested` seconds from now (a day when not given), at most ten years.
    func expiry(_ call: ServiceCall, requested: Int64?) -> Int64 {
        context.now() + min(max(requested.flatMap { $0 > 0 ? $0 : nil } ?? Self.defaultExpiry, 1), Self.longestExpiry)
    }

    /// Kaltura's `KalturaSessionInfo` of a session.
    static func info(_ session: KalturaSession, ks: String) -> KalturaObject {
        KalturaObject(
            objectType: "KalturaSessionInfo",
            fields: [
                "ks": .string(ks), "sessionType": .int(Int64(session.kind.rawValue)), "partnerId": .int(Int64(session.partnerId)),
                "userId": .string(session.userId), "expiry": .int(session.expiry), "privileges": .string(session.privileges.description),
            ])
    }
}

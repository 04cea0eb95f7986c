import Foundation
import Schedule
import ScheduleStore
import Sessions

/// `appToken`: long-lived tokens a device keeps (`add`, `get`, `list`, `update`, `delete`, for admins) and the
/// session a device starts with one (`startSession`), as in the seed's device flow.
///
/// `startSession(id, tokenHash, userId, type, expiry, sessionPrivileges)` takes the hash (the token's hash type)
/// of the caller's KS (typically a widget KS) followed by the token. The session it makes is the token's:
/// its type (a user token never makes an admin session; an admin token makes a user one if asked), its user id
/// when it has one, at most its session duration and never past its expiry, and the token's privileges laid over
/// the requested ones.
struct AppTokenService: KalturaService {
    let context: FeedContext
    let name = "apptoken"
    let actions: Set<String> = ["add", "get", "list", "update", "delete", "startsession"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        let caller = try call.requireCaller()
        try FeedContext.refuseCalendar(call.format, for: "app tokens")
        switch action {
        case "add": return .object(Self.object(try await add(call, partnerId: caller.partnerId)))
        case "get": return .object(Self.object(try await token(call, partnerId: caller.partnerId, active: false)))
        case "list": return try await list(call, partnerId: caller.partnerId)
        case "update": return .object(Self.object(try await update(call, partnerId: caller.partnerId)))
        case "delete":
            var token = try await token(call, partnerId: caller.partnerId, active: false)
            token.status = .deleted
            token.updatedAt = context.now()
            try await context.store.saveAppToken(token)
            context.logger.info("app token deleted", metadata: ["partner": "\(caller.partnerId)", "appToken": "\(token.id)"])
            return .nothing
        default: return try await startSession(call, caller: caller)
        }
    }

    private func add(_ call: ServiceCall, partnerId: Int) async throws -> AppToken {
        let now = context.now()
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let id = "0_" + String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
        var token = AppToken(
            id: id, partnerId: partnerId, token: SessionCodec.newSecret(), hashType: AppTokenHash.sha256.rawValue,
            sessionType: KalturaSession.Kind.user.rawValue, sessionDuration: SessionService.defaultExpiry, createdAt: now, updatedAt: now)
        try apply(call.parameters.fields(of: "appToken"), to: &token, adding: true)
        try await context.store.saveAppToken(token)
        context.logger.info("app token added", metadata: ["partner": "\(partnerId)", "appToken": "\(id)"])
        return token
    }

    private func update(_ call: ServiceCall, partnerId: Int) async throws -> AppToken {
        var token = try await token(call, partnerId: partnerId, active: true)
        try apply(call.parameters.fields(of: "appToken"), to: &token, adding: false)
        token.updatedAt = context.now()
        try await context.store.saveAppToken(token)
        context.logger.info("app token updated", metadata: ["partner": "\(partnerId)", "appToken": "\(token.id)"])
        return token
    }

    private func list(_ call: ServiceCall, partnerId: Int) async throws -> ServiceResult {
        var reader = FieldReader(
            call.parameters.fields(of: "filter"), object: "filter", maximumListValues: context.limits.maximumListValues)
        let ids = try reader.texts("idEqual", "idIn").map(Set.init)
        try reader.finish()
        let pager = try Pager(call.parameters, maximumListValues: context.limits.maximumListValues)
        let tokens = try await context.store.appTokens(partnerId: partnerId).filter { ids?.contains($0.id) ?? true }
        return .list(
            KalturaListResponse(
                objects: tokens.dropFirst(pager.offset).prefix(pager.pageSize).map(Self.object), totalCount: tokens.count,
                objectType: "KalturaAppTokenListResponse"))
    }

    private func startSession(_ call: ServiceCall, caller: Caller) async throws -> ServiceResult {
        let token = try await token(call, partnerId: caller.partnerId, active: true)
        let hash = AppTokenHash(rawValue: token.hashType) ?? .sha256
        guard try call.required("tokenHash").lowercased() == hash.digest(ks: caller.ks, token: token.token) else {
            throw FeedError(.invalidAppTokenHash, "Invalid application token hash")
        }
        let now = context.now()
        if let expiry = token.expiry, expiry <= now { throw FeedError(.appTokenExpired, "Application token id \"\(token.id)\" expired") }
        var kind = KalturaSession.Kind(rawValue: token.sessionType) ?? .user
        if let asked = try call.number("type"), asked == Int64(KalturaSession.Kind.user.rawValue) { kind = .user }
        var longest = token.sessionDuration ?? SessionService.defaultExpiry
        if let expiry = token.expiry { longest = min(longest, expiry - now) }
        let length = min(try call.number("expiry").flatMap { $0 > 0 ? $0 : nil } ?? longest, longest)
        let session = KalturaSession(
            partnerId: caller.partnerId, kind: kind, userId: token.sessionUserId ?? call.parameters["userId"] ?? "", expiry: now + length,
            privileges: Privileges(call.parameters["sessionPrivileges"] ?? "").overlaid(with: Privileges(token.sessionPrivileges)))
        guard let partner = try await context.store.partner(id: caller.partnerId) else {
            throw FeedError(.invalidKS, "the partner of the KS has no secrets")
        }
        context.logger.info("app token session started", metadata: ["partner": "\(caller.partnerId)", "appToken": "\(token.id)"])
        let ks = SessionCodec.write(session, secret: partner.adminSecret)
        return .object(SessionService.info(session, ks: ks))
    }

    /// The token the `id` parameter names; `active` refuses a deleted one.
    private func token(_ call: ServiceCall, partnerId: Int, active: Bool) async throws -> AppToken {
        let id = try call.required("id")
        guard let token = try await context.store.appToken(partnerId: partnerId, id: id) else {
            throw FeedError(.appTokenNotFound, "Application token id \"\(id)\" not found")
        }
        if active && token.status != .active { throw FeedError(.appTokenNotActive, "Application token id \"\(id)\" not active") }
        return token
    }

    /// Sets the fields a client may give; `adding` also takes the token itself.
    private func apply(_ fields: [String: String], to token: inout AppToken, adding: Bool) throws(FeedError) {
        var reader = FieldReader(fields, object: "appToken", maximumListValues: context.limits.maximumListValues)
        if let hashType = reader.text("hashType") {
            guard AppTokenHash(rawValue: hashType.uppercased()) != nil else {
                throw FeedError(.invalidParameter, "appToken:hashType '\(hashType)' is not MD5, SHA1, SHA256 or SHA512")
            }
            token.hashType = hashType.uppercased()
        }
        if let type = try reader.number("sessionType") {
            guard KalturaSession.Kind(rawValue: Int(clamping: type)) != nil else {
                throw FeedError(.invalidParameter, "appToken:sessionType \(type) is not 0 (user) or 2 (admin)")
            }
            token.sessionType = Int(type)
        }
        if let privileges = reader.text("sessionPrivileges") { token.sessionPrivileges = privileges }
        if let user = reader.text("sessionUserId") { token.sessionUserId = user.isEmpty ? nil : user }
        if let duration = try reader.number("sessionDuration") { token.sessionDuration = duration > 0 ? duration : nil }
        if let expiry = try reader.number("expiry") { token.expiry = expiry > 0 ? expiry : nil }
        if let description = reader.text("description") { token.description = description }
        if adding, let secret = reader.text("token"), !secret.isEmpty { token.token = secret }
        for readOnly in ["id", "partnerId", "createdAt", "updatedAt", "status", "token"] { _ = reader.text(readOnly) }
        try reader.finish()
    }

    /// Kaltura's `KalturaAppToken` (with the token: only admins reach this service).
    static func object(_ token: AppToken) -> KalturaObject {
        var fields: [String: KalturaObject.Value] = [
            "id": .string(token.id), "token": .string(token.token), "partnerId": .int(Int64(token.partnerId)),
            "createdAt": .int(token.createdAt), "updatedAt": .int(token.updatedAt), "status": .int(Int64(token.status.rawValue)),
            "sessionType": .int(Int64(token.sessionType)), "sessionPrivileges": .string(token.sessionPrivileges),
            "hashType": .string(token.hashType),
        ]
        if let expiry = token.expiry { fields["expiry"] = .int(expiry) }
        if let user = token.sessionUserId { fields["sessionUserId"] = .string(user) }
        if let duration = token.sessionDuration { fields["sessionDuration"] = .int(duration) }
        if let description = token.description { fields["description"] = .string(description) }
        return KalturaObject(objectType: "KalturaAppToken", fields: fields)
    }
}

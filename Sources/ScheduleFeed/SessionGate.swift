import Crypto
import Foundation
import Schedule
import ScheduleStore
import Sessions

/// Finds who calls from the KS a request carries: a pre-shared feed token (an admin session of its partner), or a
/// KS signed with a partner's secret that has not expired and was not ended.
struct SessionGate: Sendable {
    let store: any CredentialStore
    let tokens: @Sendable () -> TokenBook
    let now: @Sendable () -> Int64

    /// The caller of `ks`. Throws `INVALID_KS`, `EXPIRED_KS`; the messages never quote the KS.
    func caller(_ ks: String) async throws -> Caller {
        let time = now()
        if let token = tokens().token(ks) {
            if let expiry = token.expiresAt, expiry <= time {
                throw FeedError(.expiredKS, "the feed token expired at \(isoTime(expiry))")
            }
            return Caller(
                session: KalturaSession(partnerId: token.partnerId, kind: .admin, userId: "", expiry: token.expiresAt ?? .max), ks: ks)
        }
        guard let partnerId = SessionCodec.partner(of: ks) else { throw FeedError(.invalidKS, "Invalid KS: it is not a KS") }
        let (found, ended) = try await store.sessionCheck(partnerId: partnerId, digest: Self.digest(ks))
        guard let partner = found else { throw FeedError(.invalidKS, "Invalid KS: it is not a KS of any partner") }
        let session: KalturaSession
        do {
            session = try SessionCodec.read(ks, secrets: SessionCodec.Secrets(admin: partner.adminSecret, user: partner.secret))
        } catch .invalid(let reason) {
            throw FeedError(.invalidKS, "Invalid KS: \(reason)")
        }
        guard session.partnerId == partnerId else { throw FeedError(.invalidKS, "Invalid KS: its partner fields disagree") }
        if session.expiry <= time { throw FeedError(.expiredKS, "KS expired at \(isoTime(session.expiry))") }
        if ended { throw FeedError(.invalidKS, "Invalid KS: the session was ended") }
        return Caller(session: session, ks: ks)
    }

    /// What identifies a KS in the store of ended sessions: its SHA-256, never the KS.
    static func digest(_ ks: String) -> String {
        lowercaseHex(SHA256.hash(data: Data(ks.utf8)))
    }
}

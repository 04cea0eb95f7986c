import Crypto
import Foundation
import Schedule
import ScheduleStore
import Sessions
import Synchronization

/// Finds who calls from the KS a request carries: a pre-shared feed token (an admin session of its partner), or a
/// KS signed with a partner's secret that has not expired and was not ended.
///
/// The KSs read are remembered with the secrets that checked them (at most `rememberedLimit`), so a device polling
/// with the same KS is not decrypted again; the partner's secrets and the ended sessions are still read from the
/// store at every call, so a rotation or an end takes effect at once.
struct SessionGate: Sendable {
    let store: any CredentialStore
    let tokens: @Sendable () -> TokenBook
    let now: @Sendable () -> Int64
    private let remembered = Remembered()

    /// The most KSs remembered; past it, the memory starts over.
    static let rememberedLimit = 4_096

    init(store: any CredentialStore, tokens: @escaping @Sendable () -> TokenBook, now: @escaping @Sendable () -> Int64) {
        self.store = store
        self.tokens = tokens
        self.now = now
    }

    /// KSs already read, with the secrets they were read with.
    private final class Remembered: Sendable {
        let sessions = Mutex<[String: (secrets: SessionCodec.Secrets, session: KalturaSession)]>([:])
    }

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
        let secrets = SessionCodec.Secrets(admin: partner.adminSecret, user: partner.secret)
        let session: KalturaSession
        if let known = remembered.sessions.withLock({ $0[ks] }), known.secrets == secrets {
            session = known.session
        } else {
            do {
                session = try SessionCodec.read(ks, secrets: secrets)
            } catch .invalid(let reason) {
                throw FeedError(.invalidKS, "Invalid KS: \(reason)")
            }
            remembered.sessions.withLock { sessions in
                if sessions.count >= Self.rememberedLimit { sessions.removeAll(keepingCapacity: true) }
                sessions[ks] = (secrets, session)
            }
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

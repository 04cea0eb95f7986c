import GRDB

extension SQLiteStore {
    /// Adds a partner; false when the id is taken.
    public func addPartner(_ partner: Partner) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO partners (id, admin_secret, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [partner.id, partner.adminSecret, partner.secret, partner.createdAt, partner.updatedAt])
            return db.changesCount > 0
        }
    }

    /// Every partner, by id.
    public func partners() async throws -> [Partner] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM partners ORDER BY id").map(Self.partner) }
    }

    /// One partner.
    public func partner(id: Int) async throws -> Partner? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM partners WHERE id = ?", arguments: [id]).map(Self.partner) }
    }

    /// Replaces a partner's secrets; false when there is no such partner.
    public func replaceSecrets(partnerId: Int, adminSecret: String, secret: String, at time: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE partners SET admin_secret = ?, secret = ?, updated_at = ? WHERE id = ?",
                arguments: [adminSecret, secret, time, partnerId])
            return db.changesCount > 0
        }
    }

    /// Adds or replaces an app token.
    public func saveAppToken(_ token: AppToken) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO app_tokens (id, partner_id, token, hash_type, session_type, session_user_id,
                        session_privileges, session_duration, expiry, description, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, token.partnerId, token.token, token.hashType, token.sessionType, token.sessionUserId,
                    token.sessionPrivileges, token.sessionDuration, token.expiry, token.description, token.status.rawValue,
                    token.createdAt, token.updatedAt,
                ])
        }
    }

    /// One app token of a partner, deleted ones included.
    public func appToken(partnerId: Int, id: String) async throws -> AppToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM app_tokens WHERE partner_id = ? AND id = ?", arguments: [partnerId, id])
                .map(Self.appToken)
        }
    }

    /// A partner's app tokens that are not deleted, oldest first.
    public func appTokens(partnerId: Int) async throws -> [AppToken] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM app_tokens WHERE partner_id = ? AND status != ? ORDER BY created_at, id",
                arguments: [partnerId, AppToken.Status.deleted.rawValue]
            ).map(Self.appToken)
        }
    }

    /// Ends a session; records of sessions past their expiry are dropped on the way.
    public func endSession(digest: String, expiry: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM ended_sessions WHERE expiry < ?", arguments: [Self.now()])
            try db.execute(sql: "INSERT OR REPLACE INTO ended_sessions (digest, expiry) VALUES (?, ?)", arguments: [digest, expiry])
        }
    }

    /// The partner a KS claims and whether the session with this digest was ended, in one read.
    public func sessionCheck(partnerId: Int, digest: String) async throws -> (partner: Partner?, ended: Bool) {
        try await pool.read { db in
            let partner = try Row.fetchOne(db, sql: "SELECT * FROM partners WHERE id = ?", arguments: [partnerId]).map(Self.partner)
            let ended = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ended_sessions WHERE digest = ?)", arguments: [digest])
            return (partner, ended ?? false)
        }
    }

    private static func partner(_ row: Row) -> Partner {
        Partner(
            id: row["id"], adminSecret: row["admin_secret"], secret: row["secret"], createdAt: row["created_at"],
            updatedAt: row["updated_at"])
    }

    private static func appToken(_ row: Row) -> AppToken {
        AppToken(
            id: row["id"], partnerId: row["partner_id"], token: row["token"], hashType: row["hash_type"],
            sessionType: row["session_type"], sessionUserId: row["session_user_id"], sessionPrivileges: row["session_privileges"],
            sessionDuration: row["session_duration"], expiry: row["expiry"], description: row["description"],
            status: AppToken.Status(rawValue: row["status"]) ?? .deleted, createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}

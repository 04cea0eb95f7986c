extension PostgresStore {
    /// Adds a partner; false when the id is taken.
    public func addPartner(_ partner: Partner) async throws -> Bool {
        try await session { session in
            try session.execute(
                """
                INSERT INTO partners (id, admin_secret, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                [
                    .integer(Int64(partner.id)), .text(partner.adminSecret), .text(partner.secret), .integer(partner.createdAt),
                    .integer(partner.updatedAt),
                ]) > 0
        }
    }

    /// Every partner, by id.
    public func partners() async throws -> [Partner] {
        try await session { session in try session.rows("SELECT * FROM partners ORDER BY id").map(Self.partner) }
    }

    /// One partner.
    public func partner(id: Int) async throws -> Partner? {
        try await session { session in
            try session.rows("SELECT * FROM partners WHERE id = $1", [.integer(Int64(id))]).first.map(Self.partner)
        }
    }

    /// Replaces a partner's secrets; false when there is no such partner.
    public func replaceSecrets(partnerId: Int, adminSecret: String, secret: String, at time: Int64) async throws -> Bool {
        try await session { session in
            try session.execute(
                "UPDATE partners SET admin_secret = $1, secret = $2, updated_at = $3 WHERE id = $4",
                [.text(adminSecret), .text(secret), .integer(time), .integer(Int64(partnerId))]) > 0
        }
    }

    /// Adds or replaces an app token.
    public func saveAppToken(_ token: AppToken) async throws {
        try await session { session in
            try session.execute(
                """
                INSERT INTO app_tokens (id, partner_id, token, hash_type, session_type, session_user_id, session_privileges,
                    session_duration, expiry, description, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (id) DO UPDATE SET partner_id = $2, token = $3, hash_type = $4, session_type = $5,
                    session_user_id = $6, session_privileges = $7, session_duration = $8, expiry = $9, description = $10,
                    status = $11, created_at = $12, updated_at = $13
                """,
                [
                    .text(token.id), .integer(Int64(token.partnerId)), .text(token.token), .text(token.hashType),
                    .integer(Int64(token.sessionType)), .text(token.sessionUserId), .text(token.sessionPrivileges),
                    .integer(token.sessionDuration), .integer(token.expiry), .text(token.description),
                    .integer(Int64(token.status.rawValue)), .integer(token.createdAt), .integer(token.updatedAt),
                ])
        }
    }

    /// One app token of a partner, deleted ones included.
    public func appToken(partnerId: Int, id: String) async throws -> AppToken? {
        try await session { session in
            try session.rows("SELECT * FROM app_tokens WHERE partner_id = $1 AND id = $2", [.integer(Int64(partnerId)), .text(id)])
                .first.map(Self.appToken)
        }
    }

    /// A partner's app tokens that are not deleted, oldest first.
    public func appTokens(partnerId: Int) async throws -> [AppToken] {
        try await session { session in
            try session.rows(
                "SELECT * FROM app_tokens WHERE partner_id = $1 AND status != $2 ORDER BY created_at, id",
                [.integer(Int64(partnerId)), .integer(Int64(AppToken.Status.deleted.rawValue))]
            ).map(Self.appToken)
        }
    }

    /// Ends a session; records of sessions past their expiry are dropped on the way.
    public func endSession(digest: String, expiry: Int64) async throws {
        try await transaction { session in
            try session.execute("DELETE FROM ended_sessions WHERE expiry < $1", [.integer(Self.now())])
            try session.execute(
                "INSERT INTO ended_sessions (digest, expiry) VALUES ($1, $2) ON CONFLICT (digest) DO UPDATE SET expiry = $2",
                [.text(digest), .integer(expiry)])
        }
    }

    /// The partner a KS claims and whether the session with this digest was ended, in one read.
    public func sessionCheck(partnerId: Int, digest: String) async throws -> (partner: Partner?, ended: Bool) {
        try await snapshot { session in
            let partner = try session.rows("SELECT * FROM partners WHERE id = $1", [.integer(Int64(partnerId))]).first.map(Self.partner)
            let ended = try session.integer("SELECT count(*) FROM ended_sessions WHERE digest = $1", [.text(digest)]) ?? 0
            return (partner, ended > 0)
        }
    }

    private static func partner(_ row: PostgresColumns) -> Partner {
        Partner(
            id: Int(row.integer("id") ?? 0), adminSecret: row.text("admin_secret") ?? "", secret: row.text("secret") ?? "",
            createdAt: row.integer("created_at") ?? 0, updatedAt: row.integer("updated_at") ?? 0)
    }

    private static func appToken(_ row: PostgresColumns) -> AppToken {
        AppToken(
            id: row.text("id") ?? "", partnerId: Int(row.integer("partner_id") ?? 0), token: row.text("token") ?? "",
            hashType: row.text("hash_type") ?? "", sessionType: Int(row.integer("session_type") ?? 0),
            sessionUserId: row.text("session_user_id"), sessionPrivileges: row.text("session_privileges") ?? "",
            sessionDuration: row.integer("session_duration"), expiry: row.integer("expiry"), description: row.text("description"),
            status: AppToken.Status(rawValue: Int(row.integer("status") ?? 0)) ?? .deleted, createdAt: row.integer("created_at") ?? 0,
            updatedAt: row.integer("updated_at") ?? 0)
    }
}

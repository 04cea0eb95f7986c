import Foundation
import GRDB

/// Copies a SQLite store into an empty PostgreSQL store, whole and with every id kept: events, resources and their
/// links, files, jobs and reports (with their texts), folder status, pinned host keys, partners, app tokens, ended
/// sessions and the data version (`scheduledrop migrate --from sqlite:PATH --to postgresql://…`).
///
/// The copy is one PostgreSQL transaction read from one SQLite snapshot: it lands whole or not at all. Rows go over in
/// statements of a few hundred, so neither side holds a whole table.
public enum StoreCopy {
    /// The tables copied, in an order that inserts every row after the rows it refers to, with their columns.
    static let tables: [(name: String, columns: [String], order: String)] = [
        ("partners", ["id", "admin_secret", "secret", "created_at", "updated_at"], "id"),
        (
            "app_tokens",
            [
                "id", "partner_id", "token", "hash_type", "session_type", "session_user_id", "session_privileges", "session_duration",
                "expiry", "description", "status", "created_at", "updated_at",
            ], "id"
        ),
        ("ended_sessions", ["digest", "expiry"], "digest"),
        ("resources", StoreStatements.resourceColumns.components(separatedBy: ", "), "id"),
        (
            "events",
            [
                "id", "partner_id", "reference_id", "recurrence_key", "type", "status", "recurrence_type", "parent_id", "summary",
                "description", "location", "organizer", "start_date", "end_date", "time_zone_id", "sequence", "created_at", "updated_at",
                "tags", "category_ids", "entry_ids", "template_entry_id", "recurrence_rule", "source", "owner_id", "priority",
            ], "id"
        ),
        ("event_resources", ["event_id", "resource_id", "start_date", "end_date", "candidate"], "event_id, resource_id"),
        (
            "files",
            [
                "id", "folder_id", "path", "size", "modified", "etag", "state", "error_code", "error_message", "sha256", "first_seen_at",
                "updated_at",
            ], "id"
        ),
        ("jobs", ["id", "file_id", "kind", "created_at", "finished_at", "run_id", "cut_off"], "id"),
        (
            "reports",
            [
                "id", "job_id", "file_id", "folder_id", "partner_id", "status", "added", "updated", "cancelled", "deleted", "unchanged",
                "rejected", "warnings", "code", "created_at",
            ], "id"
        ),
        (
            "folder_status",
            [
                "folder_id", "kind", "last_poll_at", "last_success_at", "last_error_code", "last_error_message", "consecutive_failures",
                "next_poll_at",
            ], "folder_id"
        ),
        ("host_keys", ["folder_id", "host", "key", "fingerprint", "pinned_at"], "folder_id, host"),
    ]

    /// The tables whose ids PostgreSQL generates, whose sequences must go on after the copied ids.
    static let generatedIds = ["events", "resources", "files", "jobs", "reports"]

    /// Copies `source` into `destination`; returns the rows copied by table. Throws, copying nothing, if the destination
    /// already holds events, resources, files or partners.
    public static func copy(from source: SQLiteStore, to destination: PostgresStore) async throws -> [(table: String, rows: Int)] {
        let pool = source.pool
        return try await destination.transaction { session in
            let held = try session.integer(
                "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM resources) + (SELECT count(*) FROM files) + (SELECT count(*) FROM partners)"
            )
            guard held == 0 else {
                throw PostgresStoreError(message: "the destination store is not empty: a copy goes into a new database only")
            }
            return try pool.read { db in
                var counts: [(table: String, rows: Int)] = []
                for table in tables {
                    counts.append((table.name, try copy(table, from: db, to: session)))
                }
                counts.append(("report texts", try copyReportTexts(from: db, to: session)))
                let version = try Int64.fetchOne(db, sql: "SELECT version FROM data_version") ?? 0
                try session.execute("UPDATE data_version SET version = $1", [.integer(version)])
                for table in generatedIds {
                    try session.execute(
                        "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)")
                }
                return counts
            }
        }
    }

    /// Copies one table's rows in statements of at most 500 rows; returns how many.
    private static func copy(
        _ table: (name: String, columns: [String], order: String), from db: Database, to session: PostgresSession
    ) throws -> Int {
        let columns = table.columns.joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(table.name) ORDER BY \(table.order)")
        var batch: [[SQLValue]] = []
        var count = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let row = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
            try session.execute(
                SQLDialect.postgres.numbered(
                    "INSERT INTO \(table.name) (\(columns)) VALUES " + Array(repeating: row, count: batch.count).joined(separator: ", ")),
                batch.flatMap { $0 })
            count += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        while let row = try cursor.next() {
            batch.append(
                (0..<table.columns.count).map { index in
                    switch row[index] as DatabaseValue {
                    case let value where value.isNull: .null
                    case let value: Int64.fromDatabaseValue(value).map { .integer($0) } ?? .text(String.fromDatabaseValue(value))
                    }
                })
            if batch.count == 500 { try flush() }
        }
        try flush()
        return count
    }

    /// Copies each report's JSON, one report at a time, in pieces of at most a megabyte; returns how many reports.
    private static func copyReportTexts(from db: Database, to session: PostgresSession) throws -> Int {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, \(SQLiteStore.reportJSON) FROM reports ORDER BY id")
        var count = 0
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            let json: Data = row[1] ?? Data()
            try session.insertReportPieces(reportId: id, json: .bytes(json))
            count += 1
        }
        return count
    }
}

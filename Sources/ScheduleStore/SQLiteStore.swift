import Foundation
import GRDB
import Schedule
import Synchronization

/// The embedded store: one SQLite database in WAL mode, with versioned migrations.
///
/// Readers run concurrently; writes are serialized on one writer, which is what a job's
/// one-transaction commit needs.
public final class SQLiteStore: StoreBackend {
    let pool: DatabasePool
    /// Listing totals by partner, filter and the data version they were counted at: a device paging through
    /// an unchanged schedule has its total counted once, not once per page.
    private let totals = Mutex<[ListingTotal: Int]>([:])

    private struct ListingTotal: Hashable {
        var partnerId: Int
        var filter: EventFilter
        var dataVersion: Int64
    }

    /// A report row's JSON: in `report_texts` since migration v11, in the row itself before.
    static let reportJSON = "coalesce((SELECT json FROM report_texts WHERE report_id = reports.id), reports.json)"

    /// The page cache of the writer connection, in KiB (SQLite's default is 2 MB).
    static let writerCacheKibibytes = 16 * 1024

    /// Opens (creating if needed) the database at `path`, readable by its owner only, and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            db.add(function: EventQuery.hasWords)
            if !db.configuration.readonly {
                // The writer's page cache holds a large job's indexes, which it writes all over: with SQLite's default
                // (2 MB) their pages spill to the WAL and are read back again and again.
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKibibytes)")
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        // The store holds partners' secrets: only the daemon's user may read it (and its WAL and shared memory).
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
    }

    /// The schema, one registered migration per released change; never edit a released one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events, resources, files, jobs, reports") { db in
            try db.execute(sql: Schema.version1)
        }
        migrator.registerMigration("v2: folder status") { db in
            try db.execute(sql: Schema.version2)
        }
        migrator.registerMigration("v3: Kaltura event fields, series sources") { db in
            try db.execute(sql: Schema.version3)
        }
        migrator.registerMigration("v4: data version") { db in
            try db.execute(sql: Schema.version4)
        }
        migrator.registerMigration("v5: listing index") { db in
            try db.execute(sql: Schema.version5)
        }
        migrator.registerMigration("v6: next poll") { db in
            try db.execute(sql: Schema.version6)
        }
        migrator.registerMigration("v7: pinned host keys") { db in
            try db.execute(sql: Schema.version7)
        }
        migrator.registerMigration("v8: owner, priority, resource lookups") { db in
            try db.execute(sql: Schema.version8)
        }
        migrator.registerMigration("v9: partners, app tokens, ended sessions") { db in
            try db.execute(sql: Schema.version9)
        }
        migrator.registerMigration("v10: job runs cut off") { db in
            try db.execute(sql: Schema.version10)
        }
        migrator.registerMigration("v11: resource links with their times, report texts") { db in
            try db.execute(sql: Schema.version11)
        }
        return migrator
    }

    /// The newest row of every path of the folder.
    public func latestFiles(folderId: String) async throws -> [StoredFile] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM files WHERE id IN (SELECT max(id) FROM files WHERE folder_id = ? GROUP BY path)
                    """,
                arguments: [folderId]
            ).map(Self.storedFile)
        }
    }

    /// The row with this id.
    public func file(id: Int64) async throws -> StoredFile? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM files WHERE id = ?", arguments: [id]).map(Self.storedFile) }
    }

    /// Every row of one path, oldest first.
    public func versions(folderId: String, path: String) async throws -> [StoredFile] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM files WHERE folder_id = ? AND path = ? ORDER BY id", arguments: [folderId, path])
                .map(Self.storedFile)
        }
    }

    /// Updates the path's one `uploading` row in place, so a growing file leaves one row.
    public func recordUploading(_ identity: FileIdentity) async throws {
        try await pool.write { db in
            if try Self.fileId(db, identity) != nil { return }
            let now = Self.now()
            try db.execute(
                sql: """
                    UPDATE files SET size = ?, modified = ?, etag = ?, updated_at = ?
                    WHERE folder_id = ? AND path = ? AND state = '\(FileState.uploading.rawValue)'
                    """,
                arguments: [identity.size, identity.modified, identity.etag, now, identity.folderId, identity.path]
            )
            if db.changesCount == 0 {
                try Self.insertFile(db, identity, state: .uploading)
            }
        }
    }

    /// Adds an `ignored` row, replacing the path's `uploading` row.
    public func recordIgnored(_ identity: FileIdentity, code: String, message: String) async throws {
        try await pool.write { db in
            if try Self.fileId(db, identity) != nil { return }
            try Self.deleteUploadingRow(db, identity)
            let id = try Self.insertFile(db, identity, state: .ignored)
            try db.execute(sql: "UPDATE files SET error_code = ?, error_message = ? WHERE id = ?", arguments: [code, message, id])
        }
    }

    /// Deletes the path's `uploading` row and sets `purged` on its handled, failed and ignored rows.
    public func markPurged(folderId: String, path: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM files WHERE folder_id = ? AND path = ? AND state = '\(FileState.uploading.rawValue)'",
                arguments: [folderId, path])
            try db.execute(
                sql: """
                    UPDATE files SET state = '\(FileState.purged.rawValue)', updated_at = ?
                    WHERE folder_id = ? AND path = ? AND state IN ('\(FileState.handled.rawValue)', '\(FileState.error.rawValue)', '\(FileState.ignored.rawValue)')
                    """,
                arguments: [Self.now(), folderId, path]
            )
        }
    }

    /// Inserts the version as `pending` with a job in one transaction; the unique identity index is the gate.
    public func claim(_ identity: FileIdentity, kind: FileKind) async throws -> JobTicket? {
        try await pool.write { db in
            if try Self.fileId(db, identity) != nil { return nil }
            try Self.deleteUploadingRow(db, identity)
            let fileId = try Self.insertFile(db, identity, state: .pending)
            return try Self.insertJob(db, fileId: fileId, kind: kind, identity: identity, state: .pending)
        }
    }

    /// Deletes the job (it has no report) and the version's row if no job of it has a report.
    public func releaseClaim(_ ticket: JobTicket) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM jobs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM reports WHERE job_id = jobs.id)",
                arguments: [ticket.jobId])
            try db.execute(
                sql: "DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE file_id = files.id)",
                arguments: [ticket.file.id])
        }
    }

    /// Reuses the version's row (set back to `pending`) or adds it, and adds a job.
    public func openJob(for identity: FileIdentity, kind: FileKind) async throws -> JobTicket {
        try await pool.write { db in
            let fileId = try Self.fileId(db, identity) ?? Self.insertFile(db, identity, state: .pending)
            try db.execute(
                sql: "UPDATE files SET state = '\(FileState.pending.rawValue)', error_code = NULL, error_message = NULL WHERE id = ?",
                arguments: [fileId])
            return try Self.insertJob(db, fileId: fileId, kind: kind, identity: identity, state: .pending)
        }
    }

    /// Jobs without an end, oldest first, with their file rows.
    public func unfinishedJobs(folderId: String) async throws -> [JobTicket] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT jobs.id AS job_id, files.* FROM jobs JOIN files ON files.id = jobs.file_id
                    WHERE files.folder_id = ? AND jobs.finished_at IS NULL ORDER BY jobs.id
                    """,
                arguments: [folderId]
            ).map { JobTicket(jobId: $0["job_id"], file: Self.storedFile($0)) }
        }
    }

    /// None: the one daemon of a SQLite store resumes its unfinished jobs as it starts.
    public func abandonedJobs(folderId: String) async throws -> [JobTicket] { [] }

    /// None: no other daemon could take a job of a SQLite store, so its leases need no renewal.
    public var leaseRenewal: Duration? { nil }

    /// Granted: a SQLite store serves one daemon, so no other holds a job.
    public func holdJob(_ ticket: JobTicket) async throws -> Bool { true }

    /// Granted: a SQLite store serves one daemon, so no other holds a lease.
    public func hold(_ name: String, for seconds: Int64) async throws -> Bool { true }

    /// Sets the version `processing` and records that `run` starts the job; returns how many earlier runs started it
    /// and ended before it did (a run other than `run` left it started and unfinished).
    public func startJob(_ ticket: JobTicket, run: String) async throws -> Int {
        try await pool.write { db in
            let row = try Row.fetchOne(db, sql: "SELECT run_id, cut_off FROM jobs WHERE id = ?", arguments: [ticket.jobId])
            let previous: String? = row?["run_id"]
            var cutOff: Int = row?["cut_off"] ?? 0
            if let previous, previous != run { cutOff += 1 }
            try db.execute(sql: "UPDATE jobs SET run_id = ?, cut_off = ? WHERE id = ?", arguments: [run, cutOff, ticket.jobId])
            try db.execute(
                sql: "UPDATE files SET state = ?, error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?",
                arguments: [FileState.processing.rawValue, Self.now(), ticket.file.id])
            return cutOff
        }
    }

    /// Sets the state and error; a final state other than `handled` also ends the version's open jobs.
    public func setFileState(fileId: Int64, _ state: FileState, code: String?, message: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE files SET state = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, code, message, Self.now(), fileId]
            )
            if !state.isUnfinished && state != .handled {
                try db.execute(
                    sql: "UPDATE jobs SET finished_at = ? WHERE file_id = ? AND finished_at IS NULL",
                    arguments: [Self.now(), fileId]
                )
            }
        }
    }

    /// Runs `body` in one write transaction on the single writer connection.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await pool.write { db in
            let transaction = SQLiteTransaction(db: db)
            let result = try body(transaction)
            if transaction.changedSchedule {
                try db.execute(sql: "UPDATE data_version SET version = version + 1")
            }
            return result
        }
    }

    /// The partner's events ordered by id.
    public func events(partnerId: Int) async throws -> [ScheduleEvent] {
        try await pool.read { db in
            try SQLiteTransaction.events(db.makeStatement(sql: StoreStatements.sqlite.eventsOfPartner), arguments: [partnerId])
        }
    }

    /// Counts and reads the page in one read transaction, so both see the same data; the count is remembered for
    /// the data version it was made at (at most 1,000 totals, all forgotten when that many are kept), and the page's
    /// statement of a short query stays prepared.
    public func events(partnerId: Int, filter: EventFilter, pager: Pager) async throws -> EventPage {
        let query = EventQuery(partnerId: partnerId, filter: filter)
        return try await pool.read { db in
            let version = try Self.dataVersion(db)
            var counted = filter
            counted.orderBy = []
            let key = ListingTotal(partnerId: partnerId, filter: counted, dataVersion: version)
            let total: Int
            if let known = self.totals.withLock({ $0[key] }) {
                total = known
            } else {
                total = try Int.fetchOne(db, sql: query.count, arguments: query.arguments) ?? 0
                self.totals.withLock { totals in
                    if totals.count >= 1_000 { totals.removeAll() }
                    totals[key] = total
                }
            }
            let sql = query.selection + " LIMIT ? OFFSET ?"
            let events = try SQLiteTransaction.events(
                query.isShort ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql),
                arguments: query.arguments + [pager.pageSize, pager.offset])
            return EventPage(events: events, totalCount: total, dataVersion: version)
        }
    }

    /// Reads the selection in one query.
    public func events(partnerId: Int, filter: EventFilter) async throws -> [ScheduleEvent] {
        let query = EventQuery(partnerId: partnerId, filter: filter)
        return try await pool.read { db in
            try SQLiteTransaction.events(db.makeStatement(sql: query.selection), arguments: query.arguments)
        }
    }

    /// Looks behind by the longest active event the partner has, so that no overlapping event is missed.
    public func conflicts(
        partnerId: Int, start: Int64, end: Int64, resourceIds: [Int64], kinds: ConflictKinds, ignoring: Int64?
    ) async throws -> [ScheduleEvent] {
        try await pool.read { db in
            let longest = try Int64.fetchOne(db, sql: StoreStatements.sqlite.longestEvent, arguments: [partnerId])
            let search = ConflictSearch(reader: SQLiteReader(db: db), partnerId: partnerId, lookBehind: longest ?? 0, ignoring: ignoring)
            let ids = Array(Set(try search.overlaps(resourceIds: resourceIds, start: start, end: end, kinds: kinds).map(\.eventId)))
            guard !ids.isEmpty else { return [] }
            return try SQLiteTransaction.events(
                db.makeStatement(sql: StoreStatements.sqlite.events(ids: ids.count)), arguments: StatementArguments(ids))
        }
    }

    /// Upserts the folder's status row: a success clears the error.
    public func recordPoll(_ poll: FolderPoll) async throws {
        let now = Self.now()
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO folder_status (folder_id, kind, last_poll_at, last_success_at, last_error_code, last_error_message,
                    consecutive_failures, next_poll_at) VALUES (?1, ?2, ?3, CASE WHEN ?4 IS NULL THEN ?3 END, ?4, ?5, ?6, ?7)
                    ON CONFLICT (folder_id) DO UPDATE SET kind = ?2, last_poll_at = ?3,
                    last_success_at = CASE WHEN ?4 IS NULL THEN ?3 ELSE last_success_at END,
                    last_error_code = ?4, last_error_message = ?5, consecutive_failures = ?6, next_poll_at = ?7
                    """,
                arguments: [
                    poll.folderId, poll.kind, now, poll.error?.code, poll.error?.message, poll.consecutiveFailures, now + poll.nextPollIn,
                ])
        }
    }

    /// The SSH host key pinned for a folder's server (`name:port`), as known_hosts writes it; nil if none.
    public func pinnedHostKey(folderId: String, host: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT key FROM host_keys WHERE folder_id = ? AND host = ?", arguments: [folderId, host])
        }
    }

    /// Pins a folder server's SSH host key; a key pinned before is kept (the first one wins).
    public func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO host_keys (folder_id, host, key, fingerprint, pinned_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [folderId, host, key, fingerprint, Self.now()])
        }
    }

    /// Every folder with a status row or a file, by id, with its files counted by state and its files' error codes.
    public func folderStatuses() async throws -> [FolderStatus] {
        try await pool.read { db in
            var statuses: [String: FolderStatus] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM folder_status") {
                let id: String = row["folder_id"]
                statuses[id] = FolderStatus(
                    folderId: id, kind: row["kind"], lastPollAt: row["last_poll_at"], lastSuccessAt: row["last_success_at"],
                    lastErrorCode: row["last_error_code"], lastErrorMessage: row["last_error_message"],
                    consecutiveFailures: row["consecutive_failures"], nextPollAt: row["next_poll_at"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT folder_id, state, count(*) AS n FROM files GROUP BY folder_id, state") {
                let id: String = row["folder_id"]
                guard let state = FileState(rawValue: row["state"]) else { continue }
                statuses[id, default: FolderStatus(folderId: id, kind: "")].files[state] = row["n"]
            }
            let coded = try Row.fetchAll(
                db,
                sql: """
                    SELECT folder_id, path, state, error_code, error_message FROM files
                    WHERE id IN (SELECT max(id) FROM files GROUP BY folder_id, path) AND error_code IS NOT NULL AND state != ?
                    ORDER BY updated_at DESC, id DESC
                    """,
                arguments: [FileState.purged.rawValue])
            for row in coded {
                statuses[row["folder_id"] as String]?.countError(
                    code: row["error_code"], path: row["path"], state: FileState(rawValue: row["state"]) ?? .error,
                    message: row["error_message"] ?? "")
            }
            return statuses.values.sorted { $0.folderId < $1.folderId }
        }
    }

    /// Counts and reads the page in one read transaction.
    public func eventResources(
        partnerId: Int, filter: EventResourceFilter, pager: Pager
    ) async throws -> (links: [EventResourceLink], totalCount: Int) {
        var conditions = "events.partner_id = ? AND events.status != \(EventStatus.deleted.rawValue)"
        var ids: [Int64] = [Int64(partnerId)]
        for (column, selected) in [("event_resources.event_id", filter.eventIds), ("event_resources.resource_id", filter.resourceIds)] {
            guard let selected else { continue }
            conditions += " AND \(column) IN (\(Array(repeating: "?", count: selected.count).joined(separator: ",")))"
            ids += selected
        }
        let from = "FROM event_resources JOIN events ON events.id = event_resources.event_id WHERE \(conditions)"
        let arguments = ids
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: StatementArguments(arguments)) ?? 0
            let links = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_resources.event_id, event_resources.resource_id, events.created_at, events.updated_at \(from) \
                    ORDER BY event_resources.event_id, event_resources.resource_id LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments + [Int64(pager.pageSize), Int64(pager.offset)])
            ).map { row in
                EventResourceLink(eventId: row[0], resourceId: row[1], partnerId: partnerId, createdAt: row[2], updatedAt: row[3])
            }
            return (links, total)
        }
    }

    /// The partner's resource rows ordered by id.
    public func resources(partnerId: Int) async throws -> [ScheduleResource] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: StoreStatements.sqlite.resourcesOfPartner, arguments: [partnerId]).map(StoreStatements.resource)
        }
    }

    /// The number of the partner's event rows.
    public func eventCount(partnerId: Int) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE partner_id = ?", arguments: [partnerId]) ?? 0
        }
    }

    /// The stored JSON reports of the version, decoded.
    public func reports(fileId: Int64) async throws -> [IngestionReport] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT \(Self.reportJSON) FROM reports WHERE file_id = ? ORDER BY id", arguments: [fileId])
                .map { try JSONDecoder().decode(IngestionReport.self, from: Data($0.utf8)) }
        }
    }

    /// The newest stored report of the version with its job's id.
    public func lastReport(fileId: Int64) async throws -> (jobId: Int64, report: IngestionReport)? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT job_id, \(Self.reportJSON) AS json FROM reports WHERE file_id = ? ORDER BY id DESC LIMIT 1",
                arguments: [fileId]
            )
            .map(Self.storedReport)
        }
    }

    /// The filter's conditions as one parameterized query over reports joined to their files.
    public func reportSummaries(_ filter: ReportFilter) async throws -> [ReportSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if filter.failedOnly { conditions.append("(reports.status = '\(ReportStatus.error.rawValue)' OR reports.rejected > 0)") }
        if let since = filter.since {
            conditions.append("reports.created_at >= ?")
            arguments += [since]
        }
        if let folder = filter.folderId {
            conditions.append("reports.folder_id = ?")
            arguments += [folder]
        }
        if let partner = filter.partnerId {
            conditions.append("reports.partner_id = ?")
            arguments += [partner]
        }
        if let text = filter.pathContains {
            conditions.append("instr(files.path, ?) > 0")
            arguments += [text]
        }
        arguments += [filter.limit]
        let sql = """
            SELECT reports.*, files.path FROM reports JOIN files ON files.id = reports.file_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY reports.id DESC LIMIT ?
            """
        let bound = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).map { row in
                var counts = ReportCounts()
                counts.added = row["added"]
                counts.updated = row["updated"]
                counts.cancelled = row["cancelled"]
                counts.deleted = row["deleted"]
                counts.unchanged = row["unchanged"]
                counts.rejected = row["rejected"]
                counts.warnings = row["warnings"]
                return ReportSummary(
                    id: row["id"], jobId: row["job_id"], fileId: row["file_id"], folderId: row["folder_id"], path: row["path"],
                    status: row["status"],
                    code: row["code"], counts: counts, createdAt: row["created_at"])
            }
        }
    }

    /// The stored JSON of the report, decoded, with its job id.
    public func report(id: Int64) async throws -> (jobId: Int64, report: IngestionReport)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT job_id, \(Self.reportJSON) AS json FROM reports WHERE id = ?", arguments: [id]).map(
                Self.storedReport)
        }
    }

    /// A report row's job id and decoded report.
    private static func storedReport(_ row: Row) throws -> (jobId: Int64, report: IngestionReport) {
        (row["job_id"], try JSONDecoder().decode(IngestionReport.self, from: row["json"] as Data))
    }

    /// The number of reports stored for the version.
    public func finishedJobCount(fileId: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM reports WHERE file_id = ?", arguments: [fileId]) ?? 0
        }
    }

    /// The job's row joined to its file's, and its report if stored.
    public func job(id: Int64) async throws -> JobStatus? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT jobs.id AS job_id, jobs.created_at AS job_created_at, jobs.finished_at, files.*, \(Self.reportJSON) AS json
                        FROM jobs JOIN files ON files.id = jobs.file_id LEFT JOIN reports ON reports.job_id = jobs.id WHERE jobs.id = ?
                        """, arguments: [id])
            else { return nil }
            let json: Data? = row["json"]
            return JobStatus(
                jobId: row["job_id"], file: Self.storedFile(row), createdAt: row["job_created_at"], finishedAt: row["finished_at"],
                report: try json.map { try JSONDecoder().decode(IngestionReport.self, from: $0) })
        }
    }

    /// Reads the one-row counter.
    public func dataVersion() async throws -> Int64 {
        try await pool.read(Self.dataVersion)
    }

    private static func dataVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM data_version") ?? 0
    }

    /// The identifiers of the schema migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// SQLite's plan for `sql` (its `EXPLAIN QUERY PLAN` details joined by "; "), to check that lookups use their index.
    func queryPlan(_ sql: String, arguments: StatementArguments) async throws -> String {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                .joined(separator: "; ")
        }
    }

    // MARK: - Rows

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    private static func fileId(_ db: Database, _ identity: FileIdentity) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT id FROM files WHERE folder_id = ? AND path = ? AND size = ? AND modified = ? AND etag = ?
                AND state != '\(FileState.uploading.rawValue)'
                """,
            arguments: [identity.folderId, identity.path, identity.size, identity.modified, identity.etag]
        )
    }

    private static func deleteUploadingRow(_ db: Database, _ identity: FileIdentity) throws {
        try db.execute(
            sql: "DELETE FROM files WHERE folder_id = ? AND path = ? AND state = '\(FileState.uploading.rawValue)'",
            arguments: [identity.folderId, identity.path]
        )
    }

    @discardableResult
    private static func insertFile(_ db: Database, _ identity: FileIdentity, state: FileState) throws -> Int64 {
        let now = now()
        try db.execute(
            sql: """
                INSERT INTO files (folder_id, path, size, modified, etag, state, first_seen_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [identity.folderId, identity.path, identity.size, identity.modified, identity.etag, state.rawValue, now, now]
        )
        return db.lastInsertedRowID
    }

    private static func insertJob(
        _ db: Database, fileId: Int64, kind: FileKind, identity: FileIdentity, state: FileState
    ) throws -> JobTicket {
        try db.execute(
            sql: "INSERT INTO jobs (file_id, kind, created_at) VALUES (?, ?, ?)",
            arguments: [fileId, kind.rawValue, now()]
        )
        return JobTicket(jobId: db.lastInsertedRowID, file: StoredFile(id: fileId, identity: identity, state: state))
    }

    static func storedFile(_ row: Row) -> StoredFile {
        StoredFile(
            id: row["id"],
            identity: FileIdentity(
                folderId: row["folder_id"], path: row["path"], size: row["size"], modified: row["modified"], etag: row["etag"]
            ),
            state: FileState(rawValue: row["state"]) ?? .error,
            errorCode: row["error_code"],
            errorMessage: row["error_message"]
        )
    }
}

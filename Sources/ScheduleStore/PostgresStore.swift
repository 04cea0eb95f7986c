import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Schedule

/// The shared store: one PostgreSQL database that several daemons use at once (SPEC §5's fleet).
///
/// Its connections come from a pool (`PostgresClient`); each operation leases one and runs its statements on the
/// store's own threads, one after the other, as SQLite's store does. A job's transaction locks the partners it writes
/// (`PostgresTransaction`); the ledger's claims are decided by the database's unique index on a file version, so a
/// version is claimed by one daemon of the fleet only.
public final class PostgresStore: StoreBackend {
    /// Where the database is.
    public let url: PostgresURL
    /// This daemon among the fleet's, as its leases name it: new for each store opened.
    public let holder: String
    /// How long a lease lasts unless its holder renews it, in seconds.
    public let leaseSeconds: Int64
    /// A third of a lease's length.
    public var leaseRenewal: Duration? { .milliseconds(leaseSeconds * 1000 / 3) }
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger: Logger
    private static let threads = DispatchQueue(label: "scheduledrop.postgres", attributes: .concurrent)

    /// The key space of store-wide session locks (`pg_advisory_lock(space, key)`); key 0 guards the migrations.
    static let storeLockSpace: Int64 = 2

    /// Connects to the database at `url` (with `password`, if the server asks for one) and brings its schema up to date;
    /// throws if the server cannot be reached, refuses the login, or the schema cannot be migrated.
    ///
    /// Its leases last `leaseSeconds` unless renewed: a daemon that dies loses its jobs to the others that long after.
    /// It opens at most `maximumConnections` connections: a job holds one for its transaction (waiting there for its
    /// partner's lock while another job of the partner commits), and the leases' renewals need some beside them.
    public init(url: PostgresURL, password: String?, maximumConnections: Int = 20, leaseSeconds: Int64 = 60) async throws {
        self.url = url
        holder = UUID().uuidString
        self.leaseSeconds = leaseSeconds
        logger = Logger(label: "scheduledrop.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        // One connection of its own first: a refused login or an unreachable server is told at once in the server's
        // words (the pool retries behind a circuit breaker), and the schema is migrated on it.
        let first: PostgresConnection
        do {
            first = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: url.host, port: url.port, username: url.user, password: password, database: url.database,
                    tls: try Self.connectionTLS(url.tls)),
                id: 0, logger: logger)
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
        do {
            try await Self.run(first, logger, Self.migrate)
            try await first.close()
        } catch {
            try? await first.close()
            throw error
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: password, database: url.database,
            tls: try Self.poolTLS(url.tls))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    private static func connectionTLS(_ mode: PostgresURL.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private static func poolTLS(_ mode: PostgresURL.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// Runs `body` with a session on `connection`, on the store's own threads.
    private static func run<T: Sendable>(
        _ connection: PostgresConnection, _ logger: Logger, _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            threads.async { continuation.resume(with: Result { try body(PostgresSession(connection: connection, logger: logger)) }) }
        }
    }

    deinit { running.cancel() }

    /// Runs `body` on a leased connection, on the store's own threads.
    @discardableResult
    func session<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        let logger = logger
        return try await client.withConnection { connection in try await Self.run(connection, logger, body) }
    }

    /// Runs `body` in one transaction on a leased connection.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await session { session in try session.inTransaction { try body(session) } }
    }

    /// Runs `body` in one read-only transaction that sees one snapshot of the database throughout.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await session { session in
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? session.execute("COMMIT") }
            return try body(session)
        }
    }

    /// Applies the migrations not applied yet, under a lock, so daemons started together migrate once.
    private static func migrate(_ session: PostgresSession) throws {
        try session.execute("SELECT pg_advisory_lock(\(storeLockSpace)::int, 0)")
        defer { _ = try? session.execute("SELECT pg_advisory_unlock(\(storeLockSpace)::int, 0)") }
        try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at bigint NOT NULL)")
        let applied = Set(try session.rows("SELECT id FROM schema_migrations").compactMap { $0.text(0) })
        for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
            try session.inTransaction {
                for statement in statements(of: migration.sql) { try session.execute(statement) }
                try session.execute(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)", [.text(migration.id), .integer(now())])
            }
        }
    }

    /// The statements of a migration: its text split after each `;` that ends a line.
    private static func statements(of sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    // MARK: - FileLedger

    /// The newest row of every path of the folder.
    public func latestFiles(folderId: String) async throws -> [StoredFile] {
        try await session { session in
            try session.rows(
                "SELECT * FROM files WHERE id IN (SELECT max(id) FROM files WHERE folder_id = $1 GROUP BY path) ORDER BY id",
                [.text(folderId)]
            ).map(Self.storedFile)
        }
    }

    /// Every row of one path, oldest first.
    public func versions(folderId: String, path: String) async throws -> [StoredFile] {
        try await session { session in
            try session.rows("SELECT * FROM files WHERE folder_id = $1 AND path = $2 ORDER BY id", [.text(folderId), .text(path)])
                .map(Self.storedFile)
        }
    }

    /// The row with this id.
    public func file(id: Int64) async throws -> StoredFile? {
        try await session { session in try session.rows("SELECT * FROM files WHERE id = $1", [.integer(id)]).first.map(Self.storedFile) }
    }

    /// Updates the path's one `uploading` row in place, or adds it.
    public func recordUploading(_ identity: FileIdentity) async throws {
        try await transaction { session in
            try Self.lockPath(session, identity.folderId, identity.path)
            if try Self.fileId(session, identity) != nil { return }
            let changed = try session.execute(
                """
                UPDATE files SET size = $1, modified = $2, etag = $3, updated_at = $4
                WHERE folder_id = $5 AND path = $6 AND state = '\(FileState.uploading.rawValue)'
                """,
                [
                    .integer(identity.size), .integer(identity.modified), .text(identity.etag), .integer(Self.now()),
                    .text(identity.folderId), .text(identity.path),
                ])
            if changed == 0 { _ = try Self.insertFile(session, identity, state: .uploading) }
        }
    }

    /// Adds an `ignored` row, replacing the path's `uploading` row.
    public func recordIgnored(_ identity: FileIdentity, code: String, message: String) async throws {
        try await transaction { session in
            try Self.lockPath(session, identity.folderId, identity.path)
            if try Self.fileId(session, identity) != nil { return }
            try Self.deleteUploadingRow(session, identity)
            guard let id = try Self.insertFile(session, identity, state: .ignored) else { return }
            try session.execute(
                "UPDATE files SET error_code = $1, error_message = $2 WHERE id = $3", [.text(code), .text(message), .integer(id)])
        }
    }

    /// Deletes the path's `uploading` row and sets `purged` on its handled, failed and ignored rows.
    public func markPurged(folderId: String, path: String) async throws {
        try await transaction { session in
            try Self.lockPath(session, folderId, path)
            try session.execute(
                "DELETE FROM files WHERE folder_id = $1 AND path = $2 AND state = '\(FileState.uploading.rawValue)'",
                [.text(folderId), .text(path)])
            try session.execute(
                """
                UPDATE files SET state = '\(FileState.purged.rawValue)', updated_at = $1 WHERE folder_id = $2 AND path = $3
                AND state IN ('\(FileState.handled.rawValue)', '\(FileState.error.rawValue)', '\(FileState.ignored.rawValue)')
                """,
                [.integer(Self.now()), .text(folderId), .text(path)])
        }
    }

    /// The unique index on a version's identity decides between daemons that claim it at once: the one whose insert
    /// lands gets the job, the others nil.
    public func claim(_ identity: FileIdentity, kind: FileKind) async throws -> JobTicket? {
        try await transaction { session in
            try Self.lockPath(session, identity.folderId, identity.path)
            if try Self.fileId(session, identity) != nil { return nil }
            try Self.deleteUploadingRow(session, identity)
            guard let fileId = try Self.insertFile(session, identity, state: .pending) else { return nil }
            let ticket = try Self.insertJob(session, fileId: fileId, kind: kind, identity: identity, state: .pending)
            _ = try self.lease(session, Self.jobLease(ticket.jobId))
            return ticket
        }
    }

    /// Deletes the job (it has no report) and the version's row if no job of it has a report.
    public func releaseClaim(_ ticket: JobTicket) async throws {
        try await transaction { session in
            try session.execute("DELETE FROM leases WHERE name = $1", [.text(Self.jobLease(ticket.jobId))])
            try session.execute(
                "DELETE FROM jobs WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM reports WHERE job_id = jobs.id)", [.integer(ticket.jobId)])
            try session.execute(
                "DELETE FROM files WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE file_id = files.id)",
                [.integer(ticket.file.id)])
        }
    }

    /// Reuses the version's row (set back to `pending`) or adds it, and adds a job, which this daemon holds (a
    /// reprocessed version's job is not taken over by a daemon watching its folder while it runs).
    public func openJob(for identity: FileIdentity, kind: FileKind) async throws -> JobTicket {
        try await transaction { session in
            try Self.lockPath(session, identity.folderId, identity.path)
            guard let fileId = try Self.fileId(session, identity) ?? Self.insertFile(session, identity, state: .pending) else {
                throw PostgresStoreError(message: "the version \(identity.path) was stored by another daemon meanwhile")
            }
            try session.execute(
                "UPDATE files SET state = '\(FileState.pending.rawValue)', error_code = NULL, error_message = NULL WHERE id = $1",
                [.integer(fileId)])
            let ticket = try Self.insertJob(session, fileId: fileId, kind: kind, identity: identity, state: .pending)
            _ = try self.lease(session, Self.jobLease(ticket.jobId))
            return ticket
        }
    }

    /// Jobs without an end that no other live daemon holds, oldest first, with their file rows.
    public func unfinishedJobs(folderId: String) async throws -> [JobTicket] {
        try await jobs(folderId: folderId, heldByOthersOnly: true)
    }

    /// Jobs without an end that no live daemon holds, this one included: those of daemons that died.
    public func abandonedJobs(folderId: String) async throws -> [JobTicket] {
        try await jobs(folderId: folderId, heldByOthersOnly: false)
    }

    /// The folder's unfinished jobs without a live lease (of another daemon, or of any), oldest first.
    private func jobs(folderId: String, heldByOthersOnly: Bool) async throws -> [JobTicket] {
        let holder = heldByOthersOnly ? holder : ""
        return try await session { session in
            try session.rows(
                """
                SELECT jobs.id AS job_id, files.* FROM jobs JOIN files ON files.id = jobs.file_id
                WHERE files.folder_id = $1 AND jobs.finished_at IS NULL AND NOT EXISTS (SELECT 1 FROM leases
                WHERE name = 'job:' || jobs.id AND until >= \(Self.serverNow) AND holder != $2) ORDER BY jobs.id
                """,
                [.text(folderId), .text(holder)]
            ).map { JobTicket(jobId: $0.integer("job_id") ?? 0, file: Self.storedFile($0)) }
        }
    }

    /// Takes or renews the job's lease unless the job ended or another daemon holds it.
    public func holdJob(_ ticket: JobTicket) async throws -> Bool {
        try await transaction { session in
            let open = try session.integer(
                "SELECT id FROM jobs WHERE id = $1 AND finished_at IS NULL FOR UPDATE", [.integer(ticket.jobId)])
            return try open != nil && self.lease(session, Self.jobLease(ticket.jobId))
        }
    }

    /// Takes or renews the lease `name` for `seconds` unless another live daemon holds it.
    public func hold(_ name: String, for seconds: Int64) async throws -> Bool {
        try await session { session in try self.lease(session, name, seconds: seconds) }
    }

    /// Takes or renews a lease in one statement: granted when it is free, expired or this daemon's.
    private func lease(_ session: PostgresSession, _ name: String, seconds: Int64? = nil) throws -> Bool {
        try session.integer(
            """
            INSERT INTO leases (name, holder, until) VALUES ($1, $2, \(Self.serverNow) + $3)
            ON CONFLICT (name) DO UPDATE SET holder = $2, until = EXCLUDED.until
            WHERE leases.holder = $2 OR leases.until < \(Self.serverNow)
            RETURNING 1
            """,
            [.text(name), .text(holder), .integer(seconds ?? leaseSeconds)]) != nil
    }

    /// Takes the transaction lock of a folder's path: the daemons' ledger writes of one path (a file seen uploading,
    /// claimed, ignored, purged) go one at a time, so none writes from a state another has just changed (an
    /// `uploading` row left beside the version another daemon claimed).
    private static func lockPath(_ session: PostgresSession, _ folderId: String, _ path: String) throws {
        try session.execute(
            "SELECT pg_advisory_xact_lock(\(pathLockSpace)::int, hashtext($1))", [.text(folderId + "/" + path)])
    }

    /// The key space of the paths' transaction locks.
    static let pathLockSpace: Int64 = 3

    /// The lease of a job.
    static func jobLease(_ jobId: Int64) -> String { "job:\(jobId)" }

    /// The server's clock in seconds since 1970: the one clock of a fleet's leases.
    private static let serverNow = "extract(epoch from clock_timestamp())::bigint"

    /// Sets the version `processing` and records that `run` starts the job; returns how many earlier runs started it and ended before it did.
    public func startJob(_ ticket: JobTicket, run: String) async throws -> Int {
        try await transaction { session in
            let row = try session.rows("SELECT run_id, cut_off FROM jobs WHERE id = $1 FOR UPDATE", [.integer(ticket.jobId)]).first
            var cutOff = Int(row?.integer("cut_off") ?? 0)
            if let previous = row?.text("run_id"), previous != run { cutOff += 1 }
            try session.execute(
                "UPDATE jobs SET run_id = $1, cut_off = $2 WHERE id = $3", [.text(run), .integer(Int64(cutOff)), .integer(ticket.jobId)])
            try session.execute(
                "UPDATE files SET state = $1, error_code = NULL, error_message = NULL, updated_at = $2 WHERE id = $3",
                [.text(FileState.processing.rawValue), .integer(Self.now()), .integer(ticket.file.id)])
            return cutOff
        }
    }

    /// Sets the state and error; a final state other than `handled` also ends the version's open jobs.
    public func setFileState(fileId: Int64, _ state: FileState, code: String?, message: String?) async throws {
        try await transaction { session in
            let now = Self.now()
            try session.execute(
                "UPDATE files SET state = $1, error_code = $2, error_message = $3, updated_at = $4 WHERE id = $5",
                [.text(state.rawValue), .text(code), .text(message), .integer(now), .integer(fileId)])
            if !state.isUnfinished && state != .handled {
                try session.execute(
                    "DELETE FROM leases WHERE name IN (SELECT 'job:' || id FROM jobs WHERE file_id = $1 AND finished_at IS NULL)",
                    [.integer(fileId)])
                try session.execute(
                    "UPDATE jobs SET finished_at = $1 WHERE file_id = $2 AND finished_at IS NULL", [.integer(now), .integer(fileId)])
            }
        }
    }

    /// Upserts the folder's status row: a success clears the error.
    public func recordPoll(_ poll: FolderPoll) async throws {
        let now = Self.now()
        try await session { session in
            try session.execute(
                """
                INSERT INTO folder_status (folder_id, kind, last_poll_at, last_success_at, last_error_code, last_error_message,
                consecutive_failures, next_poll_at) VALUES ($1, $2, $3, CASE WHEN $4::text IS NULL THEN $3 END, $4, $5, $6, $7)
                ON CONFLICT (folder_id) DO UPDATE SET kind = $2, last_poll_at = $3,
                last_success_at = CASE WHEN $4::text IS NULL THEN $3 ELSE folder_status.last_success_at END,
                last_error_code = $4, last_error_message = $5, consecutive_failures = $6, next_poll_at = $7
                """,
                [
                    .text(poll.folderId), .text(poll.kind), .integer(now), .text(poll.error?.code), .text(poll.error?.message),
                    .integer(Int64(poll.consecutiveFailures)), .integer(now + poll.nextPollIn),
                ])
        }
    }

    /// The SSH host key pinned for a folder's server (`name:port`); nil if none.
    public func pinnedHostKey(folderId: String, host: String) async throws -> String? {
        try await session { session in
            try session.rows("SELECT key FROM host_keys WHERE folder_id = $1 AND host = $2", [.text(folderId), .text(host)]).first?.text(0)
        }
    }

    /// Pins a folder server's SSH host key; a key pinned before is kept (the first one wins).
    public func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws {
        try await session { session in
            try session.execute(
                """
                INSERT INTO host_keys (folder_id, host, key, fingerprint, pinned_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                [.text(folderId), .text(host), .text(key), .text(fingerprint), .integer(Self.now())])
        }
    }

    // MARK: - ScheduleWriting

    /// Runs `body` in one transaction on a leased connection, off Swift's cooperative pool; moves the data version
    /// last, just before the commit, when the body wrote events or resources.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await transaction { session in
            let transaction = PostgresTransaction(session: session)
            let result = try body(transaction)
            try transaction.send()
            if transaction.changedSchedule { try session.execute("UPDATE data_version SET version = version + 1") }
            return result
        }
    }

    // MARK: - ScheduleReading

    /// The partner's events ordered by id.
    public func events(partnerId: Int) async throws -> [ScheduleEvent] {
        try await session { session in
            try session.rows(StoreStatements.postgres.eventsOfPartner, [.integer(Int64(partnerId))]).map(StoreStatements.event)
        }
    }

    /// Counts and reads the page in one snapshot, so both see the same data.
    public func events(partnerId: Int, filter: EventFilter, pager: Pager) async throws -> EventPage {
        let query = EventQuery(partnerId: partnerId, filter: filter, dialect: .postgres)
        return try await snapshot { session in
            let version = try session.integer("SELECT version FROM data_version") ?? 0
            let total = try session.integer(query.count, query.values) ?? 0
            let events = try session.rows(
                query.selection + " LIMIT \(pager.pageSize) OFFSET \(pager.offset)", query.values
            ).map(StoreStatements.event)
            return EventPage(events: events, totalCount: Int(total), dataVersion: version)
        }
    }

    /// Every event the filter selects, in one query.
    public func events(partnerId: Int, filter: EventFilter) async throws -> [ScheduleEvent] {
        let query = EventQuery(partnerId: partnerId, filter: filter, dialect: .postgres)
        return try await session { session in try session.rows(query.selection, query.values).map(StoreStatements.event) }
    }

    /// Looks behind by the longest active event the partner has, in one snapshot.
    public func conflicts(
        partnerId: Int, start: Int64, end: Int64, resourceIds: [Int64], kinds: ConflictKinds, ignoring: Int64?
    ) async throws -> [ScheduleEvent] {
        try await snapshot { session in
            let longest = try session.integer(StoreStatements.postgres.longestEvent, [.integer(Int64(partnerId))]) ?? 0
            let search = ConflictSearch(reader: session, partnerId: partnerId, lookBehind: longest, ignoring: ignoring)
            let ids = Array(Set(try search.overlaps(resourceIds: resourceIds, start: start, end: end, kinds: kinds).map(\.eventId)))
            guard !ids.isEmpty else { return [] }
            return try session.rows(StoreStatements.postgres.events(ids: ids.count), ids.map { .integer($0) }).map(StoreStatements.event)
        }
    }

    /// Counts and reads the page in one snapshot.
    public func eventResources(
        partnerId: Int, filter: EventResourceFilter, pager: Pager
    ) async throws -> (links: [EventResourceLink], totalCount: Int) {
        var conditions = "events.partner_id = ? AND events.status != \(EventStatus.deleted.rawValue)"
        var values: [SQLValue] = [.integer(Int64(partnerId))]
        for (column, selected) in [("event_resources.event_id", filter.eventIds), ("event_resources.resource_id", filter.resourceIds)] {
            guard let selected else { continue }
            conditions += " AND \(column) IN (\(Array(repeating: "?", count: selected.count).joined(separator: ",")))"
            values += selected.map { .integer($0) }
        }
        let from = "FROM event_resources JOIN events ON events.id = event_resources.event_id WHERE \(conditions)"
        let bound = values
        return try await snapshot { session in
            let total = try session.integer(SQLDialect.postgres.numbered("SELECT count(*) \(from)"), bound) ?? 0
            let links = try session.rows(
                SQLDialect.postgres.numbered(
                    """
                    SELECT event_resources.event_id, event_resources.resource_id, events.created_at, events.updated_at \(from) \
                    ORDER BY event_resources.event_id, event_resources.resource_id LIMIT \(pager.pageSize) OFFSET \(pager.offset)
                    """), bound
            ).map { row in
                EventResourceLink(
                    eventId: row.integer(0) ?? 0, resourceId: row.integer(1) ?? 0, partnerId: partnerId, createdAt: row.integer(2) ?? 0,
                    updatedAt: row.integer(3) ?? 0)
            }
            return (links, Int(total))
        }
    }

    /// The partner's resource rows ordered by id.
    public func resources(partnerId: Int) async throws -> [ScheduleResource] {
        try await session { session in
            try session.rows(StoreStatements.postgres.resourcesOfPartner, [.integer(Int64(partnerId))]).map(StoreStatements.resource)
        }
    }

    /// The number of the partner's event rows.
    public func eventCount(partnerId: Int) async throws -> Int {
        try await session { session in
            Int(try session.integer("SELECT count(*) FROM events WHERE partner_id = $1", [.integer(Int64(partnerId))]) ?? 0)
        }
    }

    /// Reads the one-row counter.
    public func dataVersion() async throws -> Int64 {
        try await session { session in try session.integer("SELECT version FROM data_version") ?? 0 }
    }

    // MARK: - ReportReading

    /// The stored reports of the version, decoded, oldest first.
    public func reports(fileId: Int64) async throws -> [IngestionReport] {
        try await snapshot { session in
            try session.rows("SELECT id FROM reports WHERE file_id = $1 ORDER BY id", [.integer(fileId)]).map {
                try Self.reportText(session, reportId: $0.integer(0) ?? 0)
            }
        }
    }

    /// The newest stored report of the version with its job's id.
    public func lastReport(fileId: Int64) async throws -> (jobId: Int64, report: IngestionReport)? {
        try await snapshot { session in
            try session.rows("SELECT id, job_id FROM reports WHERE file_id = $1 ORDER BY id DESC LIMIT 1", [.integer(fileId)]).first.map {
                (jobId: $0.integer(1) ?? 0, report: try Self.reportText(session, reportId: $0.integer(0) ?? 0))
            }
        }
    }

    /// The filter's conditions as one parameterized query over reports joined to their files.
    public func reportSummaries(_ filter: ReportFilter) async throws -> [ReportSummary] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if filter.failedOnly { conditions.append("(reports.status = '\(ReportStatus.error.rawValue)' OR reports.rejected > 0)") }
        if let since = filter.since {
            conditions.append("reports.created_at >= ?")
            values.append(.integer(since))
        }
        if let folder = filter.folderId {
            conditions.append("reports.folder_id = ?")
            values.append(.text(folder))
        }
        if let partner = filter.partnerId {
            conditions.append("reports.partner_id = ?")
            values.append(.integer(Int64(partner)))
        }
        if let text = filter.pathContains {
            conditions.append("strpos(files.path, ?) > 0")
            values.append(.text(text))
        }
        values.append(.integer(Int64(filter.limit)))
        let sql = SQLDialect.postgres.numbered(
            """
            SELECT reports.*, files.path FROM reports JOIN files ON files.id = reports.file_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY reports.id DESC LIMIT ?
            """)
        let bound = values
        return try await session { session in
            try session.rows(sql, bound).map { row in
                var counts = ReportCounts()
                counts.added = Int(row.integer("added") ?? 0)
                counts.updated = Int(row.integer("updated") ?? 0)
                counts.cancelled = Int(row.integer("cancelled") ?? 0)
                counts.deleted = Int(row.integer("deleted") ?? 0)
                counts.unchanged = Int(row.integer("unchanged") ?? 0)
                counts.rejected = Int(row.integer("rejected") ?? 0)
                counts.warnings = Int(row.integer("warnings") ?? 0)
                return ReportSummary(
                    id: row.integer("id") ?? 0, jobId: row.integer("job_id") ?? 0, fileId: row.integer("file_id") ?? 0,
                    folderId: row.text("folder_id") ?? "", path: row.text("path") ?? "", status: row.text("status") ?? "",
                    code: row.text("code"), counts: counts, createdAt: row.integer("created_at") ?? 0)
            }
        }
    }

    /// The stored report, decoded, with its job id.
    public func report(id: Int64) async throws -> (jobId: Int64, report: IngestionReport)? {
        try await snapshot { session in
            try session.rows("SELECT job_id FROM reports WHERE id = $1", [.integer(id)]).first.map {
                (jobId: $0.integer(0) ?? 0, report: try Self.reportText(session, reportId: id))
            }
        }
    }

    /// The number of reports stored for the version.
    public func finishedJobCount(fileId: Int64) async throws -> Int {
        try await session { session in
            Int(try session.integer("SELECT count(*) FROM reports WHERE file_id = $1", [.integer(fileId)]) ?? 0)
        }
    }

    /// The job's row joined to its file's, and its report if stored.
    public func job(id: Int64) async throws -> JobStatus? {
        try await snapshot { session in
            guard
                let row = try session.rows(
                    """
                    SELECT jobs.id AS job_id, jobs.created_at AS job_created_at, jobs.finished_at, files.*, reports.id AS report_id
                    FROM jobs JOIN files ON files.id = jobs.file_id LEFT JOIN reports ON reports.job_id = jobs.id WHERE jobs.id = $1
                    """, [.integer(id)]
                ).first
            else { return nil }
            return JobStatus(
                jobId: row.integer("job_id") ?? 0, file: Self.storedFile(row), createdAt: row.integer("job_created_at") ?? 0,
                finishedAt: row.integer("finished_at"),
                report: try row.integer("report_id").map { try Self.reportText(session, reportId: $0) })
        }
    }

    /// A stored report's JSON, its pieces joined, decoded.
    private static func reportText(_ session: PostgresSession, reportId: Int64) throws -> IngestionReport {
        var json = Data()
        for row in try session.rows("SELECT bytes FROM report_pieces WHERE report_id = $1 ORDER BY piece", [.integer(reportId)]) {
            if let bytes = row.bytes("bytes") { json.append(contentsOf: bytes.readableBytesView) }
        }
        return try JSONDecoder().decode(IngestionReport.self, from: json)
    }

    // MARK: - FolderStatusReading

    /// Every folder with a status row or a file, by id, with its files counted by state and its files' error codes.
    public func folderStatuses() async throws -> [FolderStatus] {
        try await snapshot { session in
            var statuses: [String: FolderStatus] = [:]
            for row in try session.rows("SELECT * FROM folder_status") {
                let id = row.text("folder_id") ?? ""
                statuses[id] = FolderStatus(
                    folderId: id, kind: row.text("kind") ?? "", lastPollAt: row.integer("last_poll_at"),
                    lastSuccessAt: row.integer("last_success_at"), lastErrorCode: row.text("last_error_code"),
                    lastErrorMessage: row.text("last_error_message"), consecutiveFailures: Int(row.integer("consecutive_failures") ?? 0),
                    nextPollAt: row.integer("next_poll_at"))
            }
            for row in try session.rows("SELECT folder_id, state, count(*) AS n FROM files GROUP BY folder_id, state") {
                let id = row.text(0) ?? ""
                guard let state = FileState(rawValue: row.text(1) ?? "") else { continue }
                statuses[id, default: FolderStatus(folderId: id, kind: "")].files[state] = Int(row.integer(2) ?? 0)
            }
            let coded = try session.rows(
                """
                SELECT folder_id, path, state, error_code, error_message FROM files
                WHERE id IN (SELECT max(id) FROM files GROUP BY folder_id, path) AND error_code IS NOT NULL AND state != $1
                ORDER BY updated_at DESC, id DESC
                """,
                [.text(FileState.purged.rawValue)])
            for row in coded {
                statuses[row.text(0) ?? ""]?.countError(
                    code: row.text(3) ?? "", path: row.text(1) ?? "", state: FileState(rawValue: row.text(2) ?? "") ?? .error,
                    message: row.text(4) ?? "")
            }
            return statuses.values.sorted { $0.folderId < $1.folderId }
        }
    }

    // MARK: - StoreBackend

    /// The identifiers of the migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        let applied = try await session { session in Set(try session.rows("SELECT id FROM schema_migrations").compactMap { $0.text(0) }) }
        return PostgresSchema.migrations.map(\.id).filter(applied.contains)
    }

    // MARK: - Rows

    private static func fileId(_ session: PostgresSession, _ identity: FileIdentity) throws -> Int64? {
        try session.integer(
            """
            SELECT id FROM files WHERE folder_id = $1 AND path = $2 AND size = $3 AND modified = $4 AND etag = $5
            AND state != '\(FileState.uploading.rawValue)'
            """,
            [.text(identity.folderId), .text(identity.path), .integer(identity.size), .integer(identity.modified), .text(identity.etag)])
    }

    private static func deleteUploadingRow(_ session: PostgresSession, _ identity: FileIdentity) throws {
        try session.execute(
            "DELETE FROM files WHERE folder_id = $1 AND path = $2 AND state = '\(FileState.uploading.rawValue)'",
            [.text(identity.folderId), .text(identity.path)])
    }

    /// Adds a version's row and returns its id; nil when another daemon stored the same version first.
    private static func insertFile(_ session: PostgresSession, _ identity: FileIdentity, state: FileState) throws -> Int64? {
        let now = now()
        return try session.integer(
            """
            INSERT INTO files (folder_id, path, size, modified, etag, state, first_seen_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id
            """,
            [
                .text(identity.folderId), .text(identity.path), .integer(identity.size), .integer(identity.modified), .text(identity.etag),
                .text(state.rawValue), .integer(now), .integer(now),
            ])
    }

    private static func insertJob(
        _ session: PostgresSession, fileId: Int64, kind: FileKind, identity: FileIdentity, state: FileState
    ) throws -> JobTicket {
        guard
            let jobId = try session.integer(
                "INSERT INTO jobs (file_id, kind, created_at) VALUES ($1, $2, $3) RETURNING id",
                [.integer(fileId), .text(kind.rawValue), .integer(now())])
        else { throw PostgresStoreError(message: "a job insert returned no id") }
        return JobTicket(jobId: jobId, file: StoredFile(id: fileId, identity: identity, state: state))
    }

    static func storedFile(_ row: PostgresColumns) -> StoredFile {
        StoredFile(
            id: row.integer("id") ?? 0,
            identity: FileIdentity(
                folderId: row.text("folder_id") ?? "", path: row.text("path") ?? "", size: row.integer("size") ?? 0,
                modified: row.integer("modified") ?? 0, etag: row.text("etag") ?? ""),
            state: FileState(rawValue: row.text("state") ?? "") ?? .error,
            errorCode: row.text("error_code"),
            errorMessage: row.text("error_message"))
    }
}

import Foundation
import NIOCore
import PostgresNIO
import Schedule

/// A job's writes on a PostgreSQL connection, inside the job's transaction.
///
/// The first statement that reads or writes a partner's schedule takes that partner's transaction lock
/// (`pg_advisory_xact_lock`), held until the commit: the daemons of a fleet write one partner's schedule one
/// transaction at a time, as SQLite's one writer does, so a lookup by UID and the write after it see the same schedule.
/// Other partners' jobs go on meanwhile.
///
/// New events are not sent one by one: each gets an id from a block taken from the events' sequence, and they go
/// in statements of up to `batchSize` rows (their links likewise), before any other statement that could see them
/// and at the end. Until then a lookup by UID or id finds them here. A job of many new events so waits for one
/// lookup per event, not three statements.
final class PostgresTransaction: StoreTransaction {
    let session: PostgresSession
    /// Whether an event or a resource was written, so the store's data version must move.
    private(set) var changedSchedule = false
    private var locked: Set<Int> = []
    private var sql: StoreStatements { .postgres }
    /// New events not sent yet, with their ids and insert times, in order.
    private var pending: [ScheduleEvent] = []
    /// The index in `pending` of each new event by id, and of each by partner and UID (not occurrences).
    private var pendingById: [Int64: Int] = [:]
    private var pendingByReference: [PendingReference: Int] = [:]
    /// Ids taken from the events' sequence and not used yet.
    private var reservedIds: ArraySlice<Int64> = []
    /// The UIDs of each partner's events (not occurrences), read once a transaction has looked up `lookupsBeforeReading`
    /// of them, if it has at most `knownLimit`: a UID not among them is no stored event, with no statement. The
    /// partner's lock keeps them true to the end of the transaction. A write of a few events (the API's) never reads them.
    private var knownReferences: [Int: Set<String>?] = [:]
    /// The lookups by UID made of each partner.
    private var lookups: [Int: Int] = [:]
    /// The most UIDs of a partner read at once.
    static let knownLimit = 200_000
    /// The lookups by UID of a partner after which its UIDs are read.
    static let lookupsBeforeReading = 64
    /// The most new events sent in one statement.
    static let batchSize = 500

    private struct PendingReference: Hashable {
        var partnerId: Int
        var referenceId: String
    }

    init(session: PostgresSession) {
        self.session = session
    }

    /// The key space of the partners' transaction locks (`pg_advisory_xact_lock(space, partner)`).
    static let partnerLockSpace: Int64 = 1

    /// Takes the partner's transaction lock unless this transaction holds it.
    private func lock(_ partnerId: Int) throws {
        guard locked.insert(partnerId).inserted else { return }
        try session.execute(
            "SELECT pg_advisory_xact_lock(\(Self.partnerLockSpace)::int, $1::int)", [.integer(Int64(partnerId))])
    }

    private func events(_ statement: String, _ values: [SQLValue]) throws -> [ScheduleEvent] {
        try session.rows(statement, values).map(StoreStatements.event)
    }

    /// A new event not sent yet finds itself here; another is looked up without sending them (it cannot be one of them).
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        try lock(partnerId)
        if let index = pendingByReference[PendingReference(partnerId: partnerId, referenceId: referenceId)] { return pending[index] }
        if try references(of: partnerId)?.contains(referenceId) == false { return nil }
        return try events(sql.eventByReference, [.integer(Int64(partnerId)), .text(referenceId)]).first
    }

    /// The partner's UIDs (`knownReferences`), read at its `lookupsBeforeReading`th lookup; nil before, or if it has more
    /// than `knownLimit`.
    private func references(of partnerId: Int) throws -> Set<String>? {
        if let known = knownReferences[partnerId] { return known }
        lookups[partnerId, default: 0] += 1
        guard lookups[partnerId, default: 0] >= Self.lookupsBeforeReading else { return nil }
        let rows = try session.rows(
            "SELECT reference_id FROM events WHERE partner_id = $1 AND recurrence_key = '' LIMIT $2",
            [.integer(Int64(partnerId)), .integer(Int64(Self.knownLimit + 1))])
        let known: Set<String>? = rows.count > Self.knownLimit ? nil : Set(rows.compactMap { $0.text(0) })
        knownReferences[partnerId] = known
        return known
    }

    /// Adds a UID written in this transaction to its partner's known ones.
    private func remember(_ event: ScheduleEvent) {
        guard event.recurrenceKey.isEmpty else { return }
        knownReferences[event.partnerId]??.insert(event.referenceId)
    }

    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent? {
        try lock(partnerId)
        if let index = pendingById[id] { return pending[index].partnerId == partnerId ? pending[index] : nil }
        return try events(sql.eventById, [.integer(id), .integer(Int64(partnerId))]).first
    }

    func occurrences(seriesId: Int64) throws -> [ScheduleEvent] {
        try send()
        return try events(sql.occurrences, [.integer(seriesId)])
    }

    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent] {
        try send()
        return try events(sql.seriesAfter, [.integer(id), .integer(Int64(limit))])
    }

    /// Keeps the event to send with others, under an id from the sequence's block.
    func insert(_ event: ScheduleEvent) throws -> Int64 {
        try lock(event.partnerId)
        changedSchedule = true
        if reservedIds.isEmpty {
            reservedIds = ArraySlice(
                try session.integers(
                    "SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, $1)", [.integer(Int64(Self.batchSize))])
            )
        }
        let id = reservedIds.removeFirst()
        let now = PostgresStore.now()
        var kept = event
        kept.id = id
        kept.resourceIds = Array(Set(event.resourceIds)).sorted()
        kept.createdAt = now
        kept.updatedAt = now
        pendingById[id] = pending.count
        if kept.recurrenceKey.isEmpty {
            pendingByReference[PendingReference(partnerId: kept.partnerId, referenceId: kept.referenceId)] = pending.count
        }
        pending.append(kept)
        remember(kept)
        if pending.count >= Self.batchSize { try send() }
        return id
    }

    /// Changes a new event not sent yet in place; sends them before it writes a stored one (which may refer to them).
    func update(_ event: ScheduleEvent) throws {
        try lock(event.partnerId)
        changedSchedule = true
        guard let id = event.id else { preconditionFailure("update needs a stored event") }
        remember(event)
        if let index = pendingById[id] {
            var kept = event
            kept.resourceIds = Array(Set(event.resourceIds)).sorted()
            kept.createdAt = pending[index].createdAt
            kept.updatedAt = pending[index].updatedAt
            if pending[index].recurrenceKey.isEmpty {
                pendingByReference[PendingReference(partnerId: pending[index].partnerId, referenceId: pending[index].referenceId)] = nil
            }
            if kept.recurrenceKey.isEmpty {
                pendingByReference[PendingReference(partnerId: kept.partnerId, referenceId: kept.referenceId)] = index
            }
            pending[index] = kept
            return
        }
        try send()
        try session.execute(sql.updateEvent, StoreStatements.eventValues(event) + [.integer(PostgresStore.now()), .integer(id)])
        try session.execute(sql.deleteLinks, [.integer(id)])
        for values in StoreStatements.linkValues(id, event) {
            try session.execute(sql.insertLink, values)
        }
    }

    /// Sends the new events kept, in one statement, and their links in statements of up to 2,000.
    func send() throws {
        guard !pending.isEmpty else { return }
        let columns = "id, " + sql.insertEventColumns
        let row = "(" + Array(repeating: "?", count: 1 + StoreStatements.eventValueCount + 2).joined(separator: ", ") + ")"
        var values: [SQLValue] = []
        values.reserveCapacity(pending.count * (StoreStatements.eventValueCount + 3))
        for event in pending {
            values.append(.integer(event.id ?? 0))
            values += StoreStatements.eventValues(event)
            values += [.integer(event.createdAt ?? 0), .integer(event.updatedAt ?? 0)]
        }
        try session.execute(
            SQLDialect.postgres.numbered(
                "INSERT INTO events (\(columns)) VALUES " + Array(repeating: row, count: pending.count).joined(separator: ", ")),
            values)
        let links = pending.flatMap { StoreStatements.linkValues($0.id ?? 0, $0) }
        for start in stride(from: 0, to: links.count, by: 2_000) {
            let part = links[start..<min(start + 2_000, links.count)]
            try session.execute(
                SQLDialect.postgres.numbered(
                    "INSERT INTO event_resources (event_id, resource_id, start_date, end_date, candidate) VALUES "
                        + Array(repeating: "(?, ?, ?, ?, ?)", count: part.count).joined(separator: ", ") + " ON CONFLICT DO NOTHING"),
                part.flatMap { $0 })
        }
        pending.removeAll(keepingCapacity: true)
        pendingById.removeAll(keepingCapacity: true)
        pendingByReference.removeAll(keepingCapacity: true)
    }

    func conflicts(
        of subjects: [ConflictSweep.Subject], partnerId: Int, lookBehind: Int64, _ emit: (ConflictReport) throws -> Void
    ) throws {
        try lock(partnerId)
        try send()
        try ConflictSearch(reader: session, partnerId: partnerId, lookBehind: 0, ignoring: nil).sweep(
            subjects, lookBehind: lookBehind, emit)
    }

    func resource(partnerId: Int, id: Int64) throws -> ScheduleResource? {
        try lock(partnerId)
        try send()
        return try session.rows(sql.resourceById, [.integer(id), .integer(Int64(partnerId))]).first.map(StoreStatements.resource)
    }

    func resource(partnerId: Int, type: ResourceType, systemName: String) throws -> ScheduleResource? {
        guard !systemName.isEmpty else { return nil }
        try lock(partnerId)
        try send()
        return try session.rows(sql.resourceBySystemName, [.integer(Int64(partnerId)), .integer(Int64(type.rawValue)), .text(systemName)])
            .first.map(StoreStatements.resource)
    }

    func insert(_ resource: ScheduleResource) throws -> Int64 {
        try lock(resource.partnerId)
        try send()
        changedSchedule = true
        let now = PostgresStore.now()
        guard
            let id = try session.integer(
                sql.insertResource + " RETURNING id", StoreStatements.resourceValues(resource) + [.integer(now), .integer(now)])
        else { throw PostgresStoreError(message: "a resource insert returned no id") }
        return id
    }

    func update(_ resource: ScheduleResource) throws {
        try lock(resource.partnerId)
        try send()
        changedSchedule = true
        guard let id = resource.id else { preconditionFailure("update needs a stored resource") }
        try session.execute(
            sql.updateResource, StoreStatements.resourceValues(resource) + [.integer(PostgresStore.now()), .integer(id)])
    }

    /// Stores the report's JSON in pieces of at most a megabyte (`report_pieces`), read from memory or from its file,
    /// so a large report is never held whole.
    func finish(_ ticket: JobTicket, report: IngestionReport, json: ReportJSON, fileState: FileState, sha256: String?) throws {
        try send()
        let now = PostgresStore.now()
        guard
            let reportId = try session.integer(
                """
                INSERT INTO reports (job_id, file_id, folder_id, partner_id, status, added, updated, cancelled, deleted,
                unchanged, rejected, warnings, code, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
                """,
                [
                    .integer(ticket.jobId), .integer(ticket.file.id), .text(ticket.file.identity.folderId),
                    .integer(Int64(report.partnerId)), .text(report.status.rawValue), .integer(Int64(report.counts.added)),
                    .integer(Int64(report.counts.updated)), .integer(Int64(report.counts.cancelled)),
                    .integer(Int64(report.counts.deleted)), .integer(Int64(report.counts.unchanged)),
                    .integer(Int64(report.counts.rejected)), .integer(Int64(report.counts.warnings)), .text(report.code),
                    .integer(now),
                ])
        else { throw PostgresStoreError(message: "a report insert returned no id") }
        try session.insertReportPieces(reportId: reportId, json: json)
        try session.execute(
            "UPDATE files SET state = $1, error_code = $2, error_message = $3, sha256 = $4, updated_at = $5 WHERE id = $6",
            [.text(fileState.rawValue), .text(report.code), .text(report.message), .text(sha256), .integer(now), .integer(ticket.file.id)])
        try session.execute("UPDATE jobs SET finished_at = $1 WHERE id = $2", [.integer(now), .integer(ticket.jobId)])
        try session.execute("DELETE FROM leases WHERE name = $1", [.text(PostgresStore.jobLease(ticket.jobId))])
    }
}

/// A PostgreSQL store operation that failed, in words: the server's message and SQLSTATE, or what went wrong.
struct PostgresStoreError: Error, CustomStringConvertible {
    var message: String
    /// The SQLSTATE the server gave, if it gave one.
    var sqlState: String?
    var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    init(message: String) {
        self.message = message
    }

    /// The server's error, or the driver's.
    init(_ error: PSQLError) {
        if let server = error.serverInfo, let text = server[.message] {
            message = "PostgreSQL: " + text + (server[.detail].map { ": \($0)" } ?? "")
            sqlState = server[.sqlState]
        } else if let underlying = error.underlying {
            message = "PostgreSQL: \(error.code): \(underlying)"
        } else {
            message = "PostgreSQL: \(error.code)"
        }
    }
}

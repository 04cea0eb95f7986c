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
final class PostgresTransaction: StoreTransaction {
    let session: PostgresSession
    /// Whether an event or a resource was written, so the store's data version must move.
    private(set) var changedSchedule = false
    private var locked: Set<Int> = []
    private var sql: StoreStatements { .postgres }

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

    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        try lock(partnerId)
        return try events(sql.eventByReference, [.integer(Int64(partnerId)), .text(referenceId)]).first
    }

    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent? {
        try lock(partnerId)
        return try events(sql.eventById, [.integer(id), .integer(Int64(partnerId))]).first
    }

    func occurrences(seriesId: Int64) throws -> [ScheduleEvent] {
        try events(sql.occurrences, [.integer(seriesId)])
    }

    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent] {
        try events(sql.seriesAfter, [.integer(id), .integer(Int64(limit))])
    }

    func insert(_ event: ScheduleEvent) throws -> Int64 {
        try lock(event.partnerId)
        changedSchedule = true
        let now = PostgresStore.now()
        guard
            let id = try session.integer(
                sql.insertEvent + " RETURNING id", StoreStatements.eventValues(event) + [.integer(now), .integer(now)])
        else { throw PostgresStoreError(message: "an event insert returned no id") }
        try link(id, event)
        return id
    }

    func update(_ event: ScheduleEvent) throws {
        try lock(event.partnerId)
        changedSchedule = true
        guard let id = event.id else { preconditionFailure("update needs a stored event") }
        try session.execute(sql.updateEvent, StoreStatements.eventValues(event) + [.integer(PostgresStore.now()), .integer(id)])
        try session.execute(sql.deleteLinks, [.integer(id)])
        try link(id, event)
    }

    private func link(_ eventId: Int64, _ event: ScheduleEvent) throws {
        for values in StoreStatements.linkValues(eventId, event) {
            try session.execute(sql.insertLink, values)
        }
    }

    func conflicts(of subjects: [ConflictSweep.Subject], partnerId: Int, lookBehind: Int64) throws -> [ConflictReport] {
        try lock(partnerId)
        return try ConflictSearch(reader: session, partnerId: partnerId, lookBehind: 0, ignoring: nil).sweep(
            subjects, lookBehind: lookBehind)
    }

    func resource(partnerId: Int, id: Int64) throws -> ScheduleResource? {
        try lock(partnerId)
        return try session.rows(sql.resourceById, [.integer(id), .integer(Int64(partnerId))]).first.map(StoreStatements.resource)
    }

    func resource(partnerId: Int, type: ResourceType, systemName: String) throws -> ScheduleResource? {
        guard !systemName.isEmpty else { return nil }
        try lock(partnerId)
        return try session.rows(sql.resourceBySystemName, [.integer(Int64(partnerId)), .integer(Int64(type.rawValue)), .text(systemName)])
            .first.map(StoreStatements.resource)
    }

    func insert(_ resource: ScheduleResource) throws -> Int64 {
        try lock(resource.partnerId)
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
        changedSchedule = true
        guard let id = resource.id else { preconditionFailure("update needs a stored resource") }
        try session.execute(
            sql.updateResource, StoreStatements.resourceValues(resource) + [.integer(PostgresStore.now()), .integer(id)])
    }

    /// Stores the report's JSON in pieces of at most a megabyte (`report_pieces`), read from memory or from its file,
    /// so a large report is never held whole.
    func finish(_ ticket: JobTicket, report: IngestionReport, json: ReportJSON, fileState: FileState, sha256: String?) throws {
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

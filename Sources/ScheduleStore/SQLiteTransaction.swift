import Foundation
import GRDB
import GRDBSQLite
import Schedule

/// A job's writes on the SQLite writer connection, inside the job's transaction.
final class SQLiteTransaction: StoreTransaction {
    let db: Database
    /// Whether an event or a resource was written, so the store's data version must move.
    private(set) var changedSchedule = false

    init(db: Database) {
        self.db = db
    }

    /// The shared statements, in SQLite's SQL.
    private var sql: StoreStatements { .sqlite }

    /// One statement, whose row is read in place: a miss (a bulk upload of new events) builds no row.
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        try Self.events(db.cachedStatement(sql: sql.eventByReference), arguments: [partnerId, referenceId]).first
    }

    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent? {
        try Self.events(db.cachedStatement(sql: sql.eventById), arguments: [id, partnerId]).first
    }

    func occurrences(seriesId: Int64) throws -> [ScheduleEvent] {
        try Self.events(db.cachedStatement(sql: sql.occurrences), arguments: [seriesId])
    }

    func insert(_ event: ScheduleEvent) throws -> Int64 {
        changedSchedule = true
        let now = SQLiteStore.now()
        try db.cachedStatement(sql: sql.insertEvent).execute(
            arguments: StatementArguments(StoreStatements.eventValues(event) + [.integer(now), .integer(now)]))
        let id = db.lastInsertedRowID
        try link(id, event)
        return id
    }

    func update(_ event: ScheduleEvent) throws {
        changedSchedule = true
        guard let id = event.id else { preconditionFailure("update needs a stored event") }
        try db.cachedStatement(sql: sql.updateEvent).execute(
            arguments: StatementArguments(StoreStatements.eventValues(event) + [.integer(SQLiteStore.now()), .integer(id)]))
        try db.cachedStatement(sql: sql.deleteLinks).execute(arguments: [id])
        try link(id, event)
    }

    /// Links an event to its resources (`StoreStatements.linkValues`).
    private func link(_ eventId: Int64, _ event: ScheduleEvent) throws {
        let statement = try db.cachedStatement(sql: sql.insertLink)
        for values in StoreStatements.linkValues(eventId, event) {
            try statement.execute(arguments: StatementArguments(values))
        }
    }

    /// Runs the job's conflict sweep on this connection (`ConflictSearch.sweep`).
    func conflicts(
        of subjects: [ConflictSweep.Subject], partnerId: Int, lookBehind: Int64, _ emit: (ConflictReport) throws -> Void
    ) throws {
        try ConflictSearch(reader: SQLiteReader(db: db), partnerId: partnerId, lookBehind: 0, ignoring: nil)
            .sweep(subjects, lookBehind: lookBehind, emit)
    }

    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent] {
        try Self.events(db.cachedStatement(sql: sql.seriesAfter), arguments: [id, limit])
    }

    func resource(partnerId: Int, id: Int64) throws -> ScheduleResource? {
        try Row.fetchOne(db.cachedStatement(sql: sql.resourceById), arguments: [id, partnerId]).map(StoreStatements.resource)
    }

    func resource(partnerId: Int, type: ResourceType, systemName: String) throws -> ScheduleResource? {
        guard !systemName.isEmpty else { return nil }
        return try Row.fetchOne(db.cachedStatement(sql: sql.resourceBySystemName), arguments: [partnerId, type.rawValue, systemName])
            .map(StoreStatements.resource)
    }

    func insert(_ resource: ScheduleResource) throws -> Int64 {
        changedSchedule = true
        let now = SQLiteStore.now()
        try db.cachedStatement(sql: sql.insertResource).execute(
            arguments: StatementArguments(StoreStatements.resourceValues(resource) + [.integer(now), .integer(now)]))
        return db.lastInsertedRowID
    }

    func update(_ resource: ScheduleResource) throws {
        changedSchedule = true
        guard let id = resource.id else { preconditionFailure("update needs a stored resource") }
        try db.cachedStatement(sql: sql.updateResource).execute(
            arguments: StatementArguments(StoreStatements.resourceValues(resource) + [.integer(SQLiteStore.now()), .integer(id)]))
    }

    /// The report's JSON goes into `report_texts` through SQLite's incremental blob writes (`writeReportText`), so a large
    /// report is not copied once more while bound; it is read back as text all the same (`SQLiteStore.reportJSON`).
    func finish(_ ticket: JobTicket, report: IngestionReport, json: ReportJSON, fileState: FileState, sha256: String?) throws {
        let now = SQLiteStore.now()
        try db.execute(
            sql: """
                INSERT INTO reports (job_id, file_id, folder_id, partner_id, status, added, updated, cancelled, deleted,
                unchanged, rejected, warnings, code, json, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)
                """,
            arguments: [
                ticket.jobId, ticket.file.id, ticket.file.identity.folderId, report.partnerId, report.status.rawValue,
                report.counts.added, report.counts.updated, report.counts.cancelled, report.counts.deleted,
                report.counts.unchanged, report.counts.rejected, report.counts.warnings, report.code, now,
            ]
        )
        let reportId = db.lastInsertedRowID
        try writeReportText(json, reportId: reportId)
        try db.execute(
            sql: "UPDATE files SET state = ?, error_code = ?, error_message = ?, sha256 = ?, updated_at = ? WHERE id = ?",
            arguments: [fileState.rawValue, report.code, report.message, sha256, now, ticket.file.id]
        )
        try db.execute(sql: "UPDATE jobs SET finished_at = ? WHERE id = ?", arguments: [now, ticket.jobId])
    }

    /// Stores a report's JSON as the `report_texts` row of report `reportId`: a zero blob of its length, then the text
    /// written over it a megabyte at a time (from memory, or read from its file), so SQLite never holds it whole.
    private func writeReportText(_ json: ReportJSON, reportId: Int64) throws {
        let pieces = try ReportPieces(json)
        try db.execute(sql: "INSERT INTO report_texts (report_id, json) VALUES (?, zeroblob(?))", arguments: [reportId, pieces.length])
        var blob: OpaquePointer?
        try check(sqlite3_blob_open(db.sqliteConnection, "main", "report_texts", "json", reportId, 1, &blob))
        defer { sqlite3_blob_close(blob) }
        try pieces.forEach { offset, piece in
            try piece.withUnsafeBytes { bytes in
                try check(sqlite3_blob_write(blob, bytes.baseAddress!, Int32(piece.count), Int32(offset)))
            }
        }
    }

    /// Throws SQLite's error for a result code other than `SQLITE_OK`.
    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// The events of a statement that selects `StoreStatements.eventColumns`, each read from the statement's row in place
    /// (a fetched row would be a copy of every value first).
    static func events(_ statement: Statement, arguments: StatementArguments) throws -> [ScheduleEvent] {
        try Array(Row.fetchCursor(statement, arguments: arguments).map(StoreStatements.event))
    }
}

extension Row: ColumnReading {
    func integer(_ index: Int) -> Int64? { self[index] }
    func text(_ index: Int) -> String? { self[index] }
}

/// A conflict search's reads on a SQLite connection, each statement kept prepared and each row read in place (a
/// window can hold a million links).
struct SQLiteReader: ConflictReader {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func spans(_ sql: String, _ arguments: [SQLValue]) throws -> [ConflictSweep.Candidate] {
        try Array(
            Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map {
                ConflictSweep.Candidate(id: $0[0], start: $0[1], end: $0[2])
            })
    }

    func integers(_ sql: String, _ arguments: [SQLValue]) throws -> [Int64] {
        try Int64?.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).compactMap { $0 }
    }
}

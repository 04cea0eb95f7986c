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

    /// One statement, whose row is read in place: a miss (a bulk upload of new events) builds no row.
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        try Self.events(db.cachedStatement(sql: Self.eventByReference), arguments: [partnerId, referenceId]).first
    }

    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent? {
        try Self.events(
            db.cachedStatement(sql: "SELECT \(Self.eventColumns) FROM events WHERE id = ? AND partner_id = ?"), arguments: [id, partnerId]
        ).first
    }

    func occurrences(seriesId: Int64) throws -> [ScheduleEvent] {
        try Self.events(
            db.cachedStatement(sql: "SELECT \(Self.eventColumns) FROM events WHERE parent_id = ? ORDER BY start_date, id"),
            arguments: [seriesId])
    }

    func insert(_ event: ScheduleEvent) throws -> Int64 {
        changedSchedule = true
        let now = SQLiteStore.now()
        try db.cachedStatement(
            sql: """
                INSERT INTO events (partner_id, reference_id, type, status, recurrence_type, summary, description,
                location, organizer, start_date, end_date, time_zone_id, sequence, parent_id, recurrence_key, tags,
                category_ids, entry_ids, template_entry_id, recurrence_rule, source, owner_id, priority, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: Self.arguments(event) + [now, now])
        let id = db.lastInsertedRowID
        try link(id, event)
        return id
    }

    func update(_ event: ScheduleEvent) throws {
        changedSchedule = true
        guard let id = event.id else { preconditionFailure("update needs a stored event") }
        try db.cachedStatement(
            sql: """
                UPDATE events SET partner_id = ?, reference_id = ?, type = ?, status = ?, recurrence_type = ?, summary = ?,
                description = ?, location = ?, organizer = ?, start_date = ?, end_date = ?, time_zone_id = ?, sequence = ?,
                parent_id = ?, recurrence_key = ?, tags = ?, category_ids = ?, entry_ids = ?, template_entry_id = ?,
                recurrence_rule = ?, source = ?, owner_id = ?, priority = ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: Self.arguments(event) + [SQLiteStore.now(), id])
        try db.cachedStatement(sql: "DELETE FROM event_resources WHERE event_id = ?").execute(arguments: [id])
        try link(id, event)
    }

    /// Links an event to its resources; each link carries the event's start and end, and whether it is a conflict
    /// candidate (active, not a blackout, not a series row), for finding conflicts by time from the links alone.
    private func link(_ eventId: Int64, _ event: ScheduleEvent) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO event_resources (event_id, resource_id, start_date, end_date, candidate) VALUES (?, ?, ?, ?, ?)")
        let candidate = event.status == .active && event.type != .blackout && event.recurrenceType != .recurring
        for resourceId in event.resourceIds {
            try statement.execute(arguments: [eventId, resourceId, event.startDate, event.endDate, candidate])
        }
    }

    /// Plans a `ConflictSweep`, reads each window it asks for once (its resources' relations first), and reports.
    func conflicts(of subjects: [ConflictSweep.Subject], partnerId: Int, lookBehind: Int64) throws -> [ConflictReport] {
        let wide = ConflictSearch(db: db, partnerId: partnerId, lookBehind: 0, ignoring: nil)
        var relations: [Int64: ConflictSweep.Relations] = [:]
        for resourceId in Set(subjects.lazy.filter { !$0.isBlackout }.flatMap(\.resourceIds)) {
            relations[resourceId] = try wide.relations(of: resourceId)
        }
        var sweep = ConflictSweep(subjects: subjects, lookBehind: lookBehind, relations: relations)
        for window in sweep.windows {
            sweep.add(try wide.linkedCandidates(window.resourceId, from: window.from, to: window.to), onResource: window.resourceId)
        }
        if let window = sweep.blackoutWindow {
            sweep.addBlackouts(try wide.candidates(ConflictSearch.blackoutsDuring, [], from: window.from, to: window.to))
        }
        for index in sweep.blackoutSubjects {
            let blackout = subjects[index]
            sweep.add(
                try wide.candidates(ConflictSearch.eventsDuring, [], from: blackout.start - lookBehind, to: blackout.end),
                duringBlackout: index)
        }
        return sweep.reports()
    }

    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.eventColumns) FROM events
                    WHERE recurrence_type = \(RecurrenceType.recurring.rawValue) AND id > ? AND status = \(EventStatus.active.rawValue) AND source IS NOT NULL ORDER BY id LIMIT ?
                    """),
            arguments: [id, limit]
        ).map(Self.event)
    }

    func resource(partnerId: Int, id: Int64) throws -> ScheduleResource? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM resources WHERE id = ? AND partner_id = ?"), arguments: [id, partnerId]
        ).map(Self.resource)
    }

    /// Finds the resource through the partial unique index, which SQLite uses only when the query
    /// repeats the index's condition (`system_name != ''`); without it every lookup scans the table.
    func resource(partnerId: Int, type: ResourceType, systemName: String) throws -> ScheduleResource? {
        guard !systemName.isEmpty else { return nil }
        return try Row.fetchOne(db.cachedStatement(sql: Self.resourceBySystemName), arguments: [partnerId, type.rawValue, systemName])
            .map(Self.resource)
    }

    /// The lookup of a resource by partner, type and system name.
    static let resourceBySystemName = "SELECT * FROM resources WHERE partner_id = ? AND type = ? AND system_name = ? AND system_name != ''"
    /// The lookup of an event by partner and UID.
    static let eventByReference = "SELECT \(eventColumns) FROM events WHERE partner_id = ? AND reference_id = ? AND recurrence_key = ''"

    func insert(_ resource: ScheduleResource) throws -> Int64 {
        changedSchedule = true
        let now = SQLiteStore.now()
        try db.cachedStatement(
            sql: """
                INSERT INTO resources (partner_id, type, status, name, system_name, description, tags, parent_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: Self.arguments(resource) + [now, now])
        return db.lastInsertedRowID
    }

    func update(_ resource: ScheduleResource) throws {
        changedSchedule = true
        guard let id = resource.id else { preconditionFailure("update needs a stored resource") }
        try db.cachedStatement(
            sql: """
                UPDATE resources SET partner_id = ?, type = ?, status = ?, name = ?, system_name = ?, description = ?, tags = ?,
                parent_id = ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: Self.arguments(resource) + [SQLiteStore.now(), id])
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
        let length: Int
        let piece: (_ offset: Int, _ count: Int) throws -> Data
        var file: FileHandle?
        defer { try? file?.close() }
        switch json {
        case .bytes(let data):
            length = data.count
            piece = { offset, count in data.subdata(in: data.startIndex + offset..<data.startIndex + offset + count) }
        case .file(let path):
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            file = handle
            length = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            piece = { offset, count in
                guard let chunk = try handle.read(upToCount: count), chunk.count == count else {
                    throw ReportFileShortened(length: length, read: offset)
                }
                return chunk
            }
        }
        try db.execute(sql: "INSERT INTO report_texts (report_id, json) VALUES (?, zeroblob(?))", arguments: [reportId, length])
        var blob: OpaquePointer?
        try check(sqlite3_blob_open(db.sqliteConnection, "main", "report_texts", "json", reportId, 1, &blob))
        defer { sqlite3_blob_close(blob) }
        var offset = 0
        while offset < length {
            let count = min(1 << 20, length - offset)
            try piece(offset, count).withUnsafeBytes { bytes in
                try check(sqlite3_blob_write(blob, bytes.baseAddress!, Int32(count), Int32(offset)))
            }
            offset += count
        }
    }

    /// Throws SQLite's error for a result code other than `SQLITE_OK`.
    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    static func arguments(_ event: ScheduleEvent) -> StatementArguments {
        [
            event.partnerId, event.referenceId, event.type.rawValue, event.status.rawValue, event.recurrenceType.rawValue,
            event.summary, event.description, event.location, event.organizer, event.startDate, event.endDate,
            event.timeZoneID, event.sequence, event.parentId, event.recurrenceKey, event.tags,
            event.categoryIds.map(String.init).joined(separator: ","), event.entryIds.joined(separator: ","), event.templateEntryId,
            event.recurrenceRule, event.source, event.ownerId, event.priority,
        ]
    }

    /// The columns an event is read from, in the order `event(_:)` reads them by position (a lookup by name lowercases
    /// the name each time, which cost more than the rest of a listing's read): the row's fields, and its resource ids as
    /// one comma-separated text.
    static let eventColumns = """
        events.id, events.partner_id, events.reference_id, events.type, events.status, events.recurrence_type, events.summary, \
        events.description, events.location, events.organizer, events.start_date, events.end_date, events.time_zone_id, \
        events.sequence, events.parent_id, events.recurrence_key, events.tags, events.category_ids, events.entry_ids, \
        events.template_entry_id, events.recurrence_rule, events.source, events.created_at, events.updated_at, events.owner_id, \
        events.priority, (SELECT group_concat(resource_id) FROM event_resources WHERE event_id = events.id) AS resource_ids
        """

    static func arguments(_ resource: ScheduleResource) -> StatementArguments {
        [
            resource.partnerId, resource.type.rawValue, resource.status.rawValue, resource.name, resource.systemName,
            resource.description, resource.tags, resource.parentId,
        ]
    }

    static func resource(_ row: Row) -> ScheduleResource {
        ScheduleResource(
            id: row["id"], partnerId: row["partner_id"], type: ResourceType(rawValue: row["type"]) ?? .location,
            status: ResourceStatus(rawValue: row["status"]) ?? .active, name: row["name"], systemName: row["system_name"],
            description: row["description"] ?? "", tags: row["tags"] ?? "", parentId: row["parent_id"], createdAt: row["created_at"],
            updatedAt: row["updated_at"])
    }

    /// The events of a statement that selects `eventColumns`, each read from the statement's row in place (a fetched
    /// row would be a copy of every value first).
    static func events(_ statement: Statement, arguments: StatementArguments) throws -> [ScheduleEvent] {
        try Array(Row.fetchCursor(statement, arguments: arguments).map(event))
    }

    /// The event of a row of `eventColumns`.
    static func event(_ row: Row) -> ScheduleEvent {
        ScheduleEvent(
            id: row[0],
            partnerId: row[1],
            referenceId: row[2],
            type: EventType(rawValue: row[3]) ?? .record,
            status: EventStatus(rawValue: row[4]) ?? .active,
            recurrenceType: RecurrenceType(rawValue: row[5]) ?? .none,
            summary: row[6],
            description: row[7],
            location: row[8],
            organizer: row[9],
            startDate: row[10],
            endDate: row[11],
            timeZoneID: row[12],
            sequence: row[13],
            parentId: row[14],
            recurrenceKey: row[15],
            tags: row[16],
            categoryIds: numbers(row[17]),
            entryIds: ((row[18] as String?) ?? "").split(separator: ",").map(String.init),
            templateEntryId: row[19],
            resourceIds: numbers(row[26]).sorted(),
            recurrenceRule: row[20],
            source: row[21],
            createdAt: row[22],
            updatedAt: row[23],
            ownerId: row[24],
            priority: row[25]
        )
    }

    /// The integers of a comma-separated text; none for nil.
    private static func numbers(_ text: String?) -> [Int64] {
        (text ?? "").split(separator: ",").compactMap { Int64($0) }
    }
}

/// A report file that ended before the length it had when its job began to store it.
struct ReportFileShortened: Error, CustomStringConvertible {
    var length: Int
    var read: Int
    var description: String { "the report file ended after \(read) of its \(length) bytes while it was stored" }
}

import Foundation
import GRDB
import Schedule

/// A job's writes on the SQLite writer connection, inside the job's transaction.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    /// Looks the id up through a one-column fetch (no row is built), then reads the row only if the event exists:
    /// a bulk upload of new events pays for the cheap query alone.
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        let lookup = try db.cachedStatement(sql: Self.eventIdByReference)
        guard let id = try Int64.fetchOne(lookup, arguments: [partnerId, referenceId]) else { return nil }
        return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM events WHERE id = ?"), arguments: [id]).map(Self.event)
    }

    func insert(_ event: ScheduleEvent) throws -> Int64 {
        let now = SQLiteStore.now()
        try db.cachedStatement(
            sql: """
                INSERT INTO events (partner_id, reference_id, type, status, recurrence_type, summary, description,
                location, organizer, start_date, end_date, time_zone_id, sequence, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: Self.arguments(event) + [now, now])
        return db.lastInsertedRowID
    }

    func update(_ event: ScheduleEvent) throws {
        guard let id = event.id else { preconditionFailure("update needs a stored event") }
        try db.cachedStatement(
            sql: """
                UPDATE events SET partner_id = ?, reference_id = ?, type = ?, status = ?, recurrence_type = ?, summary = ?,
                description = ?, location = ?, organizer = ?, start_date = ?, end_date = ?, time_zone_id = ?, sequence = ?,
                updated_at = ? WHERE id = ?
                """
        ).execute(arguments: Self.arguments(event) + [SQLiteStore.now(), id])
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
    /// The lookup of an event's id by partner and UID.
    static let eventIdByReference = "SELECT id FROM events WHERE partner_id = ? AND reference_id = ? AND recurrence_key = ''"

    func insert(_ resource: ScheduleResource) throws -> Int64 {
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
        guard let id = resource.id else { preconditionFailure("update needs a stored resource") }
        try db.cachedStatement(
            sql: """
                UPDATE resources SET partner_id = ?, type = ?, status = ?, name = ?, system_name = ?, description = ?, tags = ?,
                parent_id = ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: Self.arguments(resource) + [SQLiteStore.now(), id])
    }

    func finish(_ ticket: JobTicket, report: IngestionReport, json: Data, fileState: FileState, sha256: String?) throws {
        let now = SQLiteStore.now()
        try db.execute(
            sql: """
                INSERT INTO reports (job_id, file_id, folder_id, partner_id, status, added, updated, cancelled, deleted,
                unchanged, rejected, warnings, code, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                ticket.jobId, ticket.file.id, ticket.file.identity.folderId, report.partnerId, report.status.rawValue,
                report.counts.added, report.counts.updated, report.counts.cancelled, report.counts.deleted,
                report.counts.unchanged, report.counts.rejected, report.counts.warnings, report.code, String(decoding: json, as: UTF8.self),
                now,
            ]
        )
        try db.execute(
            sql: "UPDATE files SET state = ?, error_code = ?, error_message = ?, sha256 = ?, updated_at = ? WHERE id = ?",
            arguments: [fileState.rawValue, report.code, report.message, sha256, now, ticket.file.id]
        )
        try db.execute(sql: "UPDATE jobs SET finished_at = ? WHERE id = ?", arguments: [now, ticket.jobId])
    }

    static func arguments(_ event: ScheduleEvent) -> StatementArguments {
        [
            event.partnerId, event.referenceId, event.type.rawValue, event.status.rawValue, event.recurrenceType.rawValue,
            event.summary, event.description, event.location, event.organizer, event.startDate, event.endDate,
            event.timeZoneID, event.sequence,
        ]
    }

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
            description: row["description"] ?? "", tags: row["tags"] ?? "", parentId: row["parent_id"])
    }

    static func event(_ row: Row) -> ScheduleEvent {
        ScheduleEvent(
            id: row["id"],
            partnerId: row["partner_id"],
            referenceId: row["reference_id"],
            type: EventType(rawValue: row["type"]) ?? .record,
            status: EventStatus(rawValue: row["status"]) ?? .active,
            recurrenceType: RecurrenceType(rawValue: row["recurrence_type"]) ?? .none,
            summary: row["summary"],
            description: row["description"],
            location: row["location"],
            organizer: row["organizer"],
            startDate: row["start_date"],
            endDate: row["end_date"],
            timeZoneID: row["time_zone_id"],
            sequence: row["sequence"]
        )
    }
}

import Foundation
import GRDB
import Schedule

/// A job's writes on the SQLite writer connection, inside the job's transaction.
final class SQLiteTransaction: StoreTransaction {
    let db: Database
    /// Whether an event or a resource was written, so the store's data version must move.
    private(set) var changedSchedule = false

    init(db: Database) {
        self.db = db
    }

    /// Looks the id up through a one-column fetch (no row is built), then reads the row only if the event exists:
    /// a bulk upload of new events pays for the cheap query alone.
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent? {
        let lookup = try db.cachedStatement(sql: Self.eventIdByReference)
        guard let id = try Int64.fetchOne(lookup, arguments: [partnerId, referenceId]) else { return nil }
        return try event(partnerId: partnerId, id: id)
    }

    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.eventColumns) FROM events WHERE id = ? AND partner_id = ?"), arguments: [id, partnerId]
        ).map(Self.event)
    }

    func occurrences(seriesId: Int64) throws -> [ScheduleEvent] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(Self.eventColumns) FROM events WHERE parent_id = ? ORDER BY start_date, id"),
            arguments: [seriesId]
        ).map(Self.event)
    }

    func insert(_ event: ScheduleEvent) throws -> Int64 {
        changedSchedule = true
        let now = SQLiteStore.now()
        try db.cachedStatement(
            sql: """
                INSERT INTO events (partner_id, reference_id, type, status, recurrence_type, summary, description,
                location, organizer, start_date, end_date, time_zone_id, sequence, parent_id, recurrence_key, tags,
                category_ids, entry_ids, template_entry_id, recurrence_rule, source, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: Self.arguments(event) + [now, now])
        let id = db.lastInsertedRowID
        try link(id, to: event.resourceIds, start: event.startDate)
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
                recurrence_rule = ?, source = ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: Self.arguments(event) + [SQLiteStore.now(), id])
        try db.cachedStatement(sql: "DELETE FROM event_resources WHERE event_id = ?").execute(arguments: [id])
        try link(id, to: event.resourceIds, start: event.startDate)
    }

    /// Links an event to its resources; each link carries the event's start, for finding conflicts by time.
    private func link(_ eventId: Int64, to resourceIds: [Int64], start: Int64) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO event_resources (event_id, resource_id, start_date) VALUES (?, ?, ?)")
        for resourceId in resourceIds {
            try statement.execute(arguments: [eventId, resourceId, start])
        }
    }

    /// Finds candidates through indexes that start with the time: links by (resource, start) for each
    /// related resource, blackouts by their partial index, and for a blackout the partner's events by start.
    /// Only events that start in `[start - lookBehind, end)` can overlap, so no query scans all time.
    func conflicts(ofEventId id: Int64, partnerId: Int, lookBehind: Int64) throws -> [ConflictReport] {
        // Only the columns a conflict needs, by position: this runs once per event a job writes.
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT start_date, end_date, type, status, recurrence_type FROM events WHERE id = ? AND partner_id = ?"),
                arguments: [id, partnerId])
        else { return [] }
        let (start, end, type): (Int64, Int64, Int) = (row[0], row[1], row[2])
        guard row[3] == EventStatus.active.rawValue, row[4] != RecurrenceType.recurring.rawValue, end > start else { return [] }
        let window: StatementArguments = [partnerId, start - lookBehind, end, start, id]
        var conflicts: [ConflictReport] = []
        var seen: Set<Int64> = []
        func add(_ row: Row, resourceId: Int64?) {
            let other: Int64 = row[0]
            guard seen.insert(other).inserted else { return }
            conflicts.append(
                ConflictReport(
                    eventId: id, otherEventId: other, resourceId: resourceId, from: isoTime(max(start, row[1])),
                    to: isoTime(min(end, row[2]))))
        }
        if type == EventType.blackout.rawValue {
            for row in try Row.fetchAll(db.cachedStatement(sql: Self.eventsDuring), arguments: window) { add(row, resourceId: nil) }
            return conflicts
        }
        // Each related resource, and the resource a conflict through it is reported on: the shared one, or the room of a camera and its room.
        var related: [(resource: Int64, reported: Int64)] = []
        let resourceIds = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT resource_id FROM event_resources WHERE event_id = ?"), arguments: [id])
        for resourceId in resourceIds {
            related.append((resourceId, resourceId))
            if let parent = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT parent_id FROM resources WHERE id = ? AND status != 3"), arguments: [resourceId])
            {
                related.append((parent, parent))
            }
            for child in try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM resources WHERE parent_id = ? AND status != 3"), arguments: [resourceId])
            {
                related.append((child, resourceId))
            }
        }
        for (resource, reported) in related {
            for row in try Row.fetchAll(db.cachedStatement(sql: Self.eventsOnResourceDuring), arguments: [resource] + window) {
                add(row, resourceId: reported)
            }
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: Self.blackoutsDuring), arguments: window) { add(row, resourceId: nil) }
        return conflicts
    }

    /// The partner's active non-blackout events other than one that overlap a time (for a blackout's conflicts).
    static let eventsDuring = """
        SELECT id, start_date, end_date FROM events
        WHERE partner_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND id != ?
        AND type != 3 AND status = 2 AND recurrence_type != 1 ORDER BY start_date, id
        """
    /// The partner's active blackouts other than one that overlap a time, through the blackouts' partial index.
    static let blackoutsDuring = """
        SELECT id, start_date, end_date FROM events INDEXED BY events_blackouts
        WHERE partner_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND id != ?
        AND type = 3 AND status = 2 AND recurrence_type != 1 ORDER BY start_date, id
        """
    /// The partner's active non-blackout events on one resource other than one that overlap a time, through the links by start.
    static let eventsOnResourceDuring = """
        SELECT e.id, e.start_date, e.end_date FROM event_resources l JOIN events e ON e.id = l.event_id
        WHERE l.resource_id = ? AND e.partner_id = ? AND l.start_date >= ? AND l.start_date < ? AND e.end_date > ? AND e.id != ?
        AND e.type != 3 AND e.status = 2 AND e.recurrence_type != 1 ORDER BY e.start_date, e.id
        """

    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.eventColumns) FROM events
                    WHERE recurrence_type = 1 AND id > ? AND status = 2 AND source IS NOT NULL ORDER BY id LIMIT ?
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
    /// The lookup of an event's id by partner and UID.
    static let eventIdByReference = "SELECT id FROM events WHERE partner_id = ? AND reference_id = ? AND recurrence_key = ''"

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
            event.timeZoneID, event.sequence, event.parentId, event.recurrenceKey, event.tags,
            event.categoryIds.map(String.init).joined(separator: ","), event.entryIds.joined(separator: ","), event.templateEntryId,
            event.recurrenceRule, event.source,
        ]
    }

    /// The columns an event is read from: the row, and its resource ids as one comma-separated text.
    static let eventColumns =
        "events.*, (SELECT group_concat(resource_id) FROM event_resources WHERE event_id = events.id) AS resource_ids"

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
            sequence: row["sequence"],
            parentId: row["parent_id"],
            recurrenceKey: row["recurrence_key"],
            tags: row["tags"],
            categoryIds: numbers(row["category_ids"]),
            entryIds: ((row["entry_ids"] as String?) ?? "").split(separator: ",").map(String.init),
            templateEntryId: row["template_entry_id"],
            resourceIds: numbers(row["resource_ids"]).sorted(),
            recurrenceRule: row["recurrence_rule"],
            source: row["source"],
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }

    /// The integers of a comma-separated text; none for nil.
    private static func numbers(_ text: String?) -> [Int64] {
        (text ?? "").split(separator: ",").compactMap { Int64($0) }
    }
}

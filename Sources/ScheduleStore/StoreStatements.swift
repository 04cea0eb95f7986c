import Schedule

/// The statements both backends run for events and resources, in one backend's SQL (`?` already numbered for it), with
/// the values they bind and how their rows are read: written once, so the two stores store and read alike.
struct StoreStatements: Sendable {
    /// SQLite's.
    static let sqlite = StoreStatements(.sqlite)
    /// PostgreSQL's.
    static let postgres = StoreStatements(.postgres)

    /// The statements in `dialect`.
    static func of(_ dialect: SQLDialect) -> StoreStatements { dialect == .sqlite ? sqlite : postgres }

    /// The SQL they are in.
    let dialect: SQLDialect
    /// The columns an event is read from, in the order `event(_:)` reads them by position (a lookup by name lowercases
    /// the name each time, which cost more than the rest of a listing's read): the row's fields, and its resource ids
    /// as one comma-separated text.
    let eventColumns: String
    /// The lookup of an event by partner and UID.
    let eventByReference: String
    /// The lookup of an event by id and partner.
    let eventById: String
    /// A series' occurrences by start.
    let occurrences: String
    /// Active series with a source and an id above one, by id, up to a number.
    let seriesAfter: String
    /// A partner's events by id.
    let eventsOfPartner: String
    /// The columns `insertEvent` writes, in order: those of `eventValues`, then the creation and update times.
    let insertEventColumns: String
    /// Adds an event: its `eventValues`, then its creation and update times.
    let insertEvent: String
    /// Overwrites an event: its `eventValues`, its update time, its id.
    let updateEvent: String
    /// Removes an event's links.
    let deleteLinks: String
    /// Links an event to a resource: event, resource, start, end, whether a conflict candidate (1 or 0).
    let insertLink: String
    /// The lookup of a resource by id and partner.
    let resourceById: String
    /// The lookup of a resource by partner, type and system name, through the partial unique index, which SQLite uses only
    /// when the query repeats the index's condition (`system_name != ''`); without it every lookup scans the table.
    let resourceBySystemName: String
    /// A partner's resources by id.
    let resourcesOfPartner: String
    /// Adds a resource: its `resourceValues`, then its creation and update times.
    let insertResource: String
    /// Overwrites a resource: its `resourceValues`, its update time, its id.
    let updateResource: String
    /// The longest active event of a partner, in seconds.
    let longestEvent: String

    private init(_ dialect: SQLDialect) {
        self.dialect = dialect
        func sql(_ text: String) -> String { dialect.numbered(text) }
        eventColumns = """
            events.id, events.partner_id, events.reference_id, events.type, events.status, events.recurrence_type, events.summary, \
            events.description, events.location, events.organizer, events.start_date, events.end_date, events.time_zone_id, \
            events.sequence, events.parent_id, events.recurrence_key, events.tags, events.category_ids, events.entry_ids, \
            events.template_entry_id, events.recurrence_rule, events.source, events.created_at, events.updated_at, events.owner_id, \
            events.priority, (SELECT \(dialect.joined("resource_id")) FROM event_resources WHERE event_id = events.id) AS resource_ids
            """
        eventByReference = sql(
            "SELECT \(eventColumns) FROM events WHERE partner_id = ? AND reference_id = ? AND recurrence_key = ''")
        eventById = sql("SELECT \(eventColumns) FROM events WHERE id = ? AND partner_id = ?")
        occurrences = sql("SELECT \(eventColumns) FROM events WHERE parent_id = ? ORDER BY start_date, id")
        seriesAfter = sql(
            """
            SELECT \(eventColumns) FROM events
            WHERE recurrence_type = \(RecurrenceType.recurring.rawValue) AND id > ? AND status = \(EventStatus.active.rawValue) \
            AND source IS NOT NULL ORDER BY id LIMIT ?
            """)
        eventsOfPartner = sql("SELECT \(eventColumns) FROM events WHERE partner_id = ? ORDER BY id")
        insertEventColumns = """
            partner_id, reference_id, type, status, recurrence_type, summary, description, location, organizer, start_date, \
            end_date, time_zone_id, sequence, parent_id, recurrence_key, tags, category_ids, entry_ids, template_entry_id, \
            recurrence_rule, source, owner_id, priority, created_at, updated_at
            """
        insertEvent = sql(
            "INSERT INTO events (\(insertEventColumns)) VALUES ("
                + Array(repeating: "?", count: Self.eventValueCount + 2).joined(separator: ", ") + ")")
        updateEvent = sql(
            """
            UPDATE events SET partner_id = ?, reference_id = ?, type = ?, status = ?, recurrence_type = ?, summary = ?,
            description = ?, location = ?, organizer = ?, start_date = ?, end_date = ?, time_zone_id = ?, sequence = ?,
            parent_id = ?, recurrence_key = ?, tags = ?, category_ids = ?, entry_ids = ?, template_entry_id = ?,
            recurrence_rule = ?, source = ?, owner_id = ?, priority = ?, updated_at = ? WHERE id = ?
            """)
        deleteLinks = sql("DELETE FROM event_resources WHERE event_id = ?")
        insertLink = sql(
            """
            INSERT INTO event_resources (event_id, resource_id, start_date, end_date, candidate) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        let resource = "SELECT \(Self.resourceColumns) FROM resources"
        resourceById = sql("\(resource) WHERE id = ? AND partner_id = ?")
        resourceBySystemName = sql("\(resource) WHERE partner_id = ? AND type = ? AND system_name = ? AND system_name != ''")
        resourcesOfPartner = sql("\(resource) WHERE partner_id = ? ORDER BY id")
        insertResource = sql(
            """
            INSERT INTO resources (partner_id, type, status, name, system_name, description, tags, parent_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        updateResource = sql(
            """
            UPDATE resources SET partner_id = ?, type = ?, status = ?, name = ?, system_name = ?, description = ?, tags = ?,
            parent_id = ?, updated_at = ? WHERE id = ?
            """)
        longestEvent = sql(
            "SELECT coalesce(max(end_date - start_date), 0) FROM events WHERE partner_id = ? AND status = \(EventStatus.active.rawValue)")
    }

    /// The events with these ids, by start then id.
    func events(ids count: Int) -> String {
        dialect.numbered(
            "SELECT \(eventColumns) FROM events WHERE id IN (\(Array(repeating: "?", count: count).joined(separator: ", "))) ORDER BY start_date, id"
        )
    }

    /// How many values `eventValues` gives.
    static let eventValueCount = 23

    /// The values `insertEvent` and `updateEvent` bind first.
    static func eventValues(_ event: ScheduleEvent) -> [SQLValue] {
        [
            .integer(Int64(event.partnerId)), .text(event.referenceId), .integer(Int64(event.type.rawValue)),
            .integer(Int64(event.status.rawValue)), .integer(Int64(event.recurrenceType.rawValue)), .text(event.summary),
            .text(event.description), .text(event.location), .text(event.organizer), .integer(event.startDate), .integer(event.endDate),
            .text(event.timeZoneID), .integer(Int64(event.sequence)), .integer(event.parentId), .text(event.recurrenceKey),
            .text(event.tags), .text(event.categoryIds.map(String.init).joined(separator: ",")),
            .text(event.entryIds.joined(separator: ",")), .text(event.templateEntryId), .text(event.recurrenceRule), .text(event.source),
            .text(event.ownerId), .integer(event.priority.map(Int64.init)),
        ]
    }

    /// The values of `insertLink` for each resource of an event: each link carries the event's start and end, and
    /// whether it is a conflict candidate (active, not a blackout, not a series row), for finding conflicts by time from
    /// the links alone.
    static func linkValues(_ eventId: Int64, _ event: ScheduleEvent) -> [[SQLValue]] {
        let candidate: Int64 = event.status == .active && event.type != .blackout && event.recurrenceType != .recurring ? 1 : 0
        return event.resourceIds.map {
            [.integer(eventId), .integer($0), .integer(event.startDate), .integer(event.endDate), .integer(candidate)]
        }
    }

    /// The values `insertResource` and `updateResource` bind first.
    static func resourceValues(_ resource: ScheduleResource) -> [SQLValue] {
        [
            .integer(Int64(resource.partnerId)), .integer(Int64(resource.type.rawValue)), .integer(Int64(resource.status.rawValue)),
            .text(resource.name), .text(resource.systemName), .text(resource.description), .text(resource.tags),
            .integer(resource.parentId),
        ]
    }

    /// The event of a row of `eventColumns`.
    static func event(_ row: some ColumnReading) -> ScheduleEvent {
        ScheduleEvent(
            id: row.integer(0),
            partnerId: Int(row.integer(1) ?? 0),
            referenceId: row.text(2) ?? "",
            type: EventType(rawValue: Int(row.integer(3) ?? 0)) ?? .record,
            status: EventStatus(rawValue: Int(row.integer(4) ?? 0)) ?? .active,
            recurrenceType: RecurrenceType(rawValue: Int(row.integer(5) ?? 0)) ?? .none,
            summary: row.text(6),
            description: row.text(7),
            location: row.text(8),
            organizer: row.text(9),
            startDate: row.integer(10) ?? 0,
            endDate: row.integer(11) ?? 0,
            timeZoneID: row.text(12),
            sequence: Int(row.integer(13) ?? 0),
            parentId: row.integer(14),
            recurrenceKey: row.text(15) ?? "",
            tags: row.text(16),
            categoryIds: numbers(row.text(17)),
            entryIds: (row.text(18) ?? "").split(separator: ",").map(String.init),
            templateEntryId: row.text(19),
            resourceIds: numbers(row.text(26)).sorted(),
            recurrenceRule: row.text(20),
            source: row.text(21),
            createdAt: row.integer(22),
            updatedAt: row.integer(23),
            ownerId: row.text(24),
            priority: row.integer(25).map(Int.init)
        )
    }

    /// The columns a resource is read from, in the order `resource(_:)` reads them.
    static let resourceColumns = "id, partner_id, type, status, name, system_name, description, tags, parent_id, created_at, updated_at"

    /// The resource of a row of `resourceColumns`.
    static func resource(_ row: some ColumnReading) -> ScheduleResource {
        ScheduleResource(
            id: row.integer(0), partnerId: Int(row.integer(1) ?? 0), type: ResourceType(rawValue: Int(row.integer(2) ?? 0)) ?? .location,
            status: ResourceStatus(rawValue: Int(row.integer(3) ?? 0)) ?? .active, name: row.text(4) ?? "",
            systemName: row.text(5) ?? "", description: row.text(6) ?? "", tags: row.text(7) ?? "", parentId: row.integer(8),
            createdAt: row.integer(9), updatedAt: row.integer(10))
    }

    /// The integers of a comma-separated text; none for nil.
    private static func numbers(_ text: String?) -> [Int64] {
        (text ?? "").split(separator: ",").compactMap { Int64($0) }
    }
}

/// A result row read by column position, whichever backend it came from.
protocol ColumnReading {
    /// The integer in a column; nil for null.
    func integer(_ index: Int) -> Int64?
    /// The text in a column; nil for null.
    func text(_ index: Int) -> String?
}

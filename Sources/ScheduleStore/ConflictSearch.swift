import Schedule

/// The reads a conflict search makes, on one backend's connection.
protocol ConflictReader {
    /// The SQL the connection speaks.
    var dialect: SQLDialect { get }
    /// The rows of `sql` (in the reader's SQL), which selects three integers: an event's id, start and end.
    func spans(_ sql: String, _ arguments: [SQLValue]) throws -> [ConflictSweep.Candidate]
    /// The first column of the rows of `sql` (in the reader's SQL), leaving out nulls.
    func integers(_ sql: String, _ arguments: [SQLValue]) throws -> [Int64]
}

/// The searches for events that overlap a time (SPEC §3.4) on one connection of either backend, shared by a job's
/// conflict report and the feed's `getConflicts`.
///
/// Candidates are the partner's active events that are not series rows. Each search reads an index that starts with
/// the time: links by (resource, start) for each related resource, blackouts by their partial index, the partner's
/// events by start. Only events that start in `[start - lookBehind, end)` can overlap, so no search scans all time.
struct ConflictSearch<Reader: ConflictReader> {
    /// The connection.
    let reader: Reader
    /// The partner whose events are searched.
    let partnerId: Int
    /// The longest an event may last, in seconds.
    let lookBehind: Int64
    /// An event left out with its occurrences: the one whose conflicts are sought.
    let ignoring: Int64?

    /// An event found, and the resource the clash is reported on (nil when a blackout is one of the two).
    struct Overlap {
        var eventId: Int64
        var start: Int64
        var end: Int64
        var resourceId: Int64?
    }

    private var statements: ConflictStatements { .of(reader.dialect) }

    /// The non-blackout events that overlap `[start, end)` on one of `resourceIds` or a resource related to one: its
    /// parent (a camera's room) or its children (a room's cameras). A clash through a resource's own parent is reported
    /// on that parent, one through its child on the resource itself.
    func onResources(_ resourceIds: [Int64], start: Int64, end: Int64) throws -> [Overlap] {
        var related: [(resource: Int64, reported: Int64)] = []
        for resourceId in resourceIds {
            related.append((resourceId, resourceId))
            let relations = try relations(of: resourceId)
            if let parent = relations.parent { related.append((parent, parent)) }
            for child in relations.children { related.append((child, resourceId)) }
        }
        return try related.flatMap { resource, reported in
            try overlaps(statements.eventsOnResourceDuring, [.integer(resource)], start: start, end: end, resourceId: reported)
        }
    }

    /// The resources a search on `resourceId` also reads: its parent unless it is deleted, its children that are not.
    func relations(of resourceId: Int64) throws -> ConflictSweep.Relations {
        ConflictSweep.Relations(
            parent: try reader.integers(statements.parent, [.integer(resourceId)]).first,
            children: try reader.integers(statements.children, [.integer(resourceId)]))
    }

    /// The blackouts that overlap `[start, end)`.
    func blackouts(start: Int64, end: Int64) throws -> [Overlap] {
        try overlaps(statements.blackoutsDuring, [], start: start, end: end, resourceId: nil)
    }

    /// The non-blackout events that overlap `[start, end)`, whatever their resources (the clashes of a blackout).
    func events(start: Int64, end: Int64) throws -> [Overlap] {
        try overlaps(statements.eventsDuring, [], start: start, end: end, resourceId: nil)
    }

    /// The events of a partner that clash with a time on resources or blackouts, as `ScheduleReading.conflicts` reads them.
    func overlaps(resourceIds: [Int64], start: Int64, end: Int64, kinds: ConflictKinds) throws -> [Overlap] {
        var overlaps: [Overlap] = []
        if kinds.contains(.resources) { overlaps += try onResources(resourceIds, start: start, end: end) }
        if kinds.contains(.blackouts) { overlaps += try blackouts(start: start, end: end) }
        return overlaps
    }

    /// Plans a `ConflictSweep` of a job's `subjects`, reads each window it asks for once (its resources' relations
    /// first), and hands `emit` each conflict in report order; the search must look behind nothing and ignore nothing,
    /// the sweep looks behind `lookBehind`.
    func sweep(_ subjects: [ConflictSweep.Subject], lookBehind: Int64, _ emit: (ConflictReport) throws -> Void) throws {
        var relations: [Int64: ConflictSweep.Relations] = [:]
        for resourceId in Set(subjects.lazy.filter { !$0.isBlackout }.flatMap(\.resourceIds)) {
            relations[resourceId] = try self.relations(of: resourceId)
        }
        var sweep = ConflictSweep(subjects: subjects, lookBehind: lookBehind, relations: relations)
        for window in sweep.windows {
            sweep.add(
                try reader.spans(
                    statements.candidatesOnResource,
                    [.integer(window.resourceId), .integer(window.from), .integer(window.to), .integer(window.from)]),
                onResource: window.resourceId)
        }
        if let window = sweep.blackoutWindow {
            sweep.addBlackouts(try reader.spans(statements.blackoutsDuring, arguments([], start: window.from, end: window.to)))
        }
        for index in sweep.blackoutSubjects {
            let blackout = subjects[index]
            sweep.add(
                try reader.spans(statements.eventsDuring, arguments([], start: blackout.start - lookBehind, end: blackout.end)),
                duringBlackout: index)
        }
        try sweep.reports(emit)
    }

    /// The arguments of a search's statement after its `leading` ones, for events that may overlap `[start, end)`.
    private func arguments(_ leading: [SQLValue], start: Int64, end: Int64) -> [SQLValue] {
        let ignored = ignoring ?? -1
        return leading + [
            .integer(Int64(partnerId)), .integer(start - lookBehind), .integer(end), .integer(start), .integer(ignored),
            .integer(ignored),
        ]
    }

    private func overlaps(_ sql: String, _ leading: [SQLValue], start: Int64, end: Int64, resourceId: Int64?) throws -> [Overlap] {
        try reader.spans(sql, arguments(leading, start: start, end: end)).map {
            Overlap(eventId: $0.id, start: $0.start, end: $0.end, resourceId: resourceId)
        }
    }
}

/// The statements of `ConflictSearch`, in one backend's SQL.
struct ConflictStatements: Sendable {
    /// SQLite's, with the index each must read.
    static let sqlite = ConflictStatements(.sqlite)
    /// PostgreSQL's.
    static let postgres = ConflictStatements(.postgres)

    /// The statements in `dialect`.
    static func of(_ dialect: SQLDialect) -> ConflictStatements { dialect == .sqlite ? sqlite : postgres }

    /// The conflict candidates linked to one resource that may overlap a time, read from the links' index alone (a
    /// link carries its event's times and whether it is a candidate). The links of a resource are its partner's
    /// events', so the partner need not be looked up.
    let candidatesOnResource: String
    /// The partner's active non-blackout events that overlap a time, but an ignored one and its occurrences.
    let eventsDuring: String
    /// The partner's active blackouts that overlap a time, but an ignored one and its occurrences, through their partial index.
    let blackoutsDuring: String
    /// The partner's active non-blackout events on one resource that overlap a time, but an ignored one and its
    /// occurrences, through the links by resource and start.
    let eventsOnResourceDuring: String
    /// A resource's parent unless it is deleted.
    let parent: String
    /// A resource's children that are not deleted, by id.
    let children: String

    private init(_ dialect: SQLDialect) {
        let active = "status = \(EventStatus.active.rawValue) AND recurrence_type != \(RecurrenceType.recurring.rawValue)"
        let notIgnored = "id != ? AND coalesce(parent_id, 0) != ?"
        let window = "start_date >= ? AND start_date < ? AND end_date > ?"
        candidatesOnResource = dialect.numbered(
            """
            SELECT event_id, start_date, end_date FROM \(dialect.table("event_resources", indexedBy: "event_resources_by_resource_start"))
            WHERE resource_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND candidate = 1 ORDER BY start_date, event_id
            """)
        eventsDuring = dialect.numbered(
            """
            SELECT id, start_date, end_date FROM events WHERE partner_id = ? AND \(window) AND \(notIgnored)
            AND type != \(EventType.blackout.rawValue) AND \(active) ORDER BY start_date, id
            """)
        blackoutsDuring = dialect.numbered(
            """
            SELECT id, start_date, end_date FROM \(dialect.table("events", indexedBy: "events_blackouts"))
            WHERE partner_id = ? AND \(window) AND \(notIgnored) AND type = \(EventType.blackout.rawValue) AND \(active) ORDER BY start_date, id
            """)
        eventsOnResourceDuring = dialect.numbered(
            """
            SELECT e.id, e.start_date, e.end_date FROM event_resources l JOIN events e ON e.id = l.event_id
            WHERE l.resource_id = ? AND e.partner_id = ? AND l.start_date >= ? AND l.start_date < ? AND e.end_date > ? AND e.id != ?
            AND coalesce(e.parent_id, 0) != ? AND e.type != \(EventType.blackout.rawValue) AND e.status = \(EventStatus.active.rawValue) \
            AND e.recurrence_type != \(RecurrenceType.recurring.rawValue) ORDER BY e.start_date, e.id
            """)
        parent = dialect.numbered("SELECT parent_id FROM resources WHERE id = ? AND status != \(ResourceStatus.deleted.rawValue)")
        children = dialect.numbered(
            "SELECT id FROM resources WHERE parent_id = ? AND status != \(ResourceStatus.deleted.rawValue) ORDER BY id")
    }
}

import GRDB
import Schedule

/// The searches for events that overlap a time (SPEC §3.4) on one connection, shared by a job's conflict report and
/// the feed's `getConflicts`.
///
/// Candidates are the partner's active events that are not series rows. Each search reads an index that starts with
/// the time: links by (resource, start) for each related resource, blackouts by their partial index, the partner's
/// events by start. Only events that start in `[start - lookBehind, end)` can overlap, so no search scans all time.
struct ConflictSearch {
    /// The connection.
    let db: Database
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
            try overlaps(Self.eventsOnResourceDuring, [resource], start: start, end: end, resourceId: reported)
        }
    }

    /// The resources a search on `resourceId` also reads: its parent unless it is deleted, its children that are not.
    func relations(of resourceId: Int64) throws -> ConflictSweep.Relations {
        ConflictSweep.Relations(
            parent: try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT parent_id FROM resources WHERE id = ? AND status != \(ResourceStatus.deleted.rawValue)"),
                arguments: [resourceId]),
            children: try Int64.fetchAll(
                db.cachedStatement(
                    sql: "SELECT id FROM resources WHERE parent_id = ? AND status != \(ResourceStatus.deleted.rawValue) ORDER BY id"),
                arguments: [resourceId]))
    }

    /// The blackouts that overlap `[start, end)`.
    func blackouts(start: Int64, end: Int64) throws -> [Overlap] {
        try overlaps(Self.blackoutsDuring, [], start: start, end: end, resourceId: nil)
    }

    /// The non-blackout events that overlap `[start, end)`, whatever their resources (the clashes of a blackout).
    func events(start: Int64, end: Int64) throws -> [Overlap] {
        try overlaps(Self.eventsDuring, [], start: start, end: end, resourceId: nil)
    }

    /// The candidates of a `ConflictSweep` window: with `lookBehind` 0 and nothing ignored, the events of the kind
    /// `sql` selects that start in `from..<to` (and end after `from`), by start then id; each row read in place, for a
    /// window can hold a million links.
    func candidates(_ sql: String, _ leading: StatementArguments, from: Int64, to: Int64) throws -> [ConflictSweep.Candidate] {
        try candidates(sql, arguments: arguments(leading, start: from, end: to))
    }

    /// The conflict candidates linked to `resourceId` that start in `from..<to` and end after `from`, by start then id,
    /// read from the links' index alone (a link carries its event's times and whether it is a candidate). The links of
    /// a resource are its partner's events', so the partner need not be looked up.
    func linkedCandidates(_ resourceId: Int64, from: Int64, to: Int64) throws -> [ConflictSweep.Candidate] {
        try candidates(Self.candidatesOnResource, arguments: [resourceId, from, to, from])
    }

    /// The candidates of a statement that selects an event's id, start and end, each row read in place.
    private func candidates(_ sql: String, arguments: StatementArguments) throws -> [ConflictSweep.Candidate] {
        try Array(
            Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments).map {
                ConflictSweep.Candidate(id: $0[0], start: $0[1], end: $0[2])
            })
    }

    /// The arguments of a search's `sql` after its `leading` ones, for events that may overlap `[start, end)`.
    private func arguments(_ leading: StatementArguments, start: Int64, end: Int64) -> StatementArguments {
        let ignored = ignoring ?? -1
        return leading + [partnerId, start - lookBehind, end, start, ignored, ignored]
    }

    private func overlaps(
        _ sql: String, _ leading: StatementArguments, start: Int64, end: Int64, resourceId: Int64?
    ) throws -> [Overlap] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments(leading, start: start, end: end)).map {
            Overlap(eventId: $0[0], start: $0[1], end: $0[2], resourceId: resourceId)
        }
    }

    /// The conflict candidates linked to one resource that may overlap a time.
    static let candidatesOnResource = """
        SELECT event_id, start_date, end_date FROM event_resources INDEXED BY event_resources_by_resource_start
        WHERE resource_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND candidate ORDER BY start_date, event_id
        """
    /// The partner's active non-blackout events that overlap a time, but an ignored one and its occurrences.
    static let eventsDuring = """
        SELECT id, start_date, end_date FROM events
        WHERE partner_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND id != ? AND coalesce(parent_id, 0) != ?
        AND type != \(EventType.blackout.rawValue) AND status = \(EventStatus.active.rawValue) \
        AND recurrence_type != \(RecurrenceType.recurring.rawValue) ORDER BY start_date, id
        """
    /// The partner's active blackouts that overlap a time, but an ignored one and its occurrences, through their partial index.
    static let blackoutsDuring = """
        SELECT id, start_date, end_date FROM events INDEXED BY events_blackouts
        WHERE partner_id = ? AND start_date >= ? AND start_date < ? AND end_date > ? AND id != ? AND coalesce(parent_id, 0) != ?
        AND type = \(EventType.blackout.rawValue) AND status = \(EventStatus.active.rawValue) \
        AND recurrence_type != \(RecurrenceType.recurring.rawValue) ORDER BY start_date, id
        """
    /// The partner's active non-blackout events on one resource that overlap a time, but an ignored one and its
    /// occurrences, through the links by resource and start.
    static let eventsOnResourceDuring = """
        SELECT e.id, e.start_date, e.end_date FROM event_resources l JOIN events e ON e.id = l.event_id
        WHERE l.resource_id = ? AND e.partner_id = ? AND l.start_date >= ? AND l.start_date < ? AND e.end_date > ? AND e.id != ?
        AND coalesce(e.parent_id, 0) != ? AND e.type != \(EventType.blackout.rawValue) AND e.status = \(EventStatus.active.rawValue) \
        AND e.recurrence_type != \(RecurrenceType.recurring.rawValue) ORDER BY e.start_date, e.id
        """
}

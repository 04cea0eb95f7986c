import GRDB
import Schedule

/// The conditions of an `EventFilter` as one parameterized WHERE clause over `events`, and its order.
///
/// Every value is a bound argument; lists become `IN (?, …)`. Deleted events are never selected. Resource
/// conditions select event ids from the links by resource and start (the start bounds repeated there), and the events
/// are then read by id, so a poll of one resource reads that index and then its few events. Category and entry ids are stored comma-joined, so an item
/// matches `,id,` inside `,category_ids,`; tags match word by word through the `kaltura_has_words` function.
struct EventQuery {
    /// The clause, starting with `WHERE`.
    private(set) var whereClause: String
    /// Its arguments, in order.
    private(set) var arguments: StatementArguments
    /// Whether the query has few arguments (at most 16), so that its statement is worth keeping prepared: a device's
    /// poll repeats a few such shapes, while long lists of ids would fill a cache with one-off statements.
    private(set) var isShort = true
    /// The `ORDER BY` clause.
    private let order: String
    /// The table, read by id alone (`NOT INDEXED`) when link lookups give the ids: SQLite would otherwise read all the
    /// partner's events by start and look each up in the links.
    private let table: String

    /// The selected events with their resource ids, in the filter's order.
    var selection: String {
        "SELECT \(SQLiteTransaction.eventColumns) FROM \(table) \(whereClause) \(order)"
    }

    /// How many events the clause selects.
    var count: String {
        "SELECT count(*) FROM \(table) \(whereClause)"
    }

    /// The SQL function that tells whether a text (tags) has a phrase's words in a row: `kaltura_has_words(text, phrase)`.
    static let hasWords = DatabaseFunction("kaltura_has_words", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let phrase = String.fromDatabaseValue(values[1]) else { return false }
        return TextWords.text(text, has: phrase)
    }

    /// The query of `filter` over the events of `partnerId`.
    init(partnerId: Int, filter: EventFilter) {
        var conditions = ["partner_id = ?", "status != \(EventStatus.deleted.rawValue)"]
        var arguments: StatementArguments = [partnerId]
        var argumentCount = 1
        func add(_ condition: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(condition)
            arguments += StatementArguments(values)
            argumentCount += values.count
        }
        func marks(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }
        func compare(_ column: String, _ operation: String, _ value: (any DatabaseValueConvertible)?) {
            if let value { add("\(column) \(operation) ?", [value]) }
        }
        func among(_ column: String, _ values: [any DatabaseValueConvertible]?, negated: Bool = false) {
            guard let values else { return }
            guard !values.isEmpty else {
                if !negated { conditions.append("0") }
                return
            }
            add(
                negated ? "(\(column) IS NULL OR \(column) NOT IN (\(marks(values.count))))" : "\(column) IN (\(marks(values.count)))",
                values)
        }
        /// Each item of `all` and one of `any` must match `condition` (one `?`, the item).
        func match<Item: DatabaseValueConvertible>(_ items: ItemMatch<Item>?, _ condition: String) {
            guard let items else { return }
            for item in items.all { add(condition, [item]) }
            if let any = items.any {
                add(any.isEmpty ? "0" : "(" + Array(repeating: condition, count: any.count).joined(separator: " OR ") + ")", any)
            }
        }
        // The start bounds again inside the link lookups, where they narrow the index by resource and start.
        var starts = ""
        var startArguments: [any DatabaseValueConvertible] = []
        if let from = filter.startDateGreaterThanOrEqual {
            starts += " AND start_date >= ?"
            startArguments.append(from)
        }
        if let to = filter.startDateLessThanOrEqual {
            starts += " AND start_date <= ?"
            startArguments.append(to)
        }
        var byLinks = false
        /// Event ids linked to the resources `resources` selects (a SELECT of ids with its own arguments).
        func linked(_ resources: String, _ values: [any DatabaseValueConvertible]) {
            byLinks = true
            add("id IN (SELECT event_id FROM event_resources WHERE resource_id IN (\(resources))\(starts))", values + startArguments)
        }
        compare("start_date", ">=", filter.startDateGreaterThanOrEqual)
        compare("start_date", "<=", filter.startDateLessThanOrEqual)
        compare("end_date", ">=", filter.endDateGreaterThanOrEqual)
        compare("end_date", "<=", filter.endDateLessThanOrEqual)
        compare("updated_at", ">=", filter.updatedAtGreaterThanOrEqual)
        compare("updated_at", "<=", filter.updatedAtLessThanOrEqual)
        compare("created_at", ">=", filter.createdAtGreaterThanOrEqual)
        compare("created_at", "<=", filter.createdAtLessThanOrEqual)
        compare("priority", ">=", filter.priorityGreaterThanOrEqual)
        compare("priority", "<=", filter.priorityLessThanOrEqual)
        compare("template_entry_id", "=", filter.templateEntryIdEqual)
        among("reference_id", filter.referenceIdIn)
        among("id", filter.idIn)
        among("id", filter.idNotIn, negated: true)
        among("parent_id", filter.parentIdIn)
        among("parent_id", filter.parentIdNotIn, negated: true)
        among("owner_id", filter.ownerIdIn)
        among("priority", filter.priorityIn)
        among("status", filter.statusIn?.map(\.rawValue))
        among("recurrence_type", filter.recurrenceTypeIn?.map(\.rawValue))
        among("type", filter.typeIn?.map(\.rawValue))
        if let resource = filter.resourceIdEqual {
            linked("?", [resource])
            add("(SELECT count(*) FROM event_resources WHERE event_id = events.id) = 1", [])
        }
        if let resources = filter.resourceIds {
            for resource in resources.all { linked("?", [resource]) }
            if let any = resources.any { linked(marks(any.count), any) }
        }
        if let parents = filter.parentResourceIds {
            func below(_ parents: String) -> String {
                """
                WITH RECURSIVE below(id) AS (SELECT id FROM resources WHERE parent_id IN (\(parents)) AND partner_id = ? \
                UNION SELECT resources.id FROM resources JOIN below ON resources.parent_id = below.id) SELECT id FROM below
                """
            }
            for parent in parents.all { linked(below("?"), [parent, partnerId]) }
            if let any = parents.any { linked(below(marks(any.count)), any + [partnerId]) }
        }
        if let names = filter.resourceSystemNames {
            func named(_ names: String) -> String {
                "SELECT id FROM resources WHERE partner_id = ? AND system_name IN (\(names)) AND system_name != ''"
            }
            for name in names.all { linked(named("?"), [partnerId, name]) }
            if let any = names.any { linked(named(marks(any.count)), [partnerId] + any) }
        }
        match(filter.categoryIds, "instr(',' || category_ids || ',', ',' || ? || ',') > 0")
        match(filter.entryIds, "instr(',' || entry_ids || ',', ',' || ? || ',') > 0")
        match(filter.tags, "kaltura_has_words(coalesce(tags, ''), ?)")
        table = byLinks ? "events NOT INDEXED" : "events"
        whereClause = "WHERE " + conditions.joined(separator: " AND ")
        self.arguments = arguments
        isShort = argumentCount <= 16
        let keys = filter.orderBy.isEmpty ? [SortKey(EventSortField.startDate)] : filter.orderBy
        order = "ORDER BY " + (keys.map { "\(Self.column($0.field)) \($0.ascending ? "ASC" : "DESC")" } + ["id"]).joined(separator: ", ")
    }

    /// The column of an order field.
    private static func column(_ field: EventSortField) -> String {
        switch field {
        case .startDate: "start_date"
        case .endDate: "end_date"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .summary: "summary"
        case .priority: "priority"
        }
    }
}

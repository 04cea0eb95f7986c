import GRDB
import Schedule

/// The conditions of an `EventFilter` as one parameterized WHERE clause over `events`, and its order, in either
/// backend's SQL.
///
/// Every value is a bound argument; lists become `IN (?, …)`. Deleted events are never selected. Resource
/// conditions select event ids from the links by resource and start (the start bounds repeated there), and the events
/// are then read by id, so a poll of one resource reads that index and then its few events. Category and entry ids are stored comma-joined, so an item
/// matches `,id,` inside `,category_ids,`; tags match word by word through the `kaltura_has_words` function.
struct EventQuery {
    /// The clause, starting with `WHERE`.
    private(set) var whereClause: String
    /// Its arguments, in order.
    private(set) var values: [SQLValue]
    /// Whether the query has few arguments (at most 16), so that its statement is worth keeping prepared: a device's
    /// poll repeats a few such shapes, while long lists of ids would fill a cache with one-off statements.
    private(set) var isShort = true
    /// The `ORDER BY` clause.
    private let order: String
    /// The table, read by id alone (SQLite's `NOT INDEXED`) when link lookups give the ids: SQLite would otherwise read
    /// all the partner's events by start and look each up in the links.
    private let table: String
    /// The SQL the statements are in.
    let dialect: SQLDialect

    /// The selected events with their resource ids, in the filter's order.
    var selection: String {
        dialect.numbered("SELECT \(StoreStatements.of(dialect).eventColumns) FROM \(table) \(whereClause) \(order)")
    }

    /// How many events the clause selects.
    var count: String {
        dialect.numbered("SELECT count(*) FROM \(table) \(whereClause)")
    }

    /// The arguments, as GRDB binds them.
    var arguments: StatementArguments { StatementArguments(values) }

    /// The SQL function that tells whether a text (tags) has a phrase's words in a row: `kaltura_has_words(text, phrase)`.
    static let hasWords = DatabaseFunction("kaltura_has_words", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let phrase = String.fromDatabaseValue(values[1]) else { return false }
        return TextWords.text(text, has: phrase)
    }

    /// The query of `filter` over the events of `partnerId`.
    init(partnerId: Int, filter: EventFilter, dialect: SQLDialect = .sqlite) {
        self.dialect = dialect
        var conditions = ["partner_id = ?", "status != \(EventStatus.deleted.rawValue)"]
        var arguments: [SQLValue] = [.integer(Int64(partnerId))]
        func add(_ condition: String, _ values: [SQLValue]) {
            conditions.append(condition)
            arguments += values
        }
        func marks(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }
        func compare(_ column: String, _ operation: String, _ value: SQLValue?) {
            if let value { add("\(column) \(operation) ?", [value]) }
        }
        func among(_ column: String, _ values: [SQLValue]?, negated: Bool = false) {
            guard let values else { return }
            guard !values.isEmpty else {
                if !negated { conditions.append("FALSE") }
                return
            }
            add(
                negated ? "(\(column) IS NULL OR \(column) NOT IN (\(marks(values.count))))" : "\(column) IN (\(marks(values.count)))",
                values)
        }
        /// Each item of `all` and one of `any` must match `condition` (one `?`, the item).
        func match<Item>(_ items: ItemMatch<Item>?, _ condition: String, _ value: (Item) -> SQLValue) {
            guard let items else { return }
            for item in items.all { add(condition, [value(item)]) }
            if let any = items.any {
                add(
                    any.isEmpty ? "FALSE" : "(" + Array(repeating: condition, count: any.count).joined(separator: " OR ") + ")",
                    any.map(value))
            }
        }
        // The start bounds again inside the link lookups, where they narrow the index by resource and start.
        var starts = ""
        var startArguments: [SQLValue] = []
        if let from = filter.startDateGreaterThanOrEqual {
            starts += " AND start_date >= ?"
            startArguments.append(.integer(from))
        }
        if let to = filter.startDateLessThanOrEqual {
            starts += " AND start_date <= ?"
            startArguments.append(.integer(to))
        }
        var byLinks = false
        /// Event ids linked to the resources `resources` selects (a SELECT of ids with its own arguments).
        func linked(_ resources: String, _ values: [SQLValue]) {
            byLinks = true
            add("id IN (SELECT event_id FROM event_resources WHERE resource_id IN (\(resources))\(starts))", values + startArguments)
        }
        func integers<Number: BinaryInteger>(_ values: [Number]?) -> [SQLValue]? { values?.map { .integer(Int64($0)) } }
        func texts(_ values: [String]?) -> [SQLValue]? { values?.map { .text($0) } }
        compare("start_date", ">=", filter.startDateGreaterThanOrEqual.map { .integer($0) })
        compare("start_date", "<=", filter.startDateLessThanOrEqual.map { .integer($0) })
        compare("end_date", ">=", filter.endDateGreaterThanOrEqual.map { .integer($0) })
        compare("end_date", "<=", filter.endDateLessThanOrEqual.map { .integer($0) })
        compare("updated_at", ">=", filter.updatedAtGreaterThanOrEqual.map { .integer($0) })
        compare("updated_at", "<=", filter.updatedAtLessThanOrEqual.map { .integer($0) })
        compare("created_at", ">=", filter.createdAtGreaterThanOrEqual.map { .integer($0) })
        compare("created_at", "<=", filter.createdAtLessThanOrEqual.map { .integer($0) })
        compare("priority", ">=", filter.priorityGreaterThanOrEqual.map { .integer(Int64($0)) })
        compare("priority", "<=", filter.priorityLessThanOrEqual.map { .integer(Int64($0)) })
        compare("template_entry_id", "=", filter.templateEntryIdEqual.map { .text($0) })
        among("reference_id", texts(filter.referenceIdIn))
        among("id", integers(filter.idIn))
        among("id", integers(filter.idNotIn), negated: true)
        among("parent_id", integers(filter.parentIdIn))
        among("parent_id", integers(filter.parentIdNotIn), negated: true)
        among("owner_id", texts(filter.ownerIdIn))
        among("priority", integers(filter.priorityIn))
        among("status", integers(filter.statusIn?.map(\.rawValue)))
        among("recurrence_type", integers(filter.recurrenceTypeIn?.map(\.rawValue)))
        among("type", integers(filter.typeIn?.map(\.rawValue)))
        let partner = SQLValue.integer(Int64(partnerId))
        if let resource = filter.resourceIdEqual {
            linked("?", [.integer(resource)])
            add("(SELECT count(*) FROM event_resources WHERE event_id = events.id) = 1", [])
        }
        if let resources = filter.resourceIds {
            for resource in resources.all { linked("?", [.integer(resource)]) }
            if let any = resources.any { linked(marks(any.count), any.map { .integer($0) }) }
        }
        if let parents = filter.parentResourceIds {
            func below(_ parents: String) -> String {
                """
                WITH RECURSIVE below(id) AS (SELECT id FROM resources WHERE parent_id IN (\(parents)) AND partner_id = ? \
                UNION SELECT resources.id FROM resources JOIN below ON resources.parent_id = below.id) SELECT id FROM below
                """
            }
            for parent in parents.all { linked(below("?"), [.integer(parent), partner]) }
            if let any = parents.any { linked(below(marks(any.count)), any.map { .integer($0) } + [partner]) }
        }
        if let names = filter.resourceSystemNames {
            func named(_ names: String) -> String {
                "SELECT id FROM resources WHERE partner_id = ? AND system_name IN (\(names)) AND system_name != ''"
            }
            for name in names.all { linked(named("?"), [partner, .text(name)]) }
            if let any = names.any { linked(named(marks(any.count)), [partner] + any.map { .text($0) }) }
        }
        match(filter.categoryIds, "\(dialect.position)(',' || category_ids || ',', ',' || ? || ',') > 0") { .text(String($0)) }
        match(filter.entryIds, "\(dialect.position)(',' || entry_ids || ',', ',' || ? || ',') > 0") { .text($0) }
        match(filter.tags, "kaltura_has_words(coalesce(tags, ''), ?)") { .text($0) }
        table = dialect.table("events", indexedBy: byLinks ? "" : nil)
        whereClause = "WHERE " + conditions.joined(separator: " AND ")
        values = arguments
        isShort = arguments.count <= 16
        let keys = filter.orderBy.isEmpty ? [SortKey(EventSortField.startDate)] : filter.orderBy
        order =
            "ORDER BY "
            + (keys.map { "\(Self.column($0.field, dialect)) \($0.ascending ? "ASC" : "DESC")" } + ["id"]).joined(separator: ", ")
    }

    /// The column of an order field.
    private static func column(_ field: EventSortField, _ dialect: SQLDialect) -> String {
        switch field {
        case .startDate: "start_date"
        case .endDate: "end_date"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .summary: dialect.byBytes("summary")
        case .priority: "priority"
        }
    }
}

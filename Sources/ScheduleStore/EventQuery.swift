import GRDB
import Schedule

/// The conditions of an `EventFilter` as one parameterized WHERE clause over `events`.
///
/// Every value is a bound argument; lists become `IN (?, …)`. Deleted events are never selected.
/// Category ids are stored comma-joined, so "any of" matches `,id,` inside `,category_ids,`; tags
/// match by substring (`instr`), which takes the text literally (no LIKE wildcards).
struct EventQuery {
    /// The clause, starting with `WHERE`.
    private(set) var whereClause: String
    /// Its arguments, in order.
    private(set) var arguments: StatementArguments

    /// The selected events with their resource ids, in listing order (start, then id).
    var selection: String {
        "SELECT \(SQLiteTransaction.eventColumns) FROM events \(whereClause) ORDER BY start_date, id"
    }

    /// How many events the clause selects.
    var count: String {
        "SELECT count(*) FROM events \(whereClause)"
    }

    /// The query of `filter` over the events of `partnerId`.
    init(partnerId: Int, filter: EventFilter) {
        var conditions = ["partner_id = ?", "status != \(EventStatus.deleted.rawValue)"]
        var arguments: StatementArguments = [partnerId]
        func add(_ condition: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }
        func compare(_ column: String, _ operation: String, _ value: Int64?) {
            if let value { add("\(column) \(operation) ?", [value]) }
        }
        func among(_ column: String, _ values: [any DatabaseValueConvertible]?) {
            guard let values else { return }
            guard !values.isEmpty else { return conditions.append("0") }
            add("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))", values)
        }
        compare("start_date", ">=", filter.startDateGreaterThanOrEqual)
        compare("start_date", "<=", filter.startDateLessThanOrEqual)
        compare("end_date", ">=", filter.endDateGreaterThanOrEqual)
        compare("end_date", "<=", filter.endDateLessThanOrEqual)
        compare("updated_at", ">=", filter.updatedAtGreaterThanOrEqual)
        compare("updated_at", "<=", filter.updatedAtLessThanOrEqual)
        compare("created_at", ">=", filter.createdAtGreaterThanOrEqual)
        among("reference_id", filter.referenceIdIn)
        among("id", filter.idIn)
        among("parent_id", filter.parentIdIn)
        among("status", filter.statusIn?.map(\.rawValue))
        among("recurrence_type", filter.recurrenceTypeIn?.map(\.rawValue))
        if let template = filter.templateEntryIdEqual { add("template_entry_id = ?", [template]) }
        if let resources = filter.resourceIdsMatchOr {
            let marks = Array(repeating: "?", count: resources.count).joined(separator: ", ")
            add(
                resources.isEmpty
                    ? "0" : "EXISTS (SELECT 1 FROM event_resources WHERE event_id = events.id AND resource_id IN (\(marks)))",
                resources)
        }
        if let categories = filter.categoryIdsMatchOr {
            let matches = Array(repeating: "instr(',' || category_ids || ',', ?) > 0", count: categories.count)
            add(matches.isEmpty ? "0" : "(" + matches.joined(separator: " OR ") + ")", categories.map { ",\($0)," })
        }
        if let tags = filter.tagsLike { add("instr(coalesce(tags, ''), ?) > 0", [tags]) }
        whereClause = "WHERE " + conditions.joined(separator: " AND ")
        self.arguments = arguments
    }
}

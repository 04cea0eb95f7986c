import GRDB

/// The SQL a backend speaks where SQLite and PostgreSQL differ. Statements shared by both are written once, with `?`
/// for each argument, and put in each backend's words here.
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A table in a `FROM` clause, with SQLite's index hint: `index` names the index to use, "" none (read by rowid).
    func table(_ name: String, indexedBy index: String? = nil) -> String {
        guard self == .sqlite, let index else { return name }
        return index.isEmpty ? "\(name) NOT INDEXED" : "\(name) INDEXED BY \(index)"
    }

    /// The function giving where a text starts inside another (1-based, 0 if nowhere): `f(haystack, needle)`.
    var position: String {
        switch self {
        case .sqlite: "instr"
        case .postgres: "strpos"
        }
    }

    /// The values of an integer column over a group, joined with commas.
    func joined(_ column: String) -> String {
        switch self {
        case .sqlite: "group_concat(\(column))"
        case .postgres: "string_agg(\(column)::text, ',')"
        }
    }

    /// A text column compared by its bytes, as SQLite always compares (PostgreSQL compares by the database's locale).
    func byBytes(_ column: String) -> String {
        switch self {
        case .sqlite: column
        case .postgres: "\(column) COLLATE \"C\""
        }
    }

    /// `sql` with its argument markers as the backend wants them: `?` for SQLite, `$1`, `$2` … for PostgreSQL. The
    /// statements never hold a `?` inside a literal.
    func numbered(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A value bound to a statement of either backend.
enum SQLValue: Hashable, Sendable {
    case integer(Int64)
    case text(String)
    case null

    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .null: .null
        }
    }

    /// An integer, or null.
    static func integer(_ value: Int64?) -> SQLValue { value.map { .integer($0) } ?? .null }
    /// A text, or null.
    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}

extension StatementArguments {
    /// Arguments of shared statements, for GRDB.
    init(_ values: [SQLValue]) {
        self.init(values.map(\.databaseValue))
    }
}

import Foundation
import Logging
import NIOCore
import PostgresNIO
import Schedule

/// One leased PostgreSQL connection used synchronously, as a job's transaction body and the store's reads are written:
/// each statement waits for its result. It runs on the store's own threads (`PostgresStore.session`), never on an
/// event loop nor on Swift's cooperative pool.
final class PostgresSession: ConflictReader {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// The rows of `sql` (numbered for PostgreSQL) with `values` bound.
    func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [PostgresColumns] {
        try run(sql, values).rows.map { PostgresColumns(row: $0.makeRandomAccess()) }
    }

    /// Runs `sql` with `values` bound and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    /// The integer in the first column of the first row of `sql`; nil if there is none or it is null.
    func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        try rows(sql, values).first?.integer(0)
    }

    /// Runs `query` as built (a bytea among its binds).
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try wait(query).metadata.rows ?? 0
    }

    /// Stores a report's JSON as its `report_pieces`, a megabyte at a time (`ReportPieces`).
    func insertReportPieces(reportId: Int64, json: ReportJSON) throws {
        var piece: Int64 = 0
        try ReportPieces.read(json) { bytes in
            let insert: PostgresQuery =
                "INSERT INTO report_pieces (report_id, piece, bytes) VALUES (\(reportId), \(piece), \(ByteBuffer(data: bytes)))"
            try execute(insert)
            piece += 1
        }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    func spans(_ sql: String, _ arguments: [SQLValue]) throws -> [ConflictSweep.Candidate] {
        try rows(sql, arguments).map { ConflictSweep.Candidate(id: $0.integer(0) ?? 0, start: $0.integer(1) ?? 0, end: $0.integer(2) ?? 0) }
    }

    /// The first column of the rows of `sql`, leaving out nulls (`ConflictReader`'s read, for any statement).
    func integers(_ sql: String, _ arguments: [SQLValue]) throws -> [Int64] {
        try rows(sql, arguments).compactMap { $0.integer(0) }
    }

    private func run(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let number): binds.append(number)
            case .text(let text): binds.append(text)
            case .null: binds.appendNull()
            }
        }
        return try wait(PostgresQuery(unsafeSQL: sql, binds: binds))
    }

    /// The result of `query`; the server's error in words (PostgresNIO's own hides it) if it fails.
    private func wait(_ query: PostgresQuery) throws -> PostgresQueryResult {
        do {
            return try connection.query(query, logger: logger).wait()
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
    }
}

/// A PostgreSQL row read by column position or name.
struct PostgresColumns: ColumnReading {
    let row: PostgresRandomAccessRow

    func integer(_ index: Int) -> Int64? { (try? row[index].decode(Int64?.self)) ?? nil }
    func text(_ index: Int) -> String? { (try? row[index].decode(String?.self)) ?? nil }
    /// The integer in the column `name`; nil for null.
    func integer(_ name: String) -> Int64? { (try? row[name].decode(Int64?.self)) ?? nil }
    /// The text in the column `name`; nil for null.
    func text(_ name: String) -> String? { (try? row[name].decode(String?.self)) ?? nil }
    /// The bytes in the column `name`.
    func bytes(_ name: String) -> ByteBuffer? { (try? row[name].decode(ByteBuffer?.self)) ?? nil }
}

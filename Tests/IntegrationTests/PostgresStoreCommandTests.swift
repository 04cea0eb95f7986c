import Foundation
import TestSupport
import Testing

/// The commands on a PostgreSQL store (`store: postgresql://…`), and `migrate --from sqlite:… --to postgresql://…`,
/// through the real executable and a real PostgreSQL server.
@Suite struct PostgresStoreCommandTests {
    @Test func aSQLiteStoreCopiedToPostgreSQLListsTheSameAndTakesNewFiles() async throws {
        let root = try TemporaryDirectory()
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples").path
        let (server, url) = try await offPool { try PostgresServer.newDatabase() }
        try root.write("password", server.password + "\n")
        try root.write("pg.yaml", "store: \(url)\nstorePasswordFile: ./password\n")
        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
            let name = "/out-\(UUID().uuidString)"
            let command = try Daemon(
                arguments, in: root.path, logPath: root.path + name + ".log", stdoutPath: root.path + name, environment: environment)
            command.process.waitUntilExit()
            return (
                command.process.terminationStatus, ((try? String(contentsOfFile: root.path + name, encoding: .utf8)) ?? "") + command.output
            )
        }
        for file in ["resources.csv", "semester.ics"] {
            #expect(try run(["ingest", samples + "/" + file]).status == 0)
        }
        let copy = try run(["migrate", "--from", "sqlite:data/scheduledrop.sqlite", "--to", url, "--to-password-file", "password"])
        #expect(copy.status == 0, "\(copy.output)")
        #expect(copy.output.contains("report texts: 2"), "\(copy.output)")
        let again = try run(["migrate", "--from", "sqlite:data/scheduledrop.sqlite", "--to", url, "--to-password-file", "password"])
        #expect(again.status != 0 && again.output.contains("not empty"), "a second copy into the same store is refused: \(again.output)")

        let migrations = try run(["migrate", "--config", "pg.yaml"])
        #expect(migrations.output == "v1: the schema of SQLite's v11\nv2: leases\n", "\(migrations.output)")

        let listing = ["events", "--json", "--page-size", "500"]
        let fromSQLite = try run(listing)
        let fromPostgres = try run(listing + ["--config", "pg.yaml"])
        #expect(fromSQLite.status == 0 && fromPostgres.status == 0, "\(fromPostgres.output)")
        #expect(fromPostgres.output == fromSQLite.output, "the same events with the same ids")
        #expect(try run(["resources", "--json"]).output == run(["resources", "--json", "--config", "pg.yaml"]).output)
        #expect(try run(["reports"]).output == run(["reports", "--config", "pg.yaml"]).output)

        // A file ingested on PostgreSQL, the password from the environment this time: new ids follow the copied ones.
        let ingest = try run(
            ["ingest", samples + "/lectures.ics", "--config", "pg.yaml"], environment: ["SCHEDULEDROP_STORE_PASSWORD": server.password])
        #expect(ingest.status == 0, "\(ingest.output)")
        #expect(try run(["ingest", samples + "/lectures.ics"]).status == 0)
        /// A listing's events without their store times: the two ingests may fall in different seconds.
        func timeless(_ output: String) throws -> [NSDictionary] {
            let list = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let objects = try #require(list["objects"] as? [[String: Any]])
            return objects.map { object in NSDictionary(dictionary: object.filter { $0.key != "createdAt" && $0.key != "updatedAt" }) }
        }
        let sqliteAfter = try timeless(run(listing).output)
        #expect(sqliteAfter.count > 30, "the new file's events are listed")
        #expect(try sqliteAfter == timeless(run(listing + ["--config", "pg.yaml"]).output), "both stores took the same file alike")

        let wrong = try run(["events", "--config", "pg.yaml"], environment: ["SCHEDULEDROP_STORE_PASSWORD": "wrong"])
        #expect(
            wrong.status != 0 && wrong.output.contains("cannot open the store at \(url): PostgreSQL: password authentication failed"),
            "\(wrong.output)")
        #expect(!wrong.output.contains("wrong"), "the password is never shown")
    }

    @Test func aStoreURLWithAPasswordIsRefused() async throws {
        let root = try TemporaryDirectory()
        try root.write("c.yaml", "store: postgresql://sd:secret@127.0.0.1:5432/schedule\n")
        let check = try Daemon(["check-config", "--config", "c.yaml"], in: root.path, logPath: root.path + "/out")
        check.process.waitUntilExit()
        #expect(check.process.terminationStatus == 1)
        #expect(check.output.contains("store (line 1): the store URL must not carry a password"), "\(check.output)")
        #expect(!check.output.contains("secret"))
    }
}

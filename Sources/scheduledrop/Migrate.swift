import ArgumentParser
import Foundation
import ScheduleStore

/// `scheduledrop migrate`: brings the store's schema up to date and says which migrations it has; or, with `--from`
/// and `--to`, copies a SQLite store into a new PostgreSQL store.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create the store or bring its schema up to date, then list its applied migrations; or copy a SQLite store to PostgreSQL.",
        discussion: """
            The daemon and every command migrate on open too; this runs it on its own, for instance before a rollout.

            With --from sqlite:PATH --to postgresql://USER@HOST:PORT/DATABASE, it copies the SQLite store at PATH, whole and \
            with its ids, into that PostgreSQL database, which must hold no store data yet: the way from one machine to a fleet. \
            The password comes from SCHEDULEDROP_STORE_PASSWORD or --to-password-file. Stop the daemon on PATH first.
            """
    )

    @OptionGroup var options: StoreOptions
    @Option(help: "A SQLite store to copy: sqlite:PATH.") var from: String?
    @Option(help: "The PostgreSQL store to copy it into: postgresql://USER@HOST:PORT/DATABASE.") var to: String?
    @Option(help: "A file whose first line is the PostgreSQL password (when SCHEDULEDROP_STORE_PASSWORD is not set).")
    var toPasswordFile: String?

    func validate() throws {
        guard (from == nil) == (to == nil) else { throw ValidationError("--from and --to go together") }
        if let from, !from.hasPrefix("sqlite:") { throw ValidationError("--from is sqlite:PATH") }
    }

    func run() async throws {
        if let from, let to {
            try await copy(from: String(from.dropFirst("sqlite:".count)), to: to)
            return
        }
        let configuration = try options.load()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try await configuration.openStore()
        for migration in try await store.appliedMigrations() {
            print(migration)
        }
    }

    /// Copies the SQLite store at `path` into the PostgreSQL store at `url`, and prints the rows copied by table.
    private func copy(from path: String, to url: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreUnavailable(path: path, reason: "there is no store there")
        }
        let destination = try PostgresURL(url)
        var configuration = Configuration()
        configuration.store = destination
        configuration.storePasswordFile = toPasswordFile
        guard let target = try await configuration.openStore() as? PostgresStore else { return }
        let source: SQLiteStore
        do {
            source = try SQLiteStore(path: path)
        } catch {
            throw StoreUnavailable(path: path, reason: "\(error)")
        }
        for (table, rows) in try await StoreCopy.copy(from: source, to: target) {
            print("\(table): \(rows)")
        }
        print("copied \(path) to \(destination)")
    }
}

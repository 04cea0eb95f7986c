import Foundation
import ScheduleStore

extension Configuration {
    /// Opens the store (creating it if needed) and brings its schema up to date: what `run`, `ingest`, `reprocess`
    /// and `migrate` do.
    ///
    /// With `store` set, that PostgreSQL database instead (`Configuration.store`). Throws `StoreUnavailable`, which says
    /// why in words, when the store cannot be opened.
    func openStore() async throws -> any StoreBackend {
        if let url = store {
            do {
                return try await PostgresStore(url: url, password: try storePassword(), leaseSeconds: storeLeaseSeconds)
            } catch {
                throw StoreUnavailable(path: url.description, reason: "\(error)")
            }
        }
        let path = databasePath
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StoreUnavailable(path: path, reason: "it is a directory, not a store") }
            if !manager.isReadableFile(atPath: path) { throw StoreUnavailable(path: path, reason: "this user may not read it") }
        } else if !manager.fileExists(atPath: dataDirectory) {
            throw StoreUnavailable(path: path, reason: "the data directory \(dataDirectory) does not exist")
        }
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw StoreUnavailable(path: path, reason: "\(error)")
        }
    }

    /// The store for a command that only reads it (`status`, `reports`, `events`, `resources`, `export`), or nil
    /// when there is none yet: then a note on standard error says so, and the command shows an empty result.
    ///
    /// A reading command never creates the store. Throws `StoreUnavailable` when the file is there but cannot be opened.
    /// A PostgreSQL store is always there: its database is made by its administrator.
    func existingStore() async throws -> (any StoreBackend)? {
        guard store != nil || FileManager.default.fileExists(atPath: databasePath) else {
            FileHandle.standardError.write(
                Data(
                    ("no store yet at \(databasePath): nothing has been ingested; "
                        + "start the daemon (scheduledrop run) or ingest a file (scheduledrop ingest FILE)\n").utf8))
            return nil
        }
        return try await openStore()
    }

    /// The PostgreSQL store's password: `SCHEDULEDROP_STORE_PASSWORD` if set, else the first line of `storePasswordFile`,
    /// else none (the server may trust the daemon's host).
    func storePassword() throws -> String? {
        if let password = ProcessInfo.processInfo.environment[Self.storePasswordVariable] { return password }
        guard let file = storePasswordFile else { return nil }
        do {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            return String(text.prefix { $0 != "\n" && $0 != "\r" })
        } catch {
            throw StoreUnavailable(
                path: store?.description ?? file, reason: "cannot read storePasswordFile \(file): \(error.localizedDescription)")
        }
    }

    /// The store as the logs and `check-config` name it: the PostgreSQL URL (never with a password), or the SQLite file.
    var storeDescription: String { store?.description ?? databasePath }

    /// The environment variable holding the PostgreSQL store's password.
    static let storePasswordVariable = "SCHEDULEDROP_STORE_PASSWORD"
}

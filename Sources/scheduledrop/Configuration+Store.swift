import Foundation
import ScheduleStore

extension Configuration {
    /// Opens the store (creating it if needed) and brings its schema up to date: what `run`, `ingest`, `reprocess`
    /// and `migrate` do.
    ///
    /// Throws `StoreUnavailable`, which says why in words, when the file cannot be opened.
    func openStore() throws -> any StoreBackend {
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
    func existingStore() throws -> (any StoreBackend)? {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            FileHandle.standardError.write(
                Data(
                    ("no store yet at \(databasePath): nothing has been ingested; "
                        + "start the daemon (scheduledrop run) or ingest a file (scheduledrop ingest FILE)\n").utf8))
            return nil
        }
        return try openStore()
    }
}

import ArgumentParser
import Foundation
import Ingestion
import Schedule
import ScheduleStore

/// `scheduledrop status`: every folder's polling and files, from the store.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Show every folder: kind, last poll, last success, files in work, handled, failed and ignored, failures in a row with the next try, last error (of the listing, else of a file).",
        discussion: "Folders in the configuration and folders the store knows are both shown; `configured` tells them apart."
    )

    @OptionGroup var options: StoreOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// One folder's line of the report.
    struct FolderLine: Encodable {
        struct LastError: Encodable {
            var code: String
            var message: String
        }
        /// A file's error: its path too.
        struct FileError: Encodable {
            var code: String
            var message: String
            var path: String
        }
        var id: String
        var kind: String
        var configured: Bool
        var lastPollAt: String?
        var lastSuccessAt: String?
        var consecutiveFailures: Int
        var nextPollAt: String?
        var lastError: LastError?
        var files: [String: Int]
        /// How many files have an error now: a fetch being tried again, a failed or refused version (not an ignored name).
        var fileErrors: Int
        /// The newest of them.
        var lastFileError: FileError?
    }

    func run() async throws {
        let configuration = try options.load()
        let statuses = try await configuration.existingStore()?.folderStatuses() ?? []
        let lines = Self.lines(configured: configuration.folders, statuses: statuses)
        if json {
            try printJSON(["folders": lines])
        } else {
            print(Self.table(lines))
        }
    }

    /// The configured folders in configuration order, then the store's other folders.
    static func lines(configured: [FolderConfiguration], statuses: [FolderStatus]) -> [FolderLine] {
        var byId = Dictionary(uniqueKeysWithValues: statuses.map { ($0.folderId, $0) })
        var lines: [FolderLine] = []
        func line(_ id: String, kind: String, configured: Bool) -> FolderLine {
            let status = byId.removeValue(forKey: id)
            let fileErrors = status?.fileErrors.filter { $0.code != FileTracker.IgnoreReason.ignoredName.rawValue } ?? []
            return FolderLine(
                id: id, kind: status.map { $0.kind.isEmpty ? kind : $0.kind } ?? kind, configured: configured,
                lastPollAt: status?.lastPollAt.map(isoTime), lastSuccessAt: status?.lastSuccessAt.map(isoTime),
                consecutiveFailures: status?.consecutiveFailures ?? 0, nextPollAt: status?.nextPollAt.map(isoTime),
                lastError: status?.lastErrorCode.map { FolderLine.LastError(code: $0, message: status?.lastErrorMessage ?? "") },
                files: Dictionary(uniqueKeysWithValues: FileState.allCases.map { ($0.rawValue, status?.files[$0] ?? 0) }),
                fileErrors: fileErrors.reduce(0) { $0 + $1.count },
                lastFileError: fileErrors.first.map { FolderLine.FileError(code: $0.code, message: $0.message, path: $0.path) })
        }
        for folder in configured { lines.append(line(folder.id, kind: folder.type, configured: true)) }
        for id in byId.keys.sorted() { lines.append(line(id, kind: byId[id]?.kind ?? "", configured: false)) }
        return lines
    }

    /// The lines as an aligned table.
    static func table(_ lines: [FolderLine]) -> String {
        let header = ["FOLDER", "KIND", "LAST POLL", "LAST SUCCESS", "IN WORK", "HANDLED", "ERROR", "IGNORED", "FAILURES", "LAST ERROR"]
        let rows = lines.map { line -> [String] in
            let inWork = ["uploading", "pending", "downloading", "processing"].reduce(0) { $0 + (line.files[$1] ?? 0) }
            return [
                line.id + (line.configured ? "" : " (not configured)"), line.kind.isEmpty ? "-" : line.kind, line.lastPollAt ?? "never",
                line.lastSuccessAt ?? "never", String(inWork), String(line.files["handled"] ?? 0), String(line.files["error"] ?? 0),
                String(line.files["ignored"] ?? 0),
                line.consecutiveFailures == 0 ? "0" : "\(line.consecutiveFailures), next \(line.nextPollAt ?? "-")",
                line.lastError.map { "\($0.code): \($0.message)" } ?? line.lastFileError.map { "\($0.code) \($0.path): \($0.message)" }
                    ?? "-",
            ]
        }
        return alignedTable(header, rows)
    }
}

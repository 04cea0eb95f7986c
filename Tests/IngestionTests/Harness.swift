import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// A drop folder, a real SQLite store and a job runner in a temporary directory, and watchers over them.
final class Harness: Sendable {
    let root: TemporaryDirectory
    let drop: String
    let data: String
    let store: SQLiteStore
    let runner: JobRunner
    let settings: FolderSettings

    init(
        strict: Bool = false, afterHandled: Disposal = .keep, afterFailed: Disposal = .keep, stability: Duration = .milliseconds(400),
        pollInterval: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(600), maximumFilesPerPoll: Int = 100
    ) throws {
        root = try TemporaryDirectory()
        drop = root.path + "/drop"
        data = root.path + "/data"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        store = try SQLiteStore(path: data + "/scheduledrop.sqlite")
        runner = JobRunner(
            store: store, reports: ReportWriter(directory: data + "/reports"),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        settings = FolderSettings(
            id: "drop", partnerId: 5, pollInterval: pollInterval, maximumBackoff: maximumBackoff, stabilityInterval: stability,
            strict: strict,
            afterHandled: afterHandled, afterFailed: afterFailed, maximumFilesPerPoll: maximumFilesPerPoll)
    }

    /// Starts a watcher over the drop folder (or over `source`); cancel the task to stop it.
    func startWatcher(source: (any FolderSource)? = nil) -> Task<Void, any Error> {
        let watcher = FolderWatcher(
            source: source ?? LocalFolder(id: settings.id, directory: drop), settings: settings, store: store, runner: runner,
            stagingDirectory: data + "/staging", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return Task { try await watcher.run() }
    }

    /// Writes a file into the drop folder in one go (a copy).
    func drop(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: drop + "/" + name))
    }

    func versions(_ name: String) async throws -> [StoredFile] {
        try await store.versions(folderId: settings.id, path: name)
    }

    /// Waits until the newest version of `name` reaches `state`.
    func waitForState(_ name: String, _ state: FileState, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await TestSupport.waitUntil("\(name) is \(state)", sourceLocation: sourceLocation) {
            try await versions(name).last?.state == state
        }
    }

    /// The reports of every version of `name`, oldest first.
    func reports(_ name: String) async throws -> [IngestionReport] {
        var all: [IngestionReport] = []
        for version in try await versions(name) { all += try await store.reports(fileId: version.id) }
        return all
    }
}

/// A VCALENDAR of events `u1`…`uN` of one hour each, one day apart from 2030-01-07 09:00Z.
func calendar(events: Int, summary: String = "Lecture", uidPrefix: String = "u") -> String {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    for index in 1...events {
        let day = 1_893_920_400 + Int64(index - 1) * 86_400
        text += "BEGIN:VEVENT\r\nUID:\(uidPrefix)\(index)\r\nDTSTART:\(utc(day))\r\nDTEND:\(utc(day + 3600))\r\n"
        text += "SUMMARY:\(summary) \(index)\r\nEND:VEVENT\r\n"
    }
    return text + "END:VCALENDAR\r\n"
}

/// An instant as an iCalendar UTC DATE-TIME.
func utc(_ seconds: Int64) -> String {
    isoTime(seconds).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
}

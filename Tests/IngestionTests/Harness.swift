import Clocks
import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// A drop folder, a real SQLite store and a job runner in a temporary directory, and watchers over them on a test clock.
///
/// Time passes for the watchers only when a test advances `clock`; what the watchers do in between (inotify, the
/// store, jobs) runs at the machine's pace, so tests wait for it with generous upper bounds only.
final class Harness: Sendable {
    let root: TemporaryDirectory
    let drop: String
    let data: String
    let store: SQLiteStore
    let runner: JobRunner
    let settings: FolderSettings
    /// The clock of every watcher and job of the harness.
    let clock = TestClock<Duration>()

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
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: clock)
        settings = FolderSettings(
            id: "drop", partnerId: 5, pollInterval: pollInterval, maximumBackoff: maximumBackoff, stabilityInterval: stability,
            strict: strict,
            afterHandled: afterHandled, afterFailed: afterFailed, maximumFilesPerPoll: maximumFilesPerPoll)
    }

    /// A watcher over the drop folder (or over `source`) on the harness's clock, its jitter seeded, logging to `logs`.
    func watcher(source: (any FolderSource)? = nil, seed: UInt64 = 1, logs: LogRecorder? = nil) -> FolderWatcher {
        FolderWatcher(
            source: source ?? LocalFolder(id: settings.id, directory: drop), settings: settings, store: store, runner: runner,
            stagingDirectory: data + "/staging",
            logger: Logger(label: "test") { _ in logs.map { $0 as any LogHandler } ?? SwiftLogNoOpLogHandler() }, clock: clock,
            random: SeededGenerator(seed: seed))
    }

    /// Starts a watcher over the drop folder (or over `source`), logging to `logs`; cancel the task to stop it.
    func startWatcher(source: (any FolderSource)? = nil, logs: LogRecorder? = nil) -> Task<Void, any Error> {
        let watcher = watcher(source: source, logs: logs)
        return Task { try await watcher.run() }
    }

    /// Advances the clock by `step` at a time, each once the watcher has done all that was due, until `condition`
    /// holds (bounded in real time, as `waitUntil` is).
    func advance(
        until what: String, step: Duration = .milliseconds(100), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws {
        try await waitUntil(what, sourceLocation: sourceLocation) {
            if try await condition() { return true }
            try await idle(sourceLocation: sourceLocation)
            await clock.advance(by: step)
            return false
        }
    }

    /// Waits (in real time, bounded) until a watcher sleeps on the clock: it has done all that was due.
    func idle(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntil("the watcher waits on its clock", sourceLocation: sourceLocation) {
            do {
                try await clock.checkSuspension()
                return false
            } catch {
                return true
            }
        }
    }

    /// Advances the clock by `step` at a time for `total`, letting the watcher do what falls due after each step.
    func pass(_ total: Duration, step: Duration = .milliseconds(10)) async throws {
        var passed = Duration.zero
        while passed < total {
            await clock.advance(by: step)
            passed += step
            try await idle()
        }
    }

    /// Writes a file into the drop folder in one go (a copy).
    func drop(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: drop + "/" + name))
    }

    /// Claims the version of `name` now in the drop folder, as a run that died before its job committed would have.
    func claim(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JobTicket {
        let stat = try #require(try await LocalFolder(id: settings.id, directory: drop).stat(name), sourceLocation: sourceLocation)
        let identity = FileIdentity(folderId: settings.id, path: name, size: stat.size, modified: stat.modified)
        return try #require(try await store.claim(identity, kind: .ical), sourceLocation: sourceLocation)
    }

    /// Claims the version of `name` and commits its job, as a run that died before disposing of the file would have.
    func commitWithoutDisposal(_ name: String) async throws -> JobTicket {
        let ticket = try await claim(name)
        _ = try await runner.run(ticket, stagedFile: drop + "/" + name, settings: settings.jobSettings)
        return ticket
    }

    func versions(_ name: String) async throws -> [StoredFile] {
        try await store.versions(folderId: settings.id, path: name)
    }

    /// Lets time pass until the newest version of `name` reaches `state`.
    func waitForState(_ name: String, _ state: FileState, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await advance(until: "\(name) is \(state)", sourceLocation: sourceLocation) {
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

import DropFolders
import Foundation
import Logging
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

/// A local folder whose partner acts while the daemon works: `before` runs just before a file is fetched (its
/// version claimed), `after` just after (its job about to run).
final class FolderWithFetchHooks: ChangeNotifyingFolder {
    let inner: LocalFolder
    let before: @Sendable (FileStat) throws -> Void
    let after: @Sendable (FileStat) throws -> Void

    init(
        _ inner: LocalFolder, before: @escaping @Sendable (FileStat) throws -> Void = { _ in },
        after: @escaping @Sendable (FileStat) throws -> Void = { _ in }
    ) {
        self.inner = inner
        self.before = before
        self.after = after
    }

    var id: String { inner.id }
    var kind: String { inner.kind }
    func list() async throws -> [FileStat] { try await inner.list() }
    func fetch(_ file: FileStat, to destination: URL) async throws {
        try before(file)
        try await inner.fetch(file, to: destination)
        try after(file)
    }
    func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? { try await inner.dispose(file, disposal) }
    func changes() throws -> AsyncStream<FolderChange> { try inner.changes() }
    func stat(_ path: String) async throws -> FileStat? { try await inner.stat(path) }
}

/// What a partner who can write its folder may do to it, through a watcher over the real store.
@Suite struct FolderHostileTests {
    @Test func aFIFORenamedOverAClaimedFileFailsItsVersionAtOnceAndTheFolderGoesOn() async throws {
        let harness = try Harness()
        let drop = harness.drop
        let source = FolderWithFetchHooks(
            LocalFolder(id: harness.settings.id, directory: drop),
            before: { file in
                // The version passed its stability check and is claimed; a FIFO takes its name before the fetch.
                guard file.path == "a.ics", mkfifo(drop + "/fifo", 0o644) == 0, rename(drop + "/fifo", drop + "/a.ics") == 0 else { return }
            })
        let logs = LogRecorder()
        let watcher = harness.startWatcher(source: source, logs: logs)
        defer {
            watcher.cancel()
            // Should the fetch block (the defect), a reader and writer at once set its thread free.
            let release = open(drop + "/a.ics", O_RDWR | O_NONBLOCK)
            if release >= 0 { close(release) }
        }
        try harness.drop("a.ics", calendar(events: 1, uidPrefix: "a"))
        try await harness.waitForState("a.ics", .error)
        let failed = try #require(try await harness.versions("a.ics").last)
        #expect(failed.errorCode == "folder.notRegularFile")
        #expect(logs.lines("file refused").map { $0["code"]?.description } == ["folder.notRegularFile"])
        let status = try #require(try await harness.store.folderStatuses().first)
        #expect(status.fileErrors.map(\.code) == ["folder.notRegularFile"])
        #expect(status.fileErrors.first?.path == "a.ics")

        // The folder is still watched and listed: another file is taken.
        try harness.drop("b.ics", calendar(events: 1, uidPrefix: "b"))
        try await harness.waitForState("b.ics", .handled)
        #expect(try await harness.store.unfinishedJobs(folderId: "drop").isEmpty)
        #expect(try await harness.store.events(partnerId: 5).map(\.referenceId) == ["b1"])
    }

    @Test func aNameThatIsNotUTF8IsRecordedWithItsCodeLoggedOnceAndShownInStatus() async throws {
        let harness = try Harness()
        let logs = LogRecorder()
        let watcher = harness.startWatcher(logs: logs)
        defer { watcher.cancel() }
        // Latin-1 `März.ics`.
        try createFile(in: harness.drop, rawName: [0x4D, 0xE4, 0x72, 0x7A, 0x2E, 0x69, 0x63, 0x73], calendar(events: 1, uidPrefix: "m"))
        try harness.drop("good.ics", calendar(events: 1, uidPrefix: "g"))
        try await harness.waitForState("good.ics", .handled)
        try await harness.advance(until: "the name is refused") { try await harness.versions("M\\xe4rz.ics").map(\.state) == [.ignored] }
        let refused = try #require(try await harness.versions("M\\xe4rz.ics").first)
        #expect(refused.errorCode == "file.nameNotUTF8")
        #expect(refused.errorMessage?.contains("not UTF-8") == true)

        // Many listings later, still one row and one log line.
        try await harness.pass(.seconds(2), step: .milliseconds(50))
        #expect(try await harness.versions("M\\xe4rz.ics").count == 1)
        let lines = logs.lines("file refused")
        #expect(lines.count == 1)
        #expect(lines.first?["code"]?.description == "file.nameNotUTF8")
        #expect(lines.first?["path"]?.description.contains("xe4rz.ics") == true)
        let status = try #require(try await harness.store.folderStatuses().first)
        #expect(status.files[.ignored] == 1)
        #expect(status.fileErrors.map(\.code) == ["file.nameNotUTF8"])
        #expect(status.fileErrors.first?.path == "M\\xe4rz.ics")
        #expect(try await harness.store.events(partnerId: 5).map(\.referenceId) == ["g1"])
    }

    @Test(arguments: [Disposal.keep, .delete])
    func aFileRemovedWhileItsJobRunsKeepsTheOutcomeItsJobCommitted(afterHandled: Disposal) async throws {
        let harness = try Harness(afterHandled: afterHandled)
        let drop = harness.drop
        let source = FolderWithFetchHooks(
            LocalFolder(id: harness.settings.id, directory: drop),
            after: { file in try FileManager.default.removeItem(atPath: drop + "/" + file.path) })
        let watcher = harness.startWatcher(source: source)
        defer { watcher.cancel() }
        try harness.drop("a.ics", calendar(events: 2))
        try await harness.advance(until: "the job committed") { try await harness.reports("a.ics").count == 1 }
        // The removal is told, and the folder listed, many times over.
        try await harness.pass(.seconds(2), step: .milliseconds(50))
        #expect(try await harness.versions("a.ics").map(\.state) == [.handled])
        #expect(try await harness.reports("a.ics").map(\.status) == [.handled])
        #expect(try await harness.store.eventCount(partnerId: 5) == 2)
    }

    @Test func aFetchThatFailsWithPermissionDeniedShowsInStatusUntilItWorks() async throws {
        let harness = try Harness(stability: .zero, pollInterval: .seconds(3600))
        let folder = ScriptedFolder(clock: harness.clock)
        folder.failFetches(2, with: FolderError(.permissionDenied, "cannot open a.ics: Permission denied"))
        folder.put("a.ics", calendar(events: 1), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.advance(until: "the failed fetch shows in status", step: .milliseconds(10)) {
            try await harness.store.folderStatuses().first?.fileErrors.isEmpty == false
        }
        let failure = try #require(try await harness.store.folderStatuses().first?.fileErrors.first)
        #expect(
            failure
                == FileErrors(
                    code: "folder.permissionDenied", count: 1, path: "a.ics", state: .pending,
                    message: "cannot open a.ics: Permission denied"))
        try await harness.waitForState("a.ics", .handled)
        #expect(folder.fetchCount == 3)
        #expect(try await harness.store.folderStatuses().first?.fileErrors == [], "cleared once the fetch works")
    }

    @Test(.disabled(if: getuid() == 0, "root reads a file of mode 000; the injected failure above stands in for it"))
    func aFileTheDaemonMayNotReadShowsPermissionDeniedInStatusUntilItMay() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("a.ics", calendar(events: 1))
        #expect(chmod(harness.drop + "/a.ics", 0) == 0)
        try await harness.advance(until: "the failed fetch shows in status") {
            try await harness.store.folderStatuses().first?.fileErrors.first?.code == "folder.permissionDenied"
        }
        #expect(try await harness.store.folderStatuses().first?.fileErrors.first?.path == "a.ics")
        #expect(chmod(harness.drop + "/a.ics", 0o644) == 0)
        try await harness.waitForState("a.ics", .handled)
        #expect(try await harness.store.folderStatuses().first?.fileErrors == [])
    }
}

import DropFolders
import Foundation
import ScheduleStore
import Synchronization
import TestSupport
import Testing

@testable import Ingestion

/// A folder held in memory whose change notifications the test sends by hand.
///
/// Inotify's queue overflow cannot be caused on demand; the real inotify folder is tested in DropFoldersTests.
final class ScriptedFolder: ChangeNotifyingFolder {
    let id = "drop"
    private let files = Mutex<[String: (FileStat, Data)]>([:])
    private let listings = Atomic<Int>(0)
    let stream: AsyncStream<FolderChange>
    let continuation: AsyncStream<FolderChange>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: FolderChange.self)
    }

    /// How many times the folder was listed.
    var listCount: Int { listings.load(ordering: .relaxed) }

    /// Puts a file in the folder without telling anyone.
    func put(_ name: String, _ text: String, modified: Int64) {
        let data = Data(text.utf8)
        files.withLock { $0[name] = (FileStat(path: name, size: Int64(data.count), modified: modified), data) }
    }

    func list() async throws -> [FileStat] {
        listings.add(1, ordering: .relaxed)
        return files.withLock { $0.values.map(\.0) }
    }

    func stat(_ path: String) async throws -> FileStat? { files.withLock { $0[path]?.0 } }

    func changes() throws -> AsyncStream<FolderChange> { stream }

    func fetch(_ file: FileStat, to destination: URL) async throws {
        guard let (stat, data) = files.withLock({ $0[file.path] }), stat == file else {
            throw FolderError(.changedDuringFetch, file.path)
        }
        try data.write(to: destination)
    }

    func dispose(_ file: FileStat, _ disposal: Disposal) async throws {}
}

@Suite struct FolderWatcherPollingTests {
    @Test func overflowTriggersAnImmediateFullListing() async throws {
        let harness = try Harness(stability: .milliseconds(200), pollInterval: .seconds(3600))
        let folder = ScriptedFolder()
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await waitUntil("the folder is listed at start") { folder.listCount == 1 }

        folder.put("quiet.ics", calendar(events: 2), modified: 1)
        try await Task.sleep(for: .seconds(1))
        #expect(try await harness.versions("quiet.ics").isEmpty, "no event and no poll: the file is not seen yet")
        #expect(folder.listCount == 1)

        folder.continuation.yield(.overflow)
        try await harness.waitForState("quiet.ics", .handled)
        #expect(folder.listCount == 2)
        #expect(try await harness.store.eventCount(partnerId: 5) == 2)
    }

    @Test func filesBeyondTheLimitPerPollWaitForTheNextPass() async throws {
        let harness = try Harness(maximumFilesPerPoll: 1)
        for index in 1...3 {
            try harness.drop("f\(index).ics", calendar(events: 1, uidPrefix: "f\(index)-"))
        }
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        for index in 1...3 {
            try await harness.waitForState("f\(index).ics", .handled)
        }
        #expect(try await harness.store.eventCount(partnerId: 5) == 3)
    }

    @Test func staleStagedCopiesAreRemovedAtStart() async throws {
        let harness = try Harness()
        let staging = harness.data + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try Data("left by a crash".utf8).write(to: URL(fileURLWithPath: staging + "/7-9"))
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await waitUntil("the staging area is emptied") {
            (try? FileManager.default.contentsOfDirectory(atPath: staging))?.isEmpty == true
        }
    }
}

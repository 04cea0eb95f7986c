import DropFolders
import Foundation
import Logging
import ScheduleStore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Ingestion

/// A folder held in memory whose change notifications the test sends by hand.
///
/// Inotify's queue overflow cannot be caused on demand; the real inotify folder is tested in DropFoldersTests.
final class ScriptedFolder: ChangeNotifyingFolder {
    let id = "drop"
    let kind = "scripted"
    private let files = Mutex<[String: (FileStat, Data)]>([:])
    private let listings = Mutex<[ContinuousClock.Instant]>([])
    private let fetches = Atomic<Int>(0)
    private let listingFails = Atomic<Bool>(false)
    private let failures = Mutex<(count: Int, error: FolderError?)>((0, nil))
    private let fetchHook = Mutex<(@Sendable (String) async -> Void)?>(nil)
    let stream: AsyncStream<FolderChange>
    let continuation: AsyncStream<FolderChange>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: FolderChange.self)
    }

    /// How many times the folder was listed.
    var listCount: Int { listings.withLock { $0.count } }

    /// When the folder was listed, in order.
    var listingTimes: [ContinuousClock.Instant] { listings.withLock { $0 } }

    /// How many times a file was fetched.
    var fetchCount: Int { fetches.load(ordering: .relaxed) }

    /// Makes every listing fail (with `folder.notFound`) until set back.
    func failListings(_ fail: Bool) {
        listingFails.store(fail, ordering: .relaxed)
    }

    /// Makes the next `count` fetches fail with `error`.
    func failFetches(_ count: Int, with error: FolderError) {
        failures.withLock { $0 = (count, error) }
    }

    /// Runs `hook` with the file's name at the start of every fetch.
    func onFetch(_ hook: @escaping @Sendable (String) async -> Void) {
        fetchHook.withLock { $0 = hook }
    }

    /// Puts a file in the folder without telling anyone.
    func put(_ name: String, _ text: String, modified: Int64) {
        let data = Data(text.utf8)
        files.withLock { $0[name] = (FileStat(path: name, size: Int64(data.count), modified: modified), data) }
    }

    func list() async throws -> [FileStat] {
        listings.withLock { $0.append(ContinuousClock.now) }
        if listingFails.load(ordering: .relaxed) { throw FolderError(.notFound, "the share is not mounted") }
        return files.withLock { $0.values.map(\.0) }
    }

    func stat(_ path: String) async throws -> FileStat? { files.withLock { $0[path]?.0 } }

    func changes() throws -> AsyncStream<FolderChange> { stream }

    func fetch(_ file: FileStat, to destination: URL) async throws {
        fetches.add(1, ordering: .relaxed)
        if let hook = fetchHook.withLock({ $0 }) { await hook(file.path) }
        let failure: FolderError? = failures.withLock { state in
            guard state.count > 0, let error = state.error else { return nil }
            state.count -= 1
            return error
        }
        if let failure { throw failure }
        guard let (stat, data) = files.withLock({ $0[file.path] }), stat == file else {
            throw FolderError(.changedDuringFetch, file.path)
        }
        try data.write(to: destination)
    }

    func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? { nil }
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

    @Test func listingFailuresAndRecoveryAreRecordedAsTheFolderStatus() async throws {
        let harness = try Harness(pollInterval: .milliseconds(100))
        let folder = ScriptedFolder()
        folder.failListings(true)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await waitUntil("two failures are recorded") {
            try await harness.store.folderStatuses().first?.consecutiveFailures ?? 0 >= 2
        }
        let failing = try #require(try await harness.store.folderStatuses().first)
        #expect(failing.folderId == "drop")
        #expect(failing.kind == "scripted")
        #expect(failing.lastErrorCode == "folder.notFound")
        #expect(failing.lastErrorMessage == "the share is not mounted")
        #expect(failing.lastSuccessAt == nil)
        folder.failListings(false)
        folder.put("a.ics", calendar(events: 1), modified: 1)
        try await harness.waitForState("a.ics", .handled)
        let recovered = try #require(try await harness.store.folderStatuses().first)
        #expect(recovered.consecutiveFailures == 0)
        #expect(recovered.lastErrorCode == nil)
        #expect(recovered.lastSuccessAt != nil)
        #expect(recovered.files[.handled] == 1)
    }

    @Test func theBackoffDoublesFromThePollIntervalUpToTheCapLessJitter() {
        var waits: Set<Duration> = []
        for attempt in 1...12 {
            let full = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .milliseconds(1600))
            for _ in 0..<20 {
                let wait = FolderWatcher.backoff(attempt: attempt, base: .milliseconds(100), cap: .milliseconds(1600))
                #expect(wait <= full && wait > full * 0.8, "attempt \(attempt): \(wait) against \(full)")
                waits.insert(wait)
            }
        }
        #expect(waits.count > 100, "the waits are jittered, not in step")
    }

    @Test func aFailingFolderIsListedLessAndLessOftenUpToTheCapThenAtThePollIntervalOnceItWorks() async throws {
        let harness = try Harness(pollInterval: .milliseconds(200), maximumBackoff: .milliseconds(3200))
        let folder = ScriptedFolder()
        folder.failListings(true)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await waitUntil("seven listings failed", timeout: .seconds(90)) { folder.listCount >= 7 }
        let failing = try #require(try await harness.store.folderStatuses().first)
        #expect(failing.consecutiveFailures >= 7)
        #expect(failing.nextPollAt != nil)
        folder.failListings(false)
        let recoveredAt = folder.listCount
        try await waitUntil("listed six times since it works", timeout: .seconds(60)) { folder.listCount >= recoveredAt + 6 }
        watcher.cancel()
        let times = folder.listingTimes
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Failure n (from 1) is followed by a wait of 200 ms · 2^(n-1), capped at 3.2 s, less up to 20 % jitter;
        // the loop's tick and a busy machine can only add to it.
        for (index, gap) in gaps.prefix(6).enumerated() {
            let full = min(Duration.milliseconds(200) * (1 << index), .milliseconds(3200))
            #expect(gap >= full * 0.8 - .milliseconds(5), "wait \(index + 1): \(gap), at least 0.8 × \(full)")
        }
        #expect(gaps.prefix(recoveredAt - 1).allSatisfy { $0 < .milliseconds(3200) * 2 }, "the cap holds: \(gaps)")
        let healthy = gaps.suffix(4)
        #expect(healthy.allSatisfy { $0 < .milliseconds(1500) }, "after a success the poll interval is back: \(healthy)")
        let recovered = try #require(try await harness.store.folderStatuses().first)
        #expect(recovered.consecutiveFailures == 0 && recovered.lastErrorCode == nil)
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

@Suite struct FolderWatcherRecoveryTests {
    @Test func gracefulShutdownFinishesTheJobInHandAndStartsNoOther() async throws {
        let harness = try Harness(stability: .zero)
        let folder = ScriptedFolder()
        for index in 1...3 { folder.put("f\(index).ics", calendar(events: 1, uidPrefix: "f\(index)-"), modified: 1) }
        let watcher = FolderWatcher(
            source: folder, settings: harness.settings, store: harness.store, runner: harness.runner,
            stagingDirectory: harness.data + "/staging", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(services: [watcher], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        folder.onFetch { _ in await group.triggerGracefulShutdown() }
        try await group.run()
        var handled = 0
        for index in 1...3 {
            handled += try await harness.versions("f\(index).ics").filter { $0.state == .handled }.count
        }
        #expect(handled == 1, "the job in hand finished; no other started")
        #expect(try await harness.store.eventCount(partnerId: 5) == 1)
    }

    @Test func transientFetchFailuresAreRetriedWithBackoff() async throws {
        let harness = try Harness(stability: .milliseconds(100))
        let folder = ScriptedFolder()
        folder.failFetches(2, with: FolderError(.ioFailed, "staging disk full"))
        folder.put("a.ics", calendar(events: 2), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.waitForState("a.ics", .handled)
        #expect(folder.fetchCount == 3)
        let versions = try await harness.versions("a.ics")
        #expect(versions.count == 1)
        #expect(try await harness.store.finishedJobCount(fileId: versions[0].id) == 1)
    }

    @Test func aFileToBeTriedAgainWaitsWhileTheFolderCannotBeListed() async throws {
        let harness = try Harness(stability: .milliseconds(100), pollInterval: .milliseconds(150), maximumBackoff: .milliseconds(300))
        let folder = ScriptedFolder()
        folder.failFetches(1, with: FolderError(.unreachable, "the server went away"))
        folder.onFetch { _ in folder.failListings(true) }
        folder.put("a.ics", calendar(events: 1), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await waitUntil("the first fetch failed") { folder.fetchCount == 1 }
        folder.onFetch { _ in }
        try await Task.sleep(for: .seconds(3))
        #expect(folder.fetchCount == 1, "no retry while every listing fails (the retry was due after about 1 s)")
        #expect(folder.listCount > 3)
        folder.failListings(false)
        try await harness.waitForState("a.ics", .handled)
        #expect(folder.fetchCount == 2)
    }

    @Test func unfinishedJobWaitsForAFolderThatIsMissingAtStart() async throws {
        let harness = try Harness()
        try harness.drop("a.ics", calendar(events: 1))
        let stat = try #require(try await LocalFolder(id: "drop", directory: harness.drop).stat("a.ics"))
        _ = try await harness.store.claim(
            FileIdentity(folderId: "drop", path: "a.ics", size: stat.size, modified: stat.modified), kind: .ical)
        let parked = harness.root.path + "/parked"
        try FileManager.default.moveItem(atPath: harness.drop, toPath: parked)
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        try FileManager.default.moveItem(atPath: parked, toPath: harness.drop)
        try await harness.waitForState("a.ics", .handled)
        #expect(try await harness.store.eventCount(partnerId: 5) == 1)
    }

    @Test(arguments: [true, false])
    func policyIsAppliedAtStartToAFileACrashLeftBehind(delete: Bool) async throws {
        let archive = try TemporaryDirectory()
        let harness = try Harness(afterHandled: delete ? .delete : .move(to: archive.path))
        try harness.drop("a.ics", calendar(events: 1))
        let stat = try #require(try await LocalFolder(id: "drop", directory: harness.drop).stat("a.ics"))
        let ticket = try #require(
            try await harness.store.claim(
                FileIdentity(folderId: "drop", path: "a.ics", size: stat.size, modified: stat.modified), kind: .ical))
        // The job committed, then the process died before deleting the file.
        _ = try await harness.runner.run(ticket, stagedFile: harness.drop + "/a.ics", settings: harness.settings.jobSettings)
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await waitUntil("a.ics leaves the folder") { !FileManager.default.fileExists(atPath: harness.drop + "/a.ics") }
        try await Task.sleep(for: .seconds(1))
        #expect(try await harness.versions("a.ics").map(\.state) == [delete ? .deleted : .handled], "disposed, not purged")
        #expect(FileManager.default.fileExists(atPath: archive.path + "/a.ics") == !delete)
        #expect(try await harness.store.finishedJobCount(fileId: ticket.file.id) == 1)
    }
}

import Clocks
import DropFolders
import Foundation
import GRDB
import Logging
import ScheduleStore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Ingestion

/// A folder held in memory whose change notifications the test sends by hand, and that notes on a clock when it
/// was listed and fetched.
///
/// Inotify's queue overflow cannot be caused on demand; the real inotify folder is tested in DropFoldersTests.
final class ScriptedFolder: ChangeNotifyingFolder {
    let id = "drop"
    let kind = "scripted"
    let clock: TestClock<Duration>
    private let files = Mutex<[String: (FileStat, Data)]>([:])
    private let listings = Mutex<[TestClock<Duration>.Instant]>([])
    private let fetchInstants = Mutex<[TestClock<Duration>.Instant]>([])
    private let fetches = Atomic<Int>(0)
    private let calls = Mutex<[String]>([])
    private let listingFails = Atomic<Bool>(false)
    private let failures = Mutex<(count: Int, error: FolderError?)>((0, nil))
    private let fetchHook = Mutex<(@Sendable (String) async -> Void)?>(nil)
    let stream: AsyncStream<FolderChange>
    let continuation: AsyncStream<FolderChange>.Continuation

    init(clock: TestClock<Duration>) {
        self.clock = clock
        (stream, continuation) = AsyncStream.makeStream(of: FolderChange.self)
    }

    /// How many times the folder was listed.
    var listCount: Int { listings.withLock { $0.count } }

    /// When the folder was listed, in order.
    var listingTimes: [TestClock<Duration>.Instant] { listings.withLock { $0 } }

    /// When a file was fetched, in order.
    var fetchTimes: [TestClock<Duration>.Instant] { fetchInstants.withLock { $0 } }

    /// The files looked at and fetched, in order: `stat NAME`, `fetch NAME`.
    var history: [String] { calls.withLock { $0 } }

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
        listings.withLock { $0.append(clock.now) }
        if listingFails.load(ordering: .relaxed) { throw FolderError(.notFound, "the share is not mounted") }
        return files.withLock { $0.values.map(\.0) }
    }

    func stat(_ path: String) async throws -> FileStat? {
        calls.withLock { $0.append("stat \(path)") }
        return files.withLock { $0[path]?.0 }
    }

    func changes() throws -> AsyncStream<FolderChange> { stream }

    func fetch(_ file: FileStat, to destination: URL) async throws {
        fetches.add(1, ordering: .relaxed)
        fetchInstants.withLock { $0.append(clock.now) }
        calls.withLock { $0.append("fetch \(file.path)") }
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

/// The waits between consecutive instants.
func gaps(_ instants: [TestClock<Duration>.Instant]) -> [Duration] {
    zip(instants, instants.dropFirst()).map { $0.duration(to: $1) }
}

@Suite struct FolderWatcherPollingTests {
    @Test func overflowTriggersAnImmediateFullListing() async throws {
        let harness = try Harness(stability: .milliseconds(200), pollInterval: .seconds(3600))
        let folder = ScriptedFolder(clock: harness.clock)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.idle()
        #expect(folder.listCount == 1, "listed at start")

        folder.put("quiet.ics", calendar(events: 2), modified: 1)
        try await harness.pass(.seconds(5), step: .milliseconds(100))
        #expect(try await harness.versions("quiet.ics").isEmpty, "no event and no poll: the file is not seen yet")
        #expect(folder.listCount == 1)

        folder.continuation.yield(.overflow)
        try await harness.waitForState("quiet.ics", .handled)
        #expect(folder.listCount >= 2)
        #expect(try await harness.store.eventCount(partnerId: 5) == 2)
    }

    @Test func aStableFileIsTakenWhenTwoObservationsAreTheStabilityIntervalApartAndNotBefore() async throws {
        let harness = try Harness(stability: .seconds(5), pollInterval: .seconds(3600))
        let folder = ScriptedFolder(clock: harness.clock)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.idle()
        folder.put("a.ics", calendar(events: 1), modified: 1)
        folder.continuation.yield(.changed("a.ics"))
        try await waitUntil("a.ics is seen uploading") { try await harness.versions("a.ics").map(\.state) == [.uploading] }
        try await harness.idle()
        try await harness.pass(.milliseconds(4990), step: .milliseconds(10))
        #expect(try await harness.versions("a.ics").map(\.state) == [.uploading], "not taken before the interval has passed")
        #expect(folder.fetchCount == 0)
        await harness.clock.advance(by: .milliseconds(10))
        try await waitUntil("a.ics is handled once the interval has passed") {
            try await harness.versions("a.ics").last?.state == .handled
        }
        #expect(folder.fetchTimes.map { harness.clock.now.duration(to: $0) } == [.zero], "fetched at 5 s, with no more time passing")
    }

    @Test func listingFailuresAndRecoveryAreRecordedAsTheFolderStatus() async throws {
        let harness = try Harness(pollInterval: .milliseconds(100))
        let folder = ScriptedFolder(clock: harness.clock)
        folder.failListings(true)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.advance(until: "two failures are recorded") {
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

    @Test func aFailingFolderIsListedLessAndLessOftenUpToTheCapWithinTheJitterThenAtThePollIntervalOnceItWorks() async throws {
        let step = Duration.milliseconds(20)
        let harness = try Harness(pollInterval: .milliseconds(200), maximumBackoff: .milliseconds(3200))
        let folder = ScriptedFolder(clock: harness.clock)
        folder.failListings(true)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.idle()
        // The waits after failures 1…7 add up to at most 200 + 400 + 800 + 1600 + 3 · 3200 ms, less the jitter.
        try await harness.pass(.milliseconds(12_600), step: step)
        let failed = folder.listCount
        #expect(failed >= 8)
        let failing = try #require(try await harness.store.folderStatuses().first)
        #expect(failing.consecutiveFailures == failed)
        #expect(failing.nextPollAt != nil)
        folder.failListings(false)
        try await harness.pass(.milliseconds(4200), step: step)
        watcher.cancel()
        let waits = gaps(folder.listingTimes)
        // Failure n (from 1) is followed by a wait of 200 ms · 2^(n-1), capped at 3.2 s, less up to 20 % jitter; the
        // clock moves in steps, so a listing is seen up to one step after it fell due.
        for (index, wait) in waits.prefix(failed).enumerated() {
            let full = min(Duration.milliseconds(200) * (1 << index), .milliseconds(3200))
            #expect(wait > full * 0.8 && wait <= full + step, "wait \(index + 1): \(wait) against \(full)")
        }
        #expect(Set(waits.prefix(failed).suffix(4)).count > 1, "the capped waits are jittered: \(waits)")
        let healthy = waits.dropFirst(failed)
        #expect(healthy.count >= 5, "a listing every poll interval once one works: \(healthy)")
        #expect(healthy.allSatisfy { $0 >= .milliseconds(200) && $0 <= .milliseconds(200) + step }, "\(healthy)")
        let recovered = try #require(try await harness.store.folderStatuses().first)
        #expect(recovered.consecutiveFailures == 0 && recovered.lastErrorCode == nil)
    }

    @Test func afterTheLimitPerPassAChangeToldMeanwhileIsLookedAtBeforeTheNextFileStarts() async throws {
        let harness = try Harness(stability: .zero, pollInterval: .seconds(3600), maximumFilesPerPoll: 1)
        let folder = ScriptedFolder(clock: harness.clock)
        for index in 1...3 { folder.put("f\(index).ics", calendar(events: 1, uidPrefix: "f\(index)-"), modified: 1) }
        folder.onFetch { name in
            guard name == "f1.ics" else { return }
            folder.put("g.ics", calendar(events: 1, uidPrefix: "g-"), modified: 1)
            folder.continuation.yield(.changed("g.ics"))
        }
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        for index in 1...3 { try await harness.waitForState("f\(index).ics", .handled) }
        try await harness.waitForState("g.ics", .handled)
        let history = folder.history.filter { $0.hasPrefix("fetch") || $0 == "stat g.ics" }
        // g.ics may be looked at twice before f2.ics starts: when the test clock moves on meanwhile, its stability
        // check falls due too, and checks go before new files.
        let beforeF2 = history.prefix { $0 != "fetch f2.ics" }
        #expect(
            beforeF2.first == "fetch f1.ics" && beforeF2.count >= 2 && beforeF2.dropFirst().allSatisfy { $0 == "stat g.ics" }
                && history.contains("fetch f2.ics"),
            "one file per pass, and the change told during it is looked at before the next starts: \(history)")
    }

    @Test func aVersionThatCouldNotBeClaimedIsTakenAtALaterListing() async throws {
        let harness = try Harness(stability: .zero, pollInterval: .seconds(1))
        let database = try DatabaseQueue(path: harness.data + "/scheduledrop.sqlite")
        try await database.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER refuse_claims BEFORE INSERT ON files WHEN NEW.state = 'pending' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        }
        let folder = ScriptedFolder(clock: harness.clock)
        folder.put("a.ics", calendar(events: 1), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.advance(until: "a.ics is seen", step: .milliseconds(50)) {
            try await harness.versions("a.ics").map(\.state) == [.uploading]
        }
        try await harness.pass(.milliseconds(500), step: .milliseconds(50))
        #expect(try await harness.versions("a.ics").map(\.state) == [.uploading], "the claim failed")
        try await database.write { db in try db.execute(sql: "DROP TRIGGER refuse_claims") }
        try await harness.waitForState("a.ics", .handled)
        #expect(folder.fetchCount == 1)
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
        let folder = ScriptedFolder(clock: harness.clock)
        for index in 1...3 { folder.put("f\(index).ics", calendar(events: 1, uidPrefix: "f\(index)-"), modified: 1) }
        let group = ServiceGroup(
            services: [harness.watcher(source: folder)], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        folder.onFetch { _ in await group.triggerGracefulShutdown() }
        let running = Task { try await group.run() }
        // Listed at start; the files are looked at again, and taken, once the shortest recheck has passed.
        try await harness.idle()
        await harness.clock.advance(by: FileTracker.minimumRecheck)
        try await running.value
        var handled = 0
        for index in 1...3 {
            handled += try await harness.versions("f\(index).ics").filter { $0.state == .handled }.count
        }
        #expect(handled == 1, "the job in hand finished; no other started")
        #expect(try await harness.store.eventCount(partnerId: 5) == 1)
    }

    @Test func aFailedFetchIsTriedAgainAfterAboutOneThenTwoSeconds() async throws {
        let harness = try Harness(stability: .zero, pollInterval: .seconds(3600))
        let folder = ScriptedFolder(clock: harness.clock)
        folder.failFetches(2, with: FolderError(.ioFailed, "staging disk full"))
        folder.put("a.ics", calendar(events: 2), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.idle()
        try await harness.pass(.milliseconds(3200), step: .milliseconds(10))
        let state = try #require(try await harness.versions("a.ics").last?.state)
        #expect(state == .handled)
        #expect(folder.fetchCount == 3)
        let waits = gaps(folder.fetchTimes)
        #expect(waits.count == 2)
        for (wait, full) in zip(waits, [Duration.seconds(1), .seconds(2)]) {
            #expect(wait > full * 0.8 && wait <= full + .milliseconds(10), "\(wait) against \(full)")
        }
        let versions = try await harness.versions("a.ics")
        #expect(versions.count == 1)
        #expect(try await harness.store.finishedJobCount(fileId: versions[0].id) == 1)
    }

    @Test func aFileToBeTriedAgainWaitsWhileTheFolderCannotBeListed() async throws {
        let harness = try Harness(stability: .zero, pollInterval: .milliseconds(150), maximumBackoff: .milliseconds(300))
        let folder = ScriptedFolder(clock: harness.clock)
        folder.failFetches(1, with: FolderError(.unreachable, "the server went away"))
        folder.onFetch { _ in folder.failListings(true) }
        folder.put("a.ics", calendar(events: 1), modified: 1)
        let watcher = harness.startWatcher(source: folder)
        defer { watcher.cancel() }
        try await harness.advance(until: "the first fetch failed", step: .milliseconds(10)) { folder.fetchCount == 1 }
        folder.onFetch { _ in }
        let listed = folder.listCount
        try await harness.idle()
        try await harness.pass(.seconds(3), step: .milliseconds(10))
        #expect(folder.fetchCount == 1, "no retry while every listing fails (the retry was due after about 1 s)")
        #expect(folder.listCount >= listed + 9, "listed every 300 ms at most meanwhile")
        folder.failListings(false)
        try await harness.waitForState("a.ics", .handled)
        #expect(folder.fetchCount == 2)
    }

    @Test func unfinishedJobWaitsForAFolderThatIsMissingAtStart() async throws {
        let harness = try Harness()
        try harness.drop("a.ics", calendar(events: 1))
        _ = try await harness.claim("a.ics")
        let parked = harness.root.path + "/parked"
        try FileManager.default.moveItem(atPath: harness.drop, toPath: parked)
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await harness.advance(until: "the missing folder is recorded") {
            try await harness.store.folderStatuses().first?.lastErrorCode == "folder.notFound"
        }
        #expect(try await harness.versions("a.ics").last?.state == .pending)
        try FileManager.default.moveItem(atPath: parked, toPath: harness.drop)
        try await harness.waitForState("a.ics", .handled)
        #expect(try await harness.store.eventCount(partnerId: 5) == 1)
    }

    @Test(arguments: [true, false])
    func policyIsAppliedAtStartToAFileACrashLeftBehind(delete: Bool) async throws {
        let archive = try TemporaryDirectory()
        let harness = try Harness(afterHandled: delete ? .delete : .move(to: archive.path))
        try harness.drop("a.ics", calendar(events: 1))
        // The job committed, then the process died before deleting the file.
        let ticket = try await harness.commitWithoutDisposal("a.ics")
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await waitUntil("a.ics leaves the folder") { !FileManager.default.fileExists(atPath: harness.drop + "/a.ics") }
        try await harness.pass(.seconds(2), step: .milliseconds(100))
        #expect(try await harness.versions("a.ics").map(\.state) == [delete ? .deleted : .handled], "disposed, not purged")
        #expect(FileManager.default.fileExists(atPath: archive.path + "/a.ics") == !delete)
        #expect(try await harness.store.finishedJobCount(fileId: ticket.file.id) == 1)
    }
}

@Suite struct FolderWatcherRestartTests {
    @Test func aHandledFileWhoseReportIsNotAmongTheNewestHundredIsNotTakenForAFailedOneAtStart() async throws {
        let handledFolder = try TemporaryDirectory()
        let failedFolder = try TemporaryDirectory()
        let harness = try Harness(afterHandled: .move(to: handledFolder.path), afterFailed: .move(to: failedFolder.path))
        try harness.drop("a.ics", calendar(events: 1))
        // The job committed, then the process died before moving the file.
        _ = try await harness.commitWithoutDisposal("a.ics")
        // 100 newer reports of the folder whose paths contain the file's name.
        let staged = harness.root.path + "/other.ics"
        try Data(calendar(events: 1, uidPrefix: "o").utf8).write(to: URL(fileURLWithPath: staged))
        for index in 1...100 {
            let other = try #require(
                try await harness.store.claim(
                    FileIdentity(folderId: "drop", path: "\(index)-a.ics", size: 1, modified: Int64(index)), kind: .ical))
            _ = try await harness.runner.run(other, stagedFile: staged, settings: harness.settings.jobSettings)
        }
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await waitUntil("a.ics leaves the drop folder") { !FileManager.default.fileExists(atPath: harness.drop + "/a.ics") }
        #expect(FileManager.default.fileExists(atPath: handledFolder.path + "/a.ics"), "a handled file goes to the handled folder")
        #expect(!FileManager.default.fileExists(atPath: failedFolder.path + "/a.ics"), "never to the failed one")
    }
}

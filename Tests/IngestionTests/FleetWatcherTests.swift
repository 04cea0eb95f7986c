import Clocks
import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore
import Synchronization
import TestSupport
import Testing

/// A folder without change notifications (as a partner's server is), held in memory, that counts its listings.
///
/// The real remote folders are tested against real servers in DropFoldersTests; here the subject is the watchers' lease.
final class PolledFolder: FolderSource {
    let id = "polled"
    let kind = "polled"
    private let files: Mutex<[String: (FileStat, Data)]>
    private let listings = Atomic<Int>(0)

    init(files: [String: String]) {
        var held: [String: (FileStat, Data)] = [:]
        for (name, text) in files { held[name] = (FileStat(path: name, size: Int64(text.utf8.count), modified: 1), Data(text.utf8)) }
        self.files = Mutex(held)
    }

    /// How many times it was listed.
    var listCount: Int { listings.load(ordering: .relaxed) }

    func list() async throws -> [FileStat] {
        listings.add(1, ordering: .relaxed)
        return files.withLock { $0.values.map(\.0) }
    }

    func fetch(_ file: FileStat, to destination: URL) async throws {
        guard let (stat, data) = files.withLock({ $0[file.path] }), stat == file else { throw FolderError(.notFound, file.path) }
        try data.write(to: destination)
    }

    func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? { nil }
}

/// Daemons of a fleet on one PostgreSQL store, each with its own watcher over the same folder: one lists a folder
/// without change notifications at a time, and a dead daemon's job is taken over once its lease expires. Real time
/// passes here (the leases run on the server's clock), so every wait has a generous upper bound only.
@Suite struct FleetWatcherTests {
    let root: TemporaryDirectory
    let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        root = try TemporaryDirectory()
    }

    /// `count` stores on one new database.
    func fleet(_ count: Int, leaseSeconds: Int64 = 60) async throws -> [PostgresStore] {
        let (server, url) = try await offPool { try PostgresServer.newDatabase() }
        var stores: [PostgresStore] = []
        for _ in 0..<count {
            stores.append(
                try await PostgresStore(url: PostgresURL(url), password: server.password, maximumConnections: 4, leaseSeconds: leaseSeconds)
            )
        }
        return stores
    }

    /// A watcher of daemon `name` over `source`, polling every 100 ms, on the real clock.
    func watcher(_ name: String, source: any FolderSource, store: PostgresStore) -> Task<Void, any Error> {
        let settings = FolderSettings(
            id: "drop", partnerId: 5, pollInterval: .milliseconds(100), stabilityInterval: .milliseconds(100))
        let watcher = FolderWatcher(
            source: source, settings: settings, store: store,
            runner: JobRunner(store: store, reports: ReportWriter(directory: root.path + "/reports-" + name), logger: silent),
            stagingDirectory: root.path + "/staging-" + name, logger: silent)
        return Task { try await watcher.run() }
    }

    @Test func aFolderWithoutNotificationsIsListedByOneDaemonOfTheFleet() async throws {
        let stores = try await fleet(2)
        let files = ["a.ics": calendar(events: 3)]
        let folders = [PolledFolder(files: files), PolledFolder(files: files)]
        let watchers = zip(["a", "b"], zip(folders, stores)).map { watcher($0, source: $1.0, store: $1.1) }
        defer { watchers.forEach { $0.cancel() } }
        try await waitUntil("the file is handled") { try await stores[0].latestFiles(folderId: "drop").first?.state == .handled }
        try await waitUntil("one daemon listed ten times") { folders.map(\.listCount).max() ?? 0 >= 10 }
        #expect(folders.map(\.listCount).min() == 1, "the other listed once, as it started: \(folders.map(\.listCount))")
        #expect(try await stores[1].reports(fileId: try #require(try await stores[1].latestFiles(folderId: "drop").first).id).count == 1)
    }

    @Test func aDeadDaemonsJobIsTakenOverOnceItsLeaseExpires() async throws {
        let stores = try await fleet(2, leaseSeconds: 2)
        let drop = root.path + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try calendar(events: 4).write(toFile: drop + "/a.ics", atomically: true, encoding: .utf8)
        let stat = try #require(try await LocalFolder(id: "drop", directory: drop).list().first)
        // The first daemon claims the version and dies: it never runs the job nor renews its lease.
        let claimed = try #require(
            try await stores[0].claim(
                FileIdentity(folderId: "drop", path: stat.path, size: stat.size, modified: stat.modified), kind: .ical))
        let survivor = watcher("b", source: LocalFolder(id: "drop", directory: drop), store: stores[1])
        defer { survivor.cancel() }
        try await waitUntil("the job is taken over and finished", timeout: .seconds(60)) {
            try await stores[1].job(id: claimed.jobId)?.finishedAt != nil
        }
        #expect(try await stores[1].finishedJobCount(fileId: claimed.file.id) == 1)
        #expect(try await stores[1].versions(folderId: "drop", path: "a.ics").map(\.state) == [.handled])
        #expect(try await stores[1].eventCount(partnerId: 5) == 4)
    }
}

extension FleetWatcherTests {
    @Test func theHorizonIsExtendedByOneDaemonOfTheFleetEachInterval() async throws {
        let stores = try await fleet(3)
        let clock = TestClock<Duration>()
        let logs = stores.map { _ in LogRecorder() }
        let extenders = zip(stores, logs).map { store, log in
            HorizonExtender(store: store, limits: EventLimits(), interval: .seconds(3600), logger: log.logger, clock: clock)
        }
        let running = extenders.map { extender in Task { try await extender.run() } }
        defer { running.forEach { $0.cancel() } }
        func passes() -> [Int] { logs.map { $0.lines("series horizon extended").count } }
        // An interval at each of `waitUntil`'s checks, until three passes were made (an extender not asleep yet when the
        // clock moves just waits the next interval).
        try await waitUntil("three passes") {
            if passes().reduce(0, +) >= 3 { return true }
            await clock.advance(by: .seconds(3600))
            return false
        }
        #expect(passes().filter { $0 > 0 }.count == 1, "the holder extends each interval, the others never: \(passes())")
    }
}

extension FleetWatcherTests {
    /// An upload job left unfinished whose bytes this daemon does not have: lost on a store of one daemon; on a fleet's,
    /// another daemon's upload, left to it. An upload submitted while the inbox recovers keeps its bytes (they were
    /// once taken for an earlier run's leftovers, by their time).
    @Test(arguments: [false, true])
    func anUnfinishedUploadWithoutItsBytesHereIsLostOnlyOnAStoreOfOneDaemon(_ fleet: Bool) async throws {
        let store: any ScheduleStore =
            fleet ? try await self.fleet(1)[0] : try SQLiteStore(path: root.path + "/store.sqlite")
        let identity = FileIdentity(folderId: FileIdentity.uploadFolderId(partnerId: 5), path: "a.ics", size: 3, modified: 1)
        let ticket = try await store.openJob(for: identity, kind: .ical)
        let uploads = root.path + "/uploads"
        try FileManager.default.createDirectory(atPath: uploads + "/5", withIntermediateDirectories: true)
        try Data("left".utf8).write(to: URL(fileURLWithPath: uploads + "/5/incoming-of-an-earlier-run"))
        let inbox = UploadInbox(
            store: store, runner: JobRunner(store: store, reports: ReportWriter(directory: root.path + "/reports"), logger: silent),
            directory: uploads, settings: { JobSettings(partnerId: $0) }, logger: silent)
        let running = Task { try await inbox.run() }
        defer { running.cancel() }
        if fleet {
            // The inbox recovers before it runs what is submitted: once a new upload is done, recovery is over.
            let later = try await inbox.submit(partnerId: 5, kind: .ical, name: "b.ics", bytes: Data(calendar(events: 1).utf8))
            try await waitUntil("the new upload is done") { try await store.job(id: later)?.finishedAt != nil }
            #expect(try await store.file(id: ticket.file.id)?.state == .pending, "another daemon's upload is left to it")
            #expect(!FileManager.default.fileExists(atPath: uploads + "/5/incoming-of-an-earlier-run"), "a leftover is removed")
        } else {
            try await waitUntil("the upload is failed as lost") { try await store.file(id: ticket.file.id)?.state == .error }
            #expect(try await store.file(id: ticket.file.id)?.errorCode == "job.uploadLost")
        }
    }
}

import DropFolders
import Foundation
import Schedule
import ScheduleStore
import Synchronization
import TestSupport
import Testing

@testable import Ingestion

@Suite struct FolderWatcherTests {
    @Test func copiedFileIsCommittedOnceThenUnchangedThenUpdated() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("week.ics", calendar(events: 3))
        try await harness.waitForState("week.ics", .handled)
        #expect(try await harness.store.eventCount(partnerId: 5) == 3)
        #expect(try await harness.reports("week.ics").map(\.counts.added) == [3])

        // Several polls and stability intervals later, the same version was not ingested again.
        try await harness.pass(.seconds(2), step: .milliseconds(50))
        #expect(try await harness.versions("week.ics").count == 1)
        #expect(try await harness.reports("week.ics").count == 1)

        // The same content dropped again is a new version whose items are all unchanged.
        try harness.drop("week.ics", calendar(events: 3))
        try await harness.advance(until: "the re-drop is reported") { try await harness.reports("week.ics").count == 2 }
        let again = try await harness.reports("week.ics")[1]
        #expect(again.counts.unchanged == 3)
        #expect(again.counts.added == 0)

        // An edit updates the events in place.
        try harness.drop("week.ics", calendar(events: 3, summary: "Rescheduled"))
        try await harness.advance(until: "the edit is reported") { try await harness.reports("week.ics").count == 3 }
        #expect(try await harness.reports("week.ics")[2].counts.updated == 3)
        #expect(try await harness.store.eventCount(partnerId: 5) == 3)
        #expect(try await harness.store.events(partnerId: 5).allSatisfy { $0.summary?.hasPrefix("Rescheduled") == true })
    }

    @Test(arguments: [false, true])
    func slowlyWrittenFileIsNotIngestedBeforeItIsComplete(closeBetweenChunks: Bool) async throws {
        let harness = try Harness(stability: .milliseconds(1500))
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        let bytes = Array(calendar(events: 30).utf8)
        let path = harness.drop + "/slow.ics"
        let chunks = stride(from: 0, to: bytes.count, by: bytes.count / 4 + 1).map {
            Array(bytes[$0..<min($0 + bytes.count / 4 + 1, bytes.count)])
        }
        var handle: FileHandle? = nil
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        var written = 0
        for chunk in chunks {
            if handle == nil { handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path)) }
            try handle?.seekToEnd()
            try handle?.write(contentsOf: chunk)
            written += chunk.count
            if closeBetweenChunks {
                try handle?.close()
                handle = nil
            }
            if !closeBetweenChunks {
                // No change is told while the file stays open: the next listing, a poll interval on, sees it.
                try await harness.pass(.milliseconds(250), step: .milliseconds(50))
            }
            try await waitUntil("the watcher sees \(written) bytes") {
                try await harness.versions("slow.ics").last?.identity.size == Int64(written)
            }
            // Pause longer than a poll (250 ms), shorter than the stability interval.
            await harness.clock.advance(by: .milliseconds(700))
            let claimed = try await harness.versions("slow.ics").filter { $0.state != .uploading }
            #expect(claimed.isEmpty, "nothing is claimed while the file grows")
        }
        try handle?.close()
        try await harness.waitForState("slow.ics", .handled)
        let versions = try await harness.versions("slow.ics")
        #expect(versions.count == 1)
        #expect(versions.first?.identity.size == Int64(bytes.count))
        #expect(try await harness.reports("slow.ics").map(\.counts.added) == [30])
    }

    @Test func fileRenamedInFromATemporaryNameIsIngestedOnce() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop(".x.ics.part", calendar(events: 2))
        try await harness.waitForState(".x.ics.part", .ignored)
        try FileManager.default.moveItem(atPath: harness.drop + "/.x.ics.part", toPath: harness.drop + "/x.ics")
        try await harness.waitForState("x.ics", .handled)
        try await harness.pass(.seconds(1), step: .milliseconds(50))
        #expect(try await harness.reports("x.ics").count == 1)
        #expect(try await harness.reports(".x.ics.part").isEmpty)
        #expect(try await harness.versions(".x.ics.part").allSatisfy { $0.state == .ignored || $0.state == .purged })
        #expect(try await harness.store.eventCount(partnerId: 5) == 2)
    }

    @Test func restartIngestsNothingAgain() async throws {
        let harness = try Harness()
        var watcher = harness.startWatcher()
        try harness.drop("a.ics", calendar(events: 2, uidPrefix: "a"))
        try harness.drop("b.ics", calendar(events: 2, uidPrefix: "b"))
        try await harness.waitForState("a.ics", .handled)
        try await harness.waitForState("b.ics", .handled)
        watcher.cancel()
        _ = await watcher.result

        watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await harness.pass(.seconds(2), step: .milliseconds(50))
        #expect(try await harness.versions("a.ics").count == 1)
        #expect(try await harness.reports("a.ics").count == 1)
        #expect(try await harness.reports("b.ics").count == 1)
        #expect(try await harness.store.eventCount(partnerId: 5) == 4)
    }

    @Test func unfinishedJobIsResumedOnStart() async throws {
        let harness = try Harness()
        try harness.drop("a.ics", calendar(events: 2))
        // A previous run claimed the version and died before committing.
        let ticket = try await harness.claim("a.ics")
        try await harness.store.setFileState(fileId: ticket.file.id, .processing, code: nil, message: nil)

        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try await harness.waitForState("a.ics", .handled)
        try await harness.pass(.seconds(1), step: .milliseconds(50))
        #expect(try await harness.versions("a.ics").map(\.id) == [ticket.file.id])
        #expect(try await harness.store.finishedJobCount(fileId: ticket.file.id) == 1)
        #expect(try await harness.store.unfinishedJobs(folderId: "drop").isEmpty)
    }

    @Test func invalidFileFailsWithACodeAndTheNextFileIsStillIngested() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("broken.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VCALENDAR\n")
        try await harness.waitForState("broken.ics", .error)
        let failed = try #require(try await harness.reports("broken.ics").first)
        #expect(failed.status == .error)
        #expect(failed.code == "ical.mismatchedEnd")
        #expect(try await harness.versions("broken.ics").first?.errorCode == "ical.mismatchedEnd")

        try harness.drop("good.ics", calendar(events: 1))
        try await harness.waitForState("good.ics", .handled)
        #expect(try await harness.store.eventCount(partnerId: 5) == 1)
    }

    @Test func ignoredNamesAreNeverIngested() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop(".hidden.ics", calendar(events: 1, uidPrefix: "h"))
        try harness.drop("x.ics.tmp", calendar(events: 1, uidPrefix: "t"))
        try harness.drop("notes.txt", "not ours")
        try harness.drop("marker.ics", calendar(events: 1, uidPrefix: "m"))
        try await harness.waitForState("marker.ics", .handled)
        try await harness.pass(.seconds(1), step: .milliseconds(50))
        #expect(try await harness.versions(".hidden.ics").map(\.state) == [.ignored])
        #expect(try await harness.versions(".hidden.ics").first?.errorCode == "file.ignoredName")
        #expect(try await harness.versions("x.ics.tmp").map(\.state) == [.ignored])
        #expect(try await harness.versions("notes.txt").isEmpty)
        #expect(try await harness.store.events(partnerId: 5).map(\.referenceId) == ["m1"])
    }

    @Test func unsafeNamesAreRefusedWithTheirCodeAndNeverTouched() async throws {
        let harness = try Harness(afterHandled: .delete)
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("bad\nname.ics", calendar(events: 1, uidPrefix: "b"))
        try harness.drop("marker.ics", calendar(events: 1, uidPrefix: "m"))
        try await harness.waitForState("marker.ics", .deleted)
        try await harness.advance(until: "the unsafe name is refused") {
            try await harness.versions("bad\nname.ics").map(\.state) == [.ignored]
        }
        let refused = try #require(try await harness.versions("bad\nname.ics").first)
        #expect(refused.errorCode == "folder.unsafeName")
        #expect(refused.errorMessage == "the name is refused: it holds a control character")
        #expect(FileManager.default.fileExists(atPath: harness.drop + "/bad\nname.ics"), "the refused file is never deleted")
        #expect(try await harness.store.events(partnerId: 5).map(\.referenceId) == ["m1"])
    }

    @Test func deletePolicyRemovesHandledFilesAndKeepsFailedOnes() async throws {
        let harness = try Harness(afterHandled: .delete, afterFailed: .move(to: try TemporaryDirectory().path + "-failed"))
        let failedFolder: String = {
            if case .move(let target) = harness.settings.afterFailed { return target }
            return ""
        }()
        defer { try? FileManager.default.removeItem(atPath: failedFolder) }
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("good.ics", calendar(events: 1))
        try harness.drop("bad.ics", "garbage")
        try await harness.waitForState("good.ics", .deleted)
        try await harness.waitForState("bad.ics", .error)
        try await harness.advance(until: "bad.ics is moved away") { !FileManager.default.fileExists(atPath: harness.drop + "/bad.ics") }
        #expect(!FileManager.default.fileExists(atPath: harness.drop + "/good.ics"))
        #expect(try String(contentsOfFile: failedFolder + "/bad.ics", encoding: .utf8) == "garbage")
        let beside = try JSONDecoder().decode(
            IngestionReport.self, from: Data(contentsOf: URL(fileURLWithPath: failedFolder + "/bad.ics.report.json")))
        #expect(try await harness.reports("bad.ics") == [beside], "the failed file's report lies beside it")
        let summary = try String(contentsOfFile: failedFolder + "/bad.ics.report.txt", encoding: .utf8)
        #expect(summary.contains("error:   ical.notICalendar") && summary.hasPrefix("scheduledrop report, job "))
        #expect(!FileManager.default.fileExists(atPath: failedFolder + "/good.ics.report.json"))
        try await harness.pass(.seconds(1), step: .milliseconds(50))
        #expect(try await harness.versions("good.ics").map(\.state) == [.deleted], "a disposed file is not purged")
    }

    @Test func droppedResourceCSVIsIngestedThroughTheSameJobPath() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples/resources.csv")
        try FileManager.default.copyItem(atPath: sample.standardizedFileURL.path, toPath: harness.drop + "/resources.csv")
        try await harness.waitForState("resources.csv", .handled)
        let report = try #require(try await harness.reports("resources.csv").first)
        #expect(report.kind == .resourceCsv)
        #expect(report.counts.added == 12)
        #expect(report.counts.rejected == 0)
        let resources = try await harness.store.resources(partnerId: 5)
        let byName = Dictionary(uniqueKeysWithValues: resources.map { ($0.systemName, $0) })
        #expect(byName["cam-s1-front"]?.parentId == byName["room-s1"]?.id)
        #expect(byName["room-s1"]?.parentId == byName["bldg-sci"]?.id)
        #expect(byName["bldg-sci"]?.tags == "building,science")
    }

    @Test func vanishedFileIsPurged() async throws {
        let harness = try Harness()
        let watcher = harness.startWatcher()
        defer { watcher.cancel() }
        try harness.drop("a.ics", calendar(events: 1))
        try await harness.waitForState("a.ics", .handled)
        try FileManager.default.removeItem(atPath: harness.drop + "/a.ics")
        try await harness.waitForState("a.ics", .purged)
        #expect(try await harness.store.eventCount(partnerId: 5) == 1, "purging a file keeps its events")
    }
}

/// A local folder whose first listing lets a file arrive just after the directory was read, as an upload finishing at start would.
final class FolderWithLateArrival: ChangeNotifyingFolder {
    let inner: LocalFolder
    let arrive: @Sendable () throws -> Void
    private let listings = Mutex(0)

    init(_ inner: LocalFolder, arrive: @escaping @Sendable () throws -> Void) {
        self.inner = inner
        self.arrive = arrive
    }

    var id: String { inner.id }
    var kind: String { inner.kind }
    /// How many times the folder was listed.
    var listCount: Int { listings.withLock { $0 } }

    func list() async throws -> [FileStat] {
        let listing = try await inner.list()
        let first = listings.withLock { count in
            count += 1
            return count == 1
        }
        if first {
            // Written and closed before the listing returns: the kernel has queued its change notification.
            try arrive()
        }
        return listing
    }
    func fetch(_ file: FileStat, to destination: URL) async throws { try await inner.fetch(file, to: destination) }
    func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? { try await inner.dispose(file, disposal) }
    func changes() throws -> AsyncStream<FolderChange> { try inner.changes() }
    func stat(_ path: String) async throws -> FileStat? { try await inner.stat(path) }
}

@Suite struct FolderWatcherStartTests {
    @Test func aFileArrivingWhileTheFolderIsFirstListedIsNotLeftForTheNextPoll() async throws {
        let harness = try Harness(pollInterval: .seconds(600))
        let source = FolderWithLateArrival(LocalFolder(id: harness.settings.id, directory: harness.drop)) {
            try harness.drop("late.ics", calendar(events: 1))
        }
        let watcher = harness.startWatcher(source: source)
        defer { watcher.cancel() }
        try await harness.waitForState("late.ics", .handled)
        #expect(source.listCount == 1, "ingested before the next poll")
    }
}

import DropFolders
import Testing

@testable import Ingestion

private func stat(_ path: String = "a.ics", size: Int64 = 10, modified: Int64 = 1) -> FileStat {
    FileStat(path: path, size: size, modified: modified)
}

private func tracker(settled: [FileStat] = [], maximumSize: Int64 = .max) -> FileTracker {
    FileTracker(patterns: NamePatterns(), stabilityInterval: .seconds(5), maximumSize: maximumSize, settled: settled)
}

@Suite struct FileTrackerTests {
    @Test func fileIsIngestedOnlyAfterStayingTheSameForTheInterval() {
        var tracker = tracker()
        #expect(tracker.observe(stat(), at: .seconds(0)) == [.uploading(stat())])
        #expect(tracker.observe(stat(), at: .seconds(4)) == [])
        #expect(tracker.due(at: .seconds(4)).isEmpty)
        #expect(tracker.due(at: .seconds(5)) == ["a.ics"])
        #expect(tracker.observe(stat(), at: .seconds(5)) == [.ingest(stat())])
        #expect(tracker.observe(stat(), at: .seconds(60)) == [], "a version is ingested once")
        #expect(tracker.due(at: .seconds(60)).isEmpty)
    }

    @Test func aGrowingFileRestartsTheWait() {
        var tracker = tracker()
        _ = tracker.observe(stat(size: 1, modified: 1), at: .seconds(0))
        #expect(tracker.observe(stat(size: 2, modified: 2), at: .seconds(4)) == [.uploading(stat(size: 2, modified: 2))])
        #expect(tracker.observe(stat(size: 2, modified: 2), at: .seconds(8)) == [])
        #expect(tracker.observe(stat(size: 2, modified: 2), at: .seconds(9)) == [.ingest(stat(size: 2, modified: 2))])
    }

    @Test func aNewMtimeAloneIsANewVersion() {
        var tracker = tracker(settled: [stat()])
        #expect(tracker.observe(stat(), at: .seconds(0)) == [], "the store already knows this version")
        #expect(tracker.observe(stat(modified: 2), at: .seconds(1)) == [.uploading(stat(modified: 2))])
        #expect(tracker.observe(stat(modified: 2), at: .seconds(6)) == [.ingest(stat(modified: 2))])
    }

    @Test func ignoredNamesAreRecordedOnceAndNeverIngested() {
        var tracker = tracker()
        let hidden = stat(".hidden.ics")
        #expect(tracker.observe(hidden, at: .seconds(0)) == [.ignore(hidden, .ignoredName)])
        #expect(tracker.observe(stat(".hidden.ics", size: 99), at: .seconds(1)) == [])
        #expect(tracker.observe(stat(".hidden.ics", size: 99), at: .seconds(100)) == [])
        #expect(tracker.observe(stat("x.ics.tmp"), at: .seconds(0)) == [.ignore(stat("x.ics.tmp"), .ignoredName)])
    }

    @Test func unsafeNamesAreRefusedOnceAndNeverIngested() {
        var listing = tracker()
        var tracker = tracker()
        let unsafe = ["bad\nname.ics", "..", "a\\b.ics", String(repeating: "x", count: 252) + ".ics", "tab\there.csv", "del\u{7F}.ics"]
        for name in unsafe {
            #expect(tracker.observe(stat(name), at: .seconds(0)) == [.ignore(stat(name), .unsafeName)], "\(name.debugDescription)")
            #expect(tracker.observe(stat(name), at: .seconds(10)) == [], "refused once: \(name.debugDescription)")
        }
        #expect(listing.listed([stat(".hid\u{1}den.ics")], at: .seconds(0)) == [.ignore(stat(".hid\u{1}den.ics"), .unsafeName)])
        #expect(tracker.observe(stat("odd\u{1}.txt"), at: .seconds(0)) == [], "a name no pattern wants is not looked at")
        #expect(tracker.due(at: .seconds(100)).isEmpty)
        #expect(tracker.observe(stat(String(repeating: "y", count: 251) + ".ics"), at: .seconds(0)).first?.isUploading == true)
    }

    @Test func unrelatedNamesAreNotTracked() {
        var tracker = tracker()
        #expect(tracker.observe(stat("notes.txt"), at: .seconds(0)) == [])
        #expect(tracker.vanished("notes.txt") == [])
        #expect(tracker.due(at: .seconds(100)).isEmpty, "nothing is waiting to become stable")
    }

    @Test func tooLargeFilesAreIgnoredOnceStable() {
        var tracker = tracker(maximumSize: 5)
        _ = tracker.observe(stat(size: 6), at: .seconds(0))
        #expect(tracker.observe(stat(size: 6), at: .seconds(5)) == [.ignore(stat(size: 6), .tooLarge)])
    }

    @Test func vanishedFilesArePurgedOnce() {
        var tracker = tracker(settled: [stat("b.ics")])
        _ = tracker.observe(stat(), at: .seconds(0))
        #expect(tracker.listed([], at: .seconds(1)) == [.purge("a.ics"), .purge("b.ics")])
        #expect(tracker.listed([], at: .seconds(2)) == [])
        #expect(tracker.vanished("a.ics") == [])
    }

    @Test func listingObservesEveryFile() {
        var tracker = tracker()
        #expect(tracker.listed([stat("a.ics"), stat("b.ics")], at: .seconds(0)) == [.uploading(stat("a.ics")), .uploading(stat("b.ics"))])
        #expect(tracker.due(at: .seconds(5)) == ["a.ics", "b.ics"], "both wait to become stable")
        #expect(tracker.listed([stat("a.ics"), stat("b.ics")], at: .seconds(5)) == [.ingest(stat("a.ics")), .ingest(stat("b.ics"))])
    }

    @Test func forgottenPathsAreNotPurgedButSeenAnewIfTheyReturn() {
        var tracker = tracker(settled: [stat()])
        tracker.forget("a.ics")
        #expect(tracker.listed([], at: .seconds(0)) == [])
        #expect(tracker.observe(stat(), at: .seconds(1)) == [.uploading(stat())])
    }
}

extension FileTracker.Action {
    /// Whether the action is `uploading`.
    var isUploading: Bool {
        if case .uploading = self { return true }
        return false
    }
}

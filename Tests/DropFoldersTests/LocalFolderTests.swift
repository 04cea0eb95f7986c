import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DropFolders

@Suite struct NamePatternsTests {
    @Test(arguments: [
        ("lectures.ics", NamePatterns.Verdict.ingest), ("LECTURES.ICS", .ingest), ("a.ical", .ingest), ("rooms.csv", .ingest),
        (".hidden.ics", .ignore), ("x.ics.tmp", .ignore), (".x.ics.part", .ignore), ("x.ics.part", .ignore),
        ("x.ics.filepart", .ignore), ("x.ics.crdownload", .ignore), ("notes.txt", .skip), ("ics", .skip),
    ])
    func defaultsSortNames(name: String, verdict: NamePatterns.Verdict) {
        #expect(NamePatterns().verdict(for: name) == verdict)
    }

    @Test func customPatternsReplaceTheDefaults() {
        let patterns = NamePatterns(include: ["export-*.ics"], ignore: ["*-draft.ics"])
        #expect(patterns.verdict(for: "export-1.ics") == .ingest)
        #expect(patterns.verdict(for: "export-1-draft.ics") == .ignore)
        #expect(patterns.verdict(for: "other.ics") == .skip)
    }
}

@Suite struct LocalFolderTests {
    @Test func listsRegularFilesOnly() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.ics", "12345")
        try FileManager.default.createDirectory(atPath: directory.path + "/sub.ics", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/dangling.ics", withDestinationPath: "/nonexistent")
        let folder = LocalFolder(id: "f", directory: directory.path)
        let files = try await folder.list()
        #expect(files.map(\.path) == ["a.ics"])
        #expect(files.first?.size == 5)
        #expect((files.first?.modified ?? 0) > 1_600_000_000 * 1_000_000_000)
    }

    @Test func symbolicLinksAreNeverFollowedAndBadEntriesDoNotFailTheListing() async throws {
        let directory = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        try elsewhere.write("other-partner.ics", "BEGIN:VCALENDAR")
        try directory.write("mine.ics", "x")
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/theirs.ics", withDestinationPath: elsewhere.path + "/other-partner.ics")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/loop.ics", withDestinationPath: "loop.ics")
        let folder = LocalFolder(id: "f", directory: directory.path)
        #expect(try await folder.list().map(\.path) == ["mine.ics"])
        #expect(try await folder.stat("theirs.ics") == nil)
    }

    @Test func disposalLeavesANewerVersionAlone() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.ics", "version one")
        let folder = LocalFolder(id: "f", directory: directory.path)
        let processed = try #require(try await folder.stat("a.ics"))
        try directory.write("a.ics", "version two, uploaded while one was processed")
        let error = await #expect(throws: FolderError.self) { try await folder.dispose(processed, .delete) }
        #expect(error?.code == .changedBeforeDisposal)
        #expect(try String(contentsOfFile: directory.path + "/a.ics", encoding: .utf8).hasPrefix("version two"))
    }

    @Test func listingAMissingFolderIsNotFound() async throws {
        let folder = LocalFolder(id: "f", directory: "/nonexistent/folder")
        let error = await #expect(throws: FolderError.self) { try await folder.list() }
        #expect(error?.code == .notFound)
    }

    @Test func fetchCopiesTheVersionAndRefusesAChangedFile() async throws {
        let directory = try TemporaryDirectory()
        let staging = try TemporaryDirectory()
        try directory.write("a.ics", "first")
        let folder = LocalFolder(id: "f", directory: directory.path)
        let stat = try #require(try await folder.stat("a.ics"))
        let destination = URL(fileURLWithPath: staging.path + "/copy")
        try await folder.fetch(stat, to: destination)
        #expect(try String(contentsOf: destination, encoding: .utf8) == "first")

        try directory.write("a.ics", "second, longer")
        let error = await #expect(throws: FolderError.self) {
            try await folder.fetch(stat, to: URL(fileURLWithPath: staging.path + "/copy2"))
        }
        #expect(error?.code == .changedDuringFetch)
        #expect(!FileManager.default.fileExists(atPath: staging.path + "/copy2"))
        #expect(!FileManager.default.fileExists(atPath: staging.path + "/copy2.part"))
    }

    @Test func disposeDeletesOrMovesWithoutOverwriting() async throws {
        let directory = try TemporaryDirectory()
        let archive = directory.path + "/.handled"
        let folder = LocalFolder(id: "f", directory: directory.path)
        try directory.write("a.ics", "one")
        try await folder.dispose(try #require(try await folder.stat("a.ics")), .move(to: archive))
        try directory.write("a.ics", "two")
        try await folder.dispose(try #require(try await folder.stat("a.ics")), .move(to: archive))
        let archived = try FileManager.default.contentsOfDirectory(atPath: archive).sorted()
        #expect(archived.count == 2)
        #expect(archived.contains("a.ics"))
        let contents = try Set(archived.map { try String(contentsOfFile: archive + "/" + $0, encoding: .utf8) })
        #expect(contents == ["one", "two"])

        try directory.write("b.ics", "x")
        try await folder.dispose(try #require(try await folder.stat("b.ics")), .delete)
        #expect(try await folder.stat("b.ics") == nil)
        #expect(try await folder.list().isEmpty)
    }

    @Test func timestampedNameKeepsTheExtension() {
        let name = FileName.timestamped("week 3.ics")
        #expect(name.hasPrefix("week 3."))
        #expect(name.hasSuffix(".ics"))
        #expect(name != "week 3.ics")
    }
}

@Suite struct InotifyTests {
    /// Collects changes until `predicate` holds for the list, or 5 s pass.
    private func collect(
        _ stream: AsyncStream<FolderChange>, until predicate: @escaping @Sendable ([FolderChange]) -> Bool
    ) async -> [FolderChange] {
        await withTaskGroup(of: [FolderChange]?.self) { group in
            group.addTask {
                var seen: [FolderChange] = []
                for await change in stream {
                    seen.append(change)
                    if predicate(seen) { return seen }
                }
                return seen
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    @Test func reportsCloseWriteMoveInAndDelete() async throws {
        let directory = try TemporaryDirectory()
        let folder = LocalFolder(id: "f", directory: directory.path)
        let stream = try folder.changes()
        try directory.write(".x.ics.part", "data")
        try FileManager.default.moveItem(atPath: directory.path + "/.x.ics.part", toPath: directory.path + "/x.ics")
        try FileManager.default.removeItem(atPath: directory.path + "/x.ics")
        let changes = await collect(stream) { $0.contains(.removed("x.ics")) }
        #expect(changes.contains(.changed(".x.ics.part")))
        #expect(changes.contains(.removed(".x.ics.part")), "the move out of the temporary name")
        #expect(changes.contains(.changed("x.ics")), "the move in under the final name")
        #expect(changes.last == .removed("x.ics"))
    }

    @Test func watchingAMissingFolderFails() {
        #expect(throws: FolderError.self) { try LocalFolder(id: "f", directory: "/nonexistent/x").changes() }
    }

    @Test func eventMasksMapToChanges() {
        #expect(Inotify.change(mask: UInt32(IN_Q_OVERFLOW), name: "") == .overflow)
        #expect(Inotify.change(mask: UInt32(IN_CLOSE_WRITE), name: "a.ics") == .changed("a.ics"))
        #expect(Inotify.change(mask: UInt32(IN_MOVED_FROM), name: "a.ics") == .removed("a.ics"))
        #expect(Inotify.change(mask: UInt32(IN_CREATE) | UInt32(IN_ISDIR), name: "sub") == nil)
        #expect(Inotify.change(mask: UInt32(IN_DELETE_SELF), name: "") == .overflow)
    }
}

/// A partner who can write its folder puts what is not a file where a file was, or names a file in another encoding.
@Suite struct LocalFolderHostileTests {
    /// Latin-1 `März.ics`.
    static let latin1Name: [UInt8] = [0x4D, 0xE4, 0x72, 0x7A, 0x2E, 0x69, 0x63, 0x73]

    /// Fetches `file` and returns its error (nil if it worked). Bounded: a fetch still blocked after a minute fails
    /// the test, and the FIFO at `fifo` is then opened at both ends so that the blocked thread goes free.
    static func boundedFetch(_ folder: LocalFolder, _ file: FileStat, to destination: String, fifo: String) async throws -> FolderError? {
        let outcome = Mutex<FolderError??>(nil)
        let fetch = Task {
            do {
                try await folder.fetch(file, to: URL(fileURLWithPath: destination))
                outcome.withLock { $0 = .some(nil) }
            } catch {
                outcome.withLock { $0 = error as? FolderError ?? FolderError(.ioFailed, "\(error)") }
            }
        }
        defer {
            let release = open(fifo, O_RDWR | O_NONBLOCK)
            if release >= 0 { close(release) }
            fetch.cancel()
        }
        try await waitUntil("the fetch returns", timeout: .seconds(60)) { outcome.withLock { $0 != nil } }
        return outcome.withLock { $0 ?? nil }
    }

    @Test func aFIFORenamedOverAStableFileIsRefusedAtOnceInsteadOfBlockingTheFetch() async throws {
        let directory = try TemporaryDirectory()
        let staging = try TemporaryDirectory()
        try directory.write("a.ics", "BEGIN:VCALENDAR")
        let folder = LocalFolder(id: "f", directory: directory.path)
        let stable = try #require(try await folder.stat("a.ics"))
        // While the claim waits for the store, a FIFO takes the file's name.
        #expect(mkfifo(directory.path + "/fifo", 0o644) == 0)
        #expect(rename(directory.path + "/fifo", directory.path + "/a.ics") == 0)
        let error = try await Self.boundedFetch(folder, stable, to: staging.path + "/copy", fifo: directory.path + "/a.ics")
        #expect(error?.code == .notRegularFile, "\(String(describing: error))")
        #expect(error?.message.contains("a FIFO") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.path).isEmpty, "no staged copy is left")
    }

    @Test func aFIFOWhereTheStagedCopyGoesIsRefusedAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let staging = try TemporaryDirectory()
        try directory.write("a.ics", "x")
        #expect(mkfifo(staging.path + "/copy.part", 0o644) == 0)
        let folder = LocalFolder(id: "f", directory: directory.path)
        let stat = try #require(try await folder.stat("a.ics"))
        let error = try await Self.boundedFetch(folder, stat, to: staging.path + "/copy", fifo: staging.path + "/copy.part")
        #expect(error?.code == .notRegularFile, "\(String(describing: error))")
    }

    @Test func aNameThatIsNotUTF8IsListedInAnEscapedFormMarkedToBeRefused() async throws {
        let directory = try TemporaryDirectory()
        try createFile(in: directory.path, rawName: Self.latin1Name, "BEGIN:VCALENDAR")
        try directory.write("ok.ics", "x")
        let folder = LocalFolder(id: "f", directory: directory.path)
        let listed = try await folder.list().sorted { $0.path < $1.path }
        #expect(listed.map(\.path) == ["M\\xe4rz.ics", "ok.ics"])
        #expect(listed.map(\.nameIsUTF8) == [false, true])
        #expect(listed.first?.size == 15)
    }

    @Test func decodedNamesEscapeOnlyWhatIsNotUTF8() {
        #expect(FileName.decoded(Array("März.ics".utf8)) == ("März.ics", true))
        #expect(FileName.decoded(Self.latin1Name) == ("M\\xe4rz.ics", false))
        #expect(FileName.decoded([0xC3, 0xA4, 0xFF, 0x0A, 0x61]) == ("ä\\xff\\x0aa", false), "a control character is escaped too")
        #expect(FileName.problem(FileName.decoded(Self.latin1Name).name) != nil, "the escaped form names no file the daemon takes")
    }

    @Test func ftpAndS3ListingsKeepANameThatIsNotUTF8() throws {
        let line =
            Array("type=file;size=5;modify=20250101000000; M".utf8) + [0xE4]
            + Array("rz.ics\r\ntype=file;size=1;modify=20250101000000; ok.ics\r\n".utf8)
        let entries = FTPListing.entries(of: line) { FTPListing.parseMLSD($0) }
        #expect(entries.map(\.name) == ["M\\xe4rz.ics", "ok.ics"])
        #expect(entries.map(\.nameIsUTF8) == [false, true])
        let listed = Array("-rw-r--r--   1 ftp  ftp  5 Nov 25 03:05 M".utf8) + [0xE4] + Array("rz.ics\r\n".utf8)
        let unix = FTPListing.entries(of: listed) { FTPListing.parseLIST($0, now: 1_795_575_000) }
        #expect(unix.map(\.name) == ["M\\xe4rz.ics"] && unix.map(\.nameIsUTF8) == [false])

        let page = try S3ListingPage(
            Array("<ListBucketResult><Contents><Key>in/M%E4rz.ics</Key><Size>5</Size></Contents></ListBucketResult>".utf8))
        #expect(page.objects.map(\.key) == ["in/M\\xe4rz.ics"])
        #expect(page.objects.map(\.keyIsUTF8) == [false])
    }
}

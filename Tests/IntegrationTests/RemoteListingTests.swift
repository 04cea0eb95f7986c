import DropFolders
import Foundation
import Ingestion
import TestSupport
import Testing

/// A folder of 10,000 files on each kind of server is handled whole in one poll: every name listed once, and the
/// listing compared with the file tracker's state (all new and waiting, then all stable). The time of the poll
/// is printed for the record (measured here, never asserted).
@Suite(.serialized) struct RemoteListingTests {
    @Test(arguments: RemoteKind.allCases)
    func aListingOf10000FilesIsHandledInOnePoll(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        try await offPool { try server.putMany(10_000, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", in: "inbox") }
        let folder = server.source(folder: "inbox")
        var tracker = FileTracker(patterns: NamePatterns(), stabilityInterval: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        let listed = try await folder.list()
        let first = tracker.listed(listed, at: .zero)
        let elapsed = clock.now - start
        #expect(listed.count == 10_000)
        #expect(Set(listed.map(\.path)).count == 10_000)
        #expect(listed.allSatisfy { $0.size == 32 && $0.path.hasPrefix("f") && $0.path.hasSuffix(".ics") })
        #expect(first.count == 10_000 && first.allSatisfy { if case .uploading = $0 { true } else { false } }, "every file new")
        let second = tracker.listed(try await folder.list(), at: .seconds(1))
        #expect(second.count == 10_000 && second.allSatisfy { if case .ingest = $0 { true } else { false } }, "every file stable")
        print("a poll of 10000 files over \(kind): \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))")
    }
}

import DropFolders
import Foundation
import TestSupport
import Testing

/// A folder of 10,000 files on each kind of server is listed whole in one poll: every name, once. The time of the
/// listing is printed for the record (measured here, never asserted).
@Suite(.serialized) struct RemoteListingTests {
    @Test(arguments: RemoteKind.allCases)
    func aListingOf10000FilesIsReadInOnePoll(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        try await offPool { try server.putMany(10_000, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", in: "inbox") }
        let folder = server.source(folder: "inbox")
        let clock = ContinuousClock()
        let start = clock.now
        let listed = try await folder.list()
        let elapsed = clock.now - start
        #expect(listed.count == 10_000)
        #expect(Set(listed.map(\.path)).count == 10_000)
        #expect(listed.allSatisfy { $0.size == 32 && $0.path.hasPrefix("f") && $0.path.hasSuffix(".ics") })
        print("listing of 10000 files over \(kind): \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))")
    }
}

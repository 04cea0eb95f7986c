import Foundation
import TestSupport
import Testing

@testable import DropFolders

/// `S3Folder` against moto's S3 server with signature checking on: listing under a prefix with ETags, fetch with
/// its checks, delete and move, a wrong secret refused by the server, a paused server unreachable.
@Suite(.serialized) struct S3FolderTests {
    static func folder(_ server: S3Server, secret: String? = nil, prefix: String = "inbox/", timeout: Int = 5) -> S3Folder {
        S3Folder(
            S3Folder.Settings(
                id: "s3", endpoint: server.endpoint, region: server.region, bucket: server.bucket, prefix: prefix, pathStyle: true,
                accessKeyId: server.accessKey, secretAccessKey: secret ?? server.secretKey, timeout: timeout))
    }

    @Test func listFetchDeleteAndMove() async throws {
        let server = try await offPool { try S3Server() }
        try server.put("inbox/term 2026+1.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        try server.put("inbox/rooms.csv", "a,b\n")
        try server.put("inbox/sub/inner.ics", "x")
        try server.put("other/elsewhere.ics", "x")
        let folder = Self.folder(server)
        let listed = try await folder.list().sorted { $0.path < $1.path }
        #expect(listed.map(\.path) == ["rooms.csv", "term 2026+1.ics"], "only the prefix's own objects")
        #expect(listed.map(\.size) == [4, 32])
        #expect(listed.allSatisfy { $0.etag.count == 32 && !$0.etag.contains("\"") }, "\(listed)")
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        #expect(listed.allSatisfy { abs($0.modified - now) < 120 * 1_000_000_000 }, "LastModified read: \(listed)")

        let staging = try TemporaryDirectory()
        let term = try #require(listed.last)
        try await folder.fetch(term, to: URL(fileURLWithPath: staging.path + "/term.ics"))
        #expect(try String(contentsOfFile: staging.path + "/term.ics", encoding: .utf8) == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        var stale = term
        stale.etag = String(repeating: "0", count: 32)
        let changed = await #expect(throws: FolderError.self) {
            try await folder.fetch(stale, to: URL(fileURLWithPath: staging.path + "/stale.ics"))
        }
        #expect(changed?.code == .changedDuringFetch, "another ETag fails If-Match: \(String(describing: changed))")
        #expect(!FileManager.default.fileExists(atPath: staging.path + "/stale.ics.part"), "no partial file is left")
        #expect(!FileManager.default.fileExists(atPath: staging.path + "/stale.ics"))

        for disposal in [Disposal.delete, .move(to: "inbox/.handled")] {
            await #expect(
                throws: FolderError(.changedBeforeDisposal, "inbox/term 2026+1.ics changed after its job; the newer version stays")
            ) {
                try await folder.dispose(stale, disposal)
            }
        }
        #expect(try server.keys(prefix: "inbox/").count == 3, "nothing was copied or deleted")
        try await folder.dispose(term, .move(to: "inbox/.handled"))
        let handled = try server.keys(prefix: "inbox/.handled/")
        #expect(handled.count == 1 && handled[0].hasPrefix("inbox/.handled/term 2026+1.") && handled[0].hasSuffix(".ics"), "\(handled)")
        try await folder.dispose(try #require(listed.first), .delete)
        #expect(try await folder.list().isEmpty)
        #expect(try server.keys(prefix: "inbox/").count == 2, "the moved copy and the deeper object stay")
        #expect(folder.kind == "s3")
    }

    @Test func aWrongSecretIsRefusedByTheServerAsAnAuthError() async throws {
        let server = try await offPool { try S3Server() }
        let wrong = "wrong-\(UUID().uuidString)"
        let error = await #expect(throws: FolderError.self) { try await Self.folder(server, secret: wrong).list() }
        #expect(error?.code == .authFailed)
        #expect(error?.message.contains("SignatureDoesNotMatch") == true, "\(String(describing: error))")
        #expect(error.map { !$0.message.contains(wrong) && !$0.message.contains(server.secretKey) } == true)
    }

    @Test func aPausedServerIsUnreachableAndAMissingBucketNotFound() async throws {
        let server = try await offPool { try S3Server() }
        let folder = Self.folder(server, timeout: 1)
        #expect(try await folder.list().isEmpty)
        server.pause()
        let error = await #expect(throws: FolderError.self) { try await folder.list() }
        server.resume()
        #expect(error?.code == .unreachable, "\(String(describing: error))")
        #expect(try await folder.list().isEmpty)
        let missing = S3Folder(
            S3Folder.Settings(
                id: "s3", endpoint: server.endpoint, bucket: "no-such-bucket", accessKeyId: server.accessKey,
                secretAccessKey: server.secretKey))
        let notFound = await #expect(throws: FolderError.self) { try await missing.list() }
        #expect(notFound?.code == .notFound, "\(String(describing: notFound))")
    }

    @Test func listingPagesAreReadWhateverTheOrderOfAnObjectsFields() throws {
        let page = try S3ListingPage(
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>in/</Prefix>
                <Contents><Size>12</Size><ETag>&quot;abc&quot;</ETag><Key>in/a&amp;b.ics</Key>
                <LastModified>2026-11-25T04:37:10.123Z</LastModified></Contents>
                <Contents><Key>in/c.ics</Key><LastModified>2026-11-25T04:37:10Z</LastModified><ETag>"def"</ETag><Size>3</Size></Contents>
                <Contents><Size>1</Size></Contents><Contents><Key>in/d+e%01.ics</Key><LastModified>.</LastModified></Contents>
                <IsTruncated>true</IsTruncated><NextContinuationToken>t/+=</NextContinuationToken></ListBucketResult>
                """.utf8))
        #expect(page.objects.map(\.key) == ["in/a&b.ics", "in/c.ics", "in/d e\u{1}.ics"], "keys URL-decoded; one without a key left out")
        #expect(page.objects.map(\.size) == [12, 3, 0])
        #expect(page.objects.map(\.etag) == ["abc", "def", ""])
        #expect(page.objects.map(\.modified) == [1_795_581_430_123_000_000, 1_795_581_430_000_000_000, 0], "an unreadable time is 0")
        #expect(page.isTruncated && page.nextToken == "t/+=")
        for reply in ["<ListBucketResult><Contents><Key>in/x", "<Error><Code>Oops</Code></Error>", ""] {
            #expect(throws: FolderError(.protocolFailed, "the listing reply is not a whole ListBucketResult document")) {
                try S3ListingPage(Array(reply.utf8))
            }
        }
    }

    @Test func keysAreEncodedAsAWSSignsThem() {
        #expect(S3Folder.encoded("inbox/term 2026+1~é.ics", keepSlash: true) == "inbox/term%202026%2B1~%C3%A9.ics")
        #expect(S3Folder.encoded("a/b=c", keepSlash: false) == "a%2Fb%3Dc")
    }
}

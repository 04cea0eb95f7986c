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
        try server.put("inbox/bad\u{7}name.ics", "x")
        let folder = Self.folder(server)
        let all = try await folder.list().sorted { $0.path < $1.path }
        #expect(all.map(\.path) == ["bad\u{7}name.ics", "rooms.csv", "term 2026+1.ics"], "only the prefix's own objects")
        try await expectNeverTouched(all[0], by: folder) { try server.keys(prefix: "inbox/bad").count == 1 }
        let listed = Array(all.dropFirst())
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
        #expect(try server.keys(prefix: "inbox/").count == 4, "nothing was copied or deleted")
        try await folder.dispose(term, .move(to: "inbox/.handled"))
        let handled = try server.keys(prefix: "inbox/.handled/")
        #expect(handled.count == 1 && handled[0].hasPrefix("inbox/.handled/term 2026+1.") && handled[0].hasSuffix(".ics"), "\(handled)")
        try await folder.dispose(try #require(listed.first), .delete)
        #expect(try await folder.list().map(\.path) == ["bad\u{7}name.ics"])
        #expect(try server.keys(prefix: "inbox/").count == 3, "the moved copy, the deeper object and the unsafe name stay")
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

    @Test func anHTTPSEndpointsCertificateIsCheckedAgainstTheFolderCAFile() async throws {
        let server = try await offPool { try S3Server(tls: true) }
        try server.put("inbox/a.ics", "x")
        func folder(_ authorities: String?, verify: Bool = true) -> S3Folder {
            S3Folder(
                S3Folder.Settings(
                    id: "s3", endpoint: server.endpoint, region: server.region, bucket: server.bucket, prefix: "inbox/",
                    accessKeyId: server.accessKey, secretAccessKey: server.secretKey, timeout: 5, certificateAuthorities: authorities,
                    verifyCertificate: verify))
        }
        #expect(server.endpoint.hasPrefix("https://"))
        #expect(try await folder(server.certificate).list().map(\.path) == ["a.ics"], "trusted through caFile")
        let refused = await #expect(throws: FolderError.self) { try await folder(nil).list() }
        #expect(refused?.code == .tlsFailed, "a self-signed certificate is refused by default: \(String(describing: refused))")
        #expect(try await folder(nil, verify: false).list().map(\.path) == ["a.ics"], "verifyCertificate: false turns the check off")
    }

    @Test func anErrorReplyIsNeverTakenForTheBytesOfASmallFile() async throws {
        let server = try await offPool { try S3Server() }
        try server.put("inbox/rooms.csv", "a,b\n")
        let folder = Self.folder(server)
        let listed = try #require(try await folder.list().first)
        try server.delete("inbox/rooms.csv")
        let staging = try TemporaryDirectory()
        // The NoSuchKey document is longer than the 4 bytes listed: it must be read as the error it is.
        let error = await #expect(throws: FolderError.self) {
            try await folder.fetch(listed, to: URL(fileURLWithPath: staging.path + "/rooms.csv"))
        }
        #expect(error?.code == .notFound, "\(String(describing: error))")
        #expect(error?.message.contains("NoSuchKey") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.path).isEmpty, "nothing staged, no .part left")
    }

    @Test func aListingEndsWithAnErrorWhenItsContinuationTokensComeRound() throws {
        /// A page of one object, named after the token it gives for the next page (or `last`).
        func page(_ next: String?) throws(FolderError) -> S3ListingPage {
            let token = next.map { "<NextContinuationToken>\($0)</NextContinuationToken>" } ?? ""
            return try S3ListingPage(
                Array(
                    ("<ListBucketResult><Contents><Key>inbox/\(next ?? "last").ics</Key><Size>1</Size></Contents>"
                        + "<IsTruncated>\(next != nil)</IsTruncated>\(token)</ListBucketResult>").utf8))
        }
        var asked: [String?] = []
        let following: [String: String] = ["": "A", "A": "B"]
        let objects = try S3Folder.objects { token throws(FolderError) in
            asked.append(token)
            return try page(following[token ?? ""])
        }
        #expect(asked == [nil, "A", "B"])
        #expect(objects.map(\.key) == ["inbox/A.ics", "inbox/B.ics", "inbox/last.ics"])
        var pages = 0
        #expect(throws: FolderError(.protocolFailed, "a truncated listing page without a new continuation token")) {
            _ = try S3Folder.objects { token throws(FolderError) in
                pages += 1
                guard pages < 10 else { throw FolderError(.ioFailed, "the listing went round forever") }
                return try page(token == "A" ? "B" : "A")
            }
        }
        #expect(throws: FolderError(.protocolFailed, "a truncated listing page without a new continuation token")) {
            _ = try S3Folder.objects { _ throws(FolderError) in try page("") }
        }
    }

    @Test func theBucketIsInThePathOrInTheHostName() {
        func folder(_ endpoint: String, pathStyle: Bool) -> S3Folder {
            S3Folder(
                S3Folder.Settings(
                    id: "s3", endpoint: endpoint, region: "eu-west-1", bucket: "drops", prefix: "in", pathStyle: pathStyle,
                    accessKeyId: "k", secretAccessKey: "s"))
        }
        let query = [("list-type", "2"), ("prefix", "in/")]
        #expect(
            folder("https://s3.eu-west-1.amazonaws.com/", pathStyle: false).url(key: "in/a b.ics", query: [])
                == "https://drops.s3.eu-west-1.amazonaws.com/in/a%20b.ics")
        #expect(
            folder("https://s3.eu-west-1.amazonaws.com", pathStyle: false).url(key: "", query: query)
                == "https://drops.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=in%2F")
        #expect(
            folder("http://127.0.0.1:9000", pathStyle: true).url(key: "in/x+y.ics", query: [])
                == "http://127.0.0.1:9000/drops/in/x%2By.ics")
    }

    @Test func keysAreEncodedAsAWSSignsThem() {
        #expect(S3Folder.encoded("inbox/term 2026+1~é.ics", keepSlash: true) == "inbox/term%202026%2B1~%C3%A9.ics")
        #expect(S3Folder.encoded("a/b=c", keepSlash: false) == "a%2Fb%3Dc")
    }
}

import Foundation

/// A folder in an S3 bucket (AWS or a compatible server), through libcurl with AWS Signature V4.
///
/// The folder is the bucket's keys under a prefix, one level deep (`delimiter=/`): deeper keys are other
/// folders. Listing is ListObjectsV2 page by page with continuation tokens; a file's version is its size and
/// ETag. A file is fetched with `If-Match` on its ETag, through a `.part` file checked against its size, so a
/// newer upload is never taken for the listed one. After processing, a file is deleted, or copied to the move
/// prefix and then deleted. libcurl 7.88 signs the query string as given and sends no payload hash, so query
/// parameters are written in sorted order and every request carries `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
public final class S3Folder: FolderSource {
    /// Where the folder is and how to reach it.
    public struct Settings: Sendable {
        /// The folder's configured id.
        public var id: String
        /// The server: `https://s3.REGION.amazonaws.com` for AWS, or a compatible server's base URL.
        public var endpoint: String
        /// The region requests are signed for.
        public var region: String
        /// The bucket.
        public var bucket: String
        /// The key prefix of the folder (`inbox/`); empty for the bucket's top level.
        public var prefix: String
        /// Whether the bucket is addressed in the path (`endpoint/bucket/key`) rather than the host name.
        public var pathStyle: Bool
        /// The access key id.
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The longest a connection may take to open, or a transfer may stall, in seconds.
        public var timeout: Int
        /// A PEM file of the certificate authorities to trust for an `https` endpoint, instead of the system's.
        public var certificateAuthorities: String?
        /// Whether an `https` endpoint's certificate and name are checked (on unless the folder turns it off).
        public var verifyCertificate: Bool

        /// Creates settings.
        public init(
            id: String, endpoint: String, region: String = "us-east-1", bucket: String, prefix: String = "", pathStyle: Bool = true,
            accessKeyId: String, secretAccessKey: String, timeout: Int = 30, certificateAuthorities: String? = nil,
            verifyCertificate: Bool = true
        ) {
            self.id = id
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.region = region
            self.bucket = bucket
            self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
            self.pathStyle = pathStyle
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.timeout = timeout
            self.certificateAuthorities = certificateAuthorities
            self.verifyCertificate = verifyCertificate
        }
    }

    private let settings: Settings

    /// A folder reached with `settings`.
    public init(_ settings: Settings) {
        self.settings = settings
    }

    /// The configured id.
    public var id: String { settings.id }
    /// `s3`.
    public var kind: String { "s3" }

    /// The objects directly under the prefix, with size, last-modified time and ETag.
    public func list() async throws -> [FileStat] {
        try await BlockingWork.run { [self] in
            let objects = try Self.objects { token throws(FolderError) in
                // In sorted order; keys come URL-encoded, so a key XML cannot carry does not break the listing.
                var query = [("delimiter", "/"), ("encoding-type", "url"), ("list-type", "2"), ("prefix", settings.prefix)]
                if let token { query.insert(("continuation-token", token), at: 0) }
                return try S3ListingPage(try request("GET", key: "", query: query, doing: "listing \(settings.prefix)"))
            }
            return objects.compactMap { object in
                guard object.key.hasPrefix(settings.prefix) else { return nil }
                let name = String(object.key.dropFirst(settings.prefix.count))
                return FileStat(path: name, size: object.size, modified: object.modified, etag: object.etag, nameIsUTF8: object.keyIsUTF8)
            }
        }
    }

    /// The objects of every page of a listing, `page(token)` giving the page after `token` (nil for the first).
    ///
    /// A truncated page must name a continuation token not given before: a page without one, or a token that
    /// comes round again, is `protocolFailed`, never a partial listing nor an endless one.
    static func objects(_ page: (String?) throws(FolderError) -> S3ListingPage) throws(FolderError) -> [S3ListingPage.Object] {
        var objects: [S3ListingPage.Object] = []
        var token: String?
        var seen = Set<String>()
        while true {
            let current = try page(token)
            objects += current.objects
            guard current.isTruncated else { return objects }
            guard let next = current.nextToken, !next.isEmpty, seen.insert(next).inserted else {
                throw FolderError(.protocolFailed, "a truncated listing page without a new continuation token")
            }
            token = next
        }
    }

    /// Downloads the listed version to `destination` through a `.part` file; a newer ETag or another size is
    /// `changedDuringFetch`.
    public func fetch(_ file: FileStat, to destination: URL) async throws {
        try FileName.check(file.path)
        let key = settings.prefix + file.path
        try await BlockingWork.run { [self] in
            try StagedDownload.run(file, to: destination) { sink in
                let reply = try CurlTransfer.perform(
                    url(key: key, query: []), connection: connection, headers: Self.signedHeaders + ["If-Match: \"\(file.etag)\""],
                    sink: sink)
                guard (200..<300).contains(reply.code) else {
                    throw S3Error.folderError(status: reply.code, body: reply.errorBody, doing: "fetching \(key)")
                }
            }
        }
    }

    /// Deletes the object, or copies it under the move prefix `disposal` names (with the time in its name, so
    /// nothing is overwritten) and then deletes it. An object whose ETag is no longer the processed version's
    /// (checked with `HEAD` and `If-Match` first) is left alone (`changedBeforeDisposal`): the newer upload gets
    /// its own job.
    @discardableResult
    public func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? {
        try FileName.check(file.path)
        let key = settings.prefix + file.path
        let version = "\"\(file.etag)\""
        guard disposal != .keep else { return nil }
        try await BlockingWork.run { [self] in
            do {
                try request("HEAD", key: key, headers: ["If-Match: \(version)"], doing: "checking \(key) before disposing of it")
            } catch let error as FolderError where error.code == .changedDuringFetch {
                throw FolderError(.changedBeforeDisposal, "\(key) changed after its job; the newer version stays")
            }
            if case .move(let folder) = disposal {
                // libcurl 7.88 sorts x-amz-copy-source-if-match before x-amz-copy-source when it signs, unlike AWS, so
                // the version is checked by the HEAD above rather than by a copy condition.
                let target = FileName.joined(folder, FileName.timestamped(file.path))
                let copy = try request(
                    "PUT", key: target, headers: ["x-amz-copy-source: /\(settings.bucket)/\(Self.encoded(key, keepSlash: true))"],
                    emptyUpload: true, doing: "copying \(key) to \(target)")
                // S3 may answer a copy with 200 and an error document: the copy then did not happen.
                let reply = S3XML()
                guard reply.parse(copy), reply.elements.last?.path == ["CopyObjectResult"] else {
                    throw S3Error.folderError(status: 200, body: copy, doing: "copying \(key) to \(target)")
                }
            }
            try request("DELETE", key: key, doing: "deleting \(key)")
        }
        return nil
    }

    /// The headers every request carries: the payload hash libcurl 7.88 does not add by itself.
    private static let signedHeaders = ["x-amz-content-sha256: UNSIGNED-PAYLOAD"]

    /// Sends a request and returns its body; a status outside 2xx is the folder error its S3 error code means.
    @discardableResult
    private func request(
        _ method: String, key: String, query: [(String, String)] = [], headers: [String] = [], emptyUpload: Bool = false,
        doing what: String
    ) throws(FolderError) -> [UInt8] {
        var body: [UInt8] = []
        let reply = try CurlTransfer.perform(
            url(key: key, query: query), connection: connection, customRequest: method == "HEAD" ? nil : method,
            headers: Self.signedHeaders + headers, noBody: method == "HEAD", emptyUpload: emptyUpload
        ) { bytes in
            body += bytes
            return true
        }
        guard (200..<300).contains(reply.code) else { throw S3Error.folderError(status: reply.code, body: reply.errorBody, doing: what) }
        return body
    }

    private var connection: CurlTransfer.Connection {
        CurlTransfer.Connection(
            username: settings.accessKeyId, password: settings.secretAccessKey, requireTLS: false,
            certificateAuthorities: settings.certificateAuthorities, verifyCertificate: settings.verifyCertificate,
            timeout: settings.timeout, awsSignature: "aws:amz:\(settings.region):s3")
    }

    /// The URL of `key` (the bucket itself when empty) with `query` in the given (sorted) order.
    func url(key: String, query: [(String, String)]) -> String {
        var base: String
        if settings.pathStyle {
            base = settings.endpoint + "/" + settings.bucket + "/"
        } else {
            let parts = settings.endpoint.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            base = parts.count == 3 ? "\(parts[0])//\(settings.bucket).\(parts[2])/" : settings.endpoint + "/"
        }
        base += Self.encoded(key, keepSlash: true)
        guard !query.isEmpty else { return base }
        return base + "?" + query.map { "\($0.0)=\(Self.encoded($0.1, keepSlash: false))" }.joined(separator: "&")
    }

    /// `text` percent-encoded as AWS signs it: every byte but `A-Z a-z 0-9 - _ . ~` (and `/` in a key).
    static func encoded(_ text: String, keepSlash: Bool) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                result += "/"
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}

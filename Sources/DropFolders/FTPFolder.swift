import Foundation
import Synchronization

/// A folder on an FTP server, with explicit TLS (FTPS) when the folder asks for it, through libcurl.
///
/// The folder is listed with `MLSD` (exact size and UTC time) while the server offers it and with `LIST` once it
/// refuses `MLSD` (see `FTPListing` for what `LIST` times mean). Names the server gives are listed as they are (a
/// name that is not UTF-8 in its escaped form), for the watcher to refuse unsafe ones; `fetch` and `dispose` check
/// them with `FileName.check` too. A file is fetched to a `.part` file beside the
/// destination and its size compared with the listed one, so a broken download is never taken for the file.
/// After processing, a file is deleted (`DELE`) or renamed into another folder of the server (`RNFR`/`RNTO`,
/// the folder made first if missing). Every call is blocking libcurl work run off the cooperative pool.
public final class FTPFolder: FolderSource {
    /// Where the folder is and how to reach it.
    public struct Settings: Sendable {
        /// The folder's configured id.
        public var id: String
        /// The server's host name or address.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The folder's path on the server, relative to the login folder (empty for the login folder itself).
        public var path: String
        /// The user name.
        public var username: String
        /// The password.
        public var password: String
        /// Whether the folder is FTPS: TLS required on every connection.
        public var tls: Bool
        /// A PEM file of certificate authorities to trust instead of the system's.
        public var certificateAuthorities: String?
        /// Whether the server's certificate is checked (turning it off is an explicit, logged choice).
        public var verifyCertificate: Bool
        /// The zone `LIST` times are read in.
        public var listingZone: TimeZone
        /// The longest a connection may take to open, or a transfer may stall, in seconds.
        public var timeout: Int

        /// Creates settings; FTPS checks certificates against the system's authorities unless told otherwise.
        public init(
            id: String, host: String, port: Int = 21, path: String = "", username: String, password: String, tls: Bool = false,
            certificateAuthorities: String? = nil, verifyCertificate: Bool = true, listingZone: TimeZone = TimeZone(identifier: "UTC")!,
            timeout: Int = 30
        ) {
            self.id = id
            self.host = host
            self.port = port
            self.path = path
            self.username = username
            self.password = password
            self.tls = tls
            self.certificateAuthorities = certificateAuthorities
            self.verifyCertificate = verifyCertificate
            self.listingZone = listingZone
            self.timeout = timeout
        }
    }

    private let settings: Settings
    /// Whether the server answered `MLSD`: nil until asked, false once it refused.
    private let offersMLSD = Mutex<Bool?>(nil)

    /// A folder reached with `settings`.
    public init(_ settings: Settings) {
        self.settings = settings
    }

    /// The configured id.
    public var id: String { settings.id }
    /// `ftps` with TLS, else `ftp`.
    public var kind: String { settings.tls ? "ftps" : "ftp" }

    /// Whether listings use `MLSD` (true) or `LIST` (false, the server refused `MLSD`); nil before the first listing.
    public var listsWithMLSD: Bool? { offersMLSD.withLock { $0 } }

    /// The folder's regular files, by `MLSD` or, where the server has none, by `LIST`.
    public func list() async throws -> [FileStat] {
        try await BlockingWork.run { [self] in
            let entries: [FTPListing.Entry]
            if offersMLSD.withLock({ $0 }) != false {
                do {
                    entries = FTPListing.entries(of: try reply(to: "MLSD")) { FTPListing.parseMLSD($0) }
                    offersMLSD.withLock { $0 = true }
                } catch let error as FolderError
                    where ![.unreachable, .authFailed, .tlsFailed].contains(error.code) && offersMLSD.withLock({ $0 }) == nil
                {
                    offersMLSD.withLock { $0 = false }
                    entries = try listed()
                }
            } else {
                entries = try listed()
            }
            return entries.map { FileStat(path: $0.name, size: $0.size, modified: $0.modified, nameIsUTF8: $0.nameIsUTF8) }
        }
    }

    /// Downloads the file to `destination` through a `.part` file; a size other than the listed one is `changedDuringFetch`.
    public func fetch(_ file: FileStat, to destination: URL) async throws {
        try FileName.check(file.path)
        try await BlockingWork.run { [self] in
            try StagedDownload.run(file, to: destination) { sink in
                try CurlTransfer.perform(fileURL(file.path), connection: connection, sink: sink)
            }
        }
    }

    /// Deletes the file on the server, or renames it into the folder `disposal` names (a path on the server,
    /// relative to the login folder), under a name with the time so nothing is overwritten.
    @discardableResult
    public func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? {
        try FileName.check(file.path)
        let source = FileName.joined(settings.path, file.path)
        switch disposal {
        case .keep:
            return nil
        case .delete:
            try await BlockingWork.run { [self] in
                try CurlTransfer.perform(directoryURL, connection: connection, quote: ["DELE \(source)"], noBody: true)
            }
            return nil
        case .move(let folder):
            let name = FileName.joined(folder, FileName.timestamped(file.path))
            try await BlockingWork.run { [self] in
                try CurlTransfer.perform(
                    directoryURL, connection: connection, quote: ["*MKD \(folder)", "RNFR \(source)", "RNTO \(name)"], noBody: true)
            }
            return nil
        }
    }

    private func listed() throws -> [FTPListing.Entry] {
        let now = Int64(Date().timeIntervalSince1970)
        return FTPListing.entries(of: try reply(to: nil)) { FTPListing.parseLIST($0, now: now, zone: settings.listingZone) }
    }

    /// The reply of a listing command (`LIST` when nil) on the folder, as the server sent it.
    private func reply(to command: String?) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try CurlTransfer.perform(directoryURL, connection: connection, customRequest: command) { chunk in
            bytes += chunk
            return true
        }
        return bytes
    }

    private var connection: CurlTransfer.Connection {
        CurlTransfer.Connection(
            username: settings.username, password: settings.password, requireTLS: settings.tls,
            certificateAuthorities: settings.certificateAuthorities, verifyCertificate: settings.verifyCertificate,
            timeout: settings.timeout)
    }

    /// `ftp://host:port/path/`, the path's characters percent-encoded; never with credentials.
    private var directoryURL: String {
        let path = settings.path.split(separator: "/").map { Self.encoded(String($0)) }.joined(separator: "/")
        return "ftp://\(settings.host):\(settings.port)/" + (path.isEmpty ? "" : path + "/")
    }

    private func fileURL(_ name: String) -> String {
        directoryURL + Self.encoded(name)
    }

    private static func encoded(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))) ?? component
    }
}

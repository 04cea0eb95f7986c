import CLibSSH2
import Foundation

/// A folder on an SSH server, read over SFTP through libssh2.
///
/// Each call opens its own session (connect, host key check, login), so a server restart between polls costs
/// nothing but one reconnect. The host key is checked against the folder's known_hosts file; a key known_hosts
/// does not list is refused, unless the folder accepts new keys: then the first key seen is pinned (in the
/// store, through `HostKeyPins`) and only that key is accepted afterwards. A changed key is always refused.
/// Listing reads the directory with attributes (regular files only; a name that is not UTF-8 in its escaped form,
/// marked to be refused); a file is fetched through a
/// `.part` file and checked against its listed size; after processing it is removed or renamed on the server.
public final class SFTPFolder: FolderSource {
    /// Where the folder is and how to reach it.
    public struct Settings: Sendable {
        /// The folder's configured id.
        public var id: String
        /// The server's host name or address.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The folder's path on the server: relative to the login folder, or absolute.
        public var path: String
        /// The user name.
        public var username: String
        /// The password, when the folder logs in with one.
        public var password: String?
        /// A private key file (ed25519 or ECDSA; see the README for RSA), tried before the password.
        public var privateKeyFile: String?
        /// The private key's passphrase.
        public var passphrase: String?
        /// The OpenSSH known_hosts file the server's host key is checked against.
        public var knownHostsFile: String?
        /// Whether a host key that known_hosts does not list is trusted on first use and pinned.
        public var acceptNewHostKey: Bool
        /// The longest a connection may take to open, or any call may wait for the server, in seconds.
        public var timeout: Int

        /// Creates settings; unknown host keys are refused unless `acceptNewHostKey`.
        public init(
            id: String, host: String, port: Int = 22, path: String = "", username: String, password: String? = nil,
            privateKeyFile: String? = nil, passphrase: String? = nil, knownHostsFile: String? = nil, acceptNewHostKey: Bool = false,
            timeout: Int = 30
        ) {
            self.id = id
            self.host = host
            self.port = port
            self.path = path
            self.username = username
            self.password = password
            self.privateKeyFile = privateKeyFile
            self.passphrase = passphrase
            self.knownHostsFile = knownHostsFile
            self.acceptNewHostKey = acceptNewHostKey
            self.timeout = timeout
        }
    }

    private let settings: Settings
    private let pins: any HostKeyPins

    /// A folder reached with `settings`, pinning keys trusted on first use in `pins`.
    public init(_ settings: Settings, pins: any HostKeyPins) {
        self.settings = settings
        self.pins = pins
    }

    /// The configured id.
    public var id: String { settings.id }
    /// `sftp`.
    public var kind: String { "sftp" }

    /// The folder's regular files, with their size and modification time (to the second); a name that is not UTF-8 in
    /// its escaped form, marked to be refused.
    public func list() async throws -> [FileStat] {
        try await withSession { [self] session in
            var files: [FileStat] = []
            try session.entries(of: settings.path.isEmpty ? "." : settings.path) { name, attributes in
                guard var file = Self.stat(name.name, attributes) else { return }
                file.nameIsUTF8 = name.isUTF8
                files.append(file)
            }
            return files
        }
    }

    /// Downloads the file to `destination` through a `.part` file; a size other than the listed one is `changedDuringFetch`.
    public func fetch(_ file: FileStat, to destination: URL) async throws {
        try FileName.check(file.path)
        try await withSession { [self] session in
            try StagedDownload.run(file, to: destination) { sink in try session.read(FileName.joined(settings.path, file.path), into: sink)
            }
        }
    }

    /// Removes the file on the server, or renames it into the folder `disposal` names (a path on the server, made
    /// if missing) under a name with the time, so nothing is overwritten.
    @discardableResult
    public func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? {
        try FileName.check(file.path)
        let source = FileName.joined(settings.path, file.path)
        guard disposal != .keep else { return nil }
        try await withSession { session in
            // The version processed must still be there: a newer upload is left for its own job.
            guard let attributes = try session.attributes(of: source) else { throw FolderError(.notFound, "\(source) is gone") }
            guard Self.stat(file.path, attributes) == file else {
                throw FolderError(.changedBeforeDisposal, "\(source) changed after its job; the newer version stays")
            }
            if case .move(let folder) = disposal {
                try session.makeDirectory(folder)
                try session.rename(source, to: FileName.joined(folder, FileName.timestamped(file.path)))
            } else {
                try session.remove(source)
            }
        }
        return nil
    }

    /// The stat of a regular file `name` with `attributes` (size, and mtime to the second); nil for anything else.
    private static func stat(_ name: String, _ attributes: LIBSSH2_SFTP_ATTRIBUTES) -> FileStat? {
        guard scheduledrop_sftp_is_regular([attributes]) != 0, let size = Int64(exactly: attributes.filesize) else { return nil }
        return FileStat(path: name, size: size, modified: Int64(attributes.mtime) * 1_000_000_000)
    }

    /// Runs `body` in a new session on a blocking-work thread. A host key accepted as new is pinned whatever became
    /// of `body`, and must then be the pinned one (another session may have pinned first).
    private func withSession<T: Sendable>(_ body: @escaping @Sendable (SSHSession) throws -> T) async throws -> T {
        let server = "\(settings.host):\(settings.port)"
        let pinned = settings.acceptNewHostKey ? try await pins.pinnedHostKey(folderId: settings.id, host: server) : nil
        let endpoint = SSHSession.Endpoint(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            privateKeyFile: settings.privateKeyFile, passphrase: settings.passphrase, knownHostsFile: settings.knownHostsFile,
            timeout: settings.timeout)
        let unknown: SSHSession.UnknownHostKey = settings.acceptNewHostKey ? .acceptPinned(pinned) : .refuse
        let (outcome, newKey) = try await BlockingWork.run {
            let session = try SSHSession(endpoint, unknown: unknown)
            let outcome = Result { try body(session) }
            return (outcome, session.hostKeyIsNew ? (session.hostKey, session.fingerprint) : nil)
        }
        if let (key, fingerprint) = newKey {
            try await pins.pinHostKey(folderId: settings.id, host: server, key: key, fingerprint: fingerprint)
            guard try await pins.pinnedHostKey(folderId: settings.id, host: server) == key else {
                throw FolderError(.hostKeyRejected, "the host key of \(server) (\(fingerprint)) is not the one pinned on first use")
            }
        }
        return try outcome.get()
    }
}

import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One SSH connection with an SFTP channel, through libssh2: connected, the server's host key checked,
/// authenticated. Every call blocks, so sessions live on blocking-work threads only (see `BlockingWork`).
///
/// libssh2 results become `FolderError` codes: a socket failure or timeout is `unreachable`, a refused login
/// `authFailed`, a host key that is not the trusted one `hostKeyRejected`, an SFTP "no such file" `notFound`,
/// "permission denied" `permissionDenied`, anything else `protocolFailed`. No message carries a secret.
final class SSHSession {
    /// Where the server is and how to log in.
    struct Endpoint: Sendable {
        /// The server's host name or address.
        var host: String
        /// The server's port.
        var port: Int
        /// The user name.
        var username: String
        /// The password, for password authentication.
        var password: String?
        /// A private key file (OpenSSH or PEM format), for public-key authentication, tried before the password.
        var privateKeyFile: String?
        /// The private key's passphrase.
        var passphrase: String?
        /// An OpenSSH known_hosts file the server's host key is checked against.
        var knownHostsFile: String?
        /// The longest a connection may take to open, or any call may wait for the server, in seconds.
        var timeout: Int
    }

    /// How a host key that known_hosts does not list is treated.
    enum UnknownHostKey: Sendable {
        /// Refused.
        case refuse
        /// Accepted if it is `pinned`, or if nothing is pinned yet (trust on first use); else refused.
        case acceptPinned(String?)
    }

    /// The server's host key as known_hosts writes it: type and base64 blob (`ssh-ed25519 AAAA…`).
    let hostKey: String
    /// The host key's SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:…`).
    let fingerprint: String
    /// Whether the host key was accepted as new (not in known_hosts, nothing pinned): the caller pins it.
    let hostKeyIsNew: Bool

    private let socket: Int32
    private let session: OpaquePointer
    private var sftp: OpaquePointer?

    /// libssh2's process-wide set-up, done once before the first session.
    private static let initialized: Bool = libssh2_init(0) == 0

    /// Connects, checks the host key (known_hosts first, then `unknown`), authenticates and opens SFTP.
    init(_ endpoint: Endpoint, unknown: UnknownHostKey) throws(FolderError) {
        guard Self.initialized, let session = scheduledrop_ssh_session_init() else {
            throw FolderError(.ioFailed, "libssh2 cannot be initialized")
        }
        self.session = session
        let place = "\(endpoint.host):\(endpoint.port)"
        var socket: Int32 = -1
        do throws(FolderError) {
            socket = try Self.connect(endpoint.host, endpoint.port, timeout: endpoint.timeout)
            libssh2_session_set_timeout(session, endpoint.timeout * 1000)
            // libssh2 1.10 prefers ECDSA host keys; OpenSSH prefers ed25519, and known_hosts files hold what it chose.
            _ = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, Self.hostKeyPreference)
            let handshake = libssh2_session_handshake(session, socket)
            guard handshake == 0 else { throw Self.sessionError(session, code: handshake, doing: "the SSH handshake with \(place)") }
            var length = 0
            var type: Int32 = 0
            guard let raw = libssh2_session_hostkey(session, &length, &type),
                let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256)
            else {
                throw FolderError(.protocolFailed, "\(place) sent no host key")
            }
            let blob = Data(bytes: raw, count: length)
            hostKey = "\(Self.keyTypeName(blob)) \(blob.base64EncodedString())"
            fingerprint = "SHA256:" + Data(bytes: hash, count: 32).base64EncodedString().replacingOccurrences(of: "=", with: "")
            hostKeyIsNew = try Self.checkHostKey(
                session, endpoint: endpoint, raw: raw, length: length, key: hostKey, fingerprint: fingerprint,
                unknown: unknown)
            try Self.authenticate(session, endpoint)
            guard let channel = libssh2_sftp_init(session) else {
                throw Self.sessionError(session, code: libssh2_session_last_errno(session), doing: "opening SFTP on \(place)")
            }
            self.socket = socket
            sftp = channel
        } catch {
            libssh2_session_free(session)
            if socket >= 0 { close(socket) }
            throw error
        }
    }

    deinit {
        if let sftp { libssh2_sftp_shutdown(sftp) }
        _ = scheduledrop_ssh_session_disconnect(session, "done")
        libssh2_session_free(session)
        close(socket)
    }

    /// Calls `visit` with the name (`FileName.decoded`: escaped if it is not UTF-8) and attributes of every entry of
    /// `directory` (`.` and `..` included).
    func entries(of directory: String, _ visit: ((name: String, isUTF8: Bool), LIBSSH2_SFTP_ATTRIBUTES) -> Void) throws(FolderError) {
        guard let handle = scheduledrop_sftp_opendir(channel, directory) else { throw sftpError(doing: "opening \(directory)") }
        defer { _ = scheduledrop_sftp_close(handle) }
        var buffer = [CChar](repeating: 0, count: 4096)
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        while true {
            let count = scheduledrop_sftp_readdir(handle, &buffer, buffer.count, &attributes)
            if count == 0 { return }
            guard count > 0 else { throw sftpError(code: count, doing: "reading \(directory)") }
            visit(FileName.decoded(buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }), attributes)
        }
    }

    /// The attributes of `path`, or nil if there is nothing there.
    func attributes(of path: String) throws(FolderError) -> LIBSSH2_SFTP_ATTRIBUTES? {
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        guard scheduledrop_sftp_stat(channel, path, &attributes) == 0 else {
            let error = sftpError(doing: "reading the attributes of \(path)")
            if error.code == .notFound { return nil }
            throw error
        }
        return attributes
    }

    /// Reads the file at `path` into `sink` (false aborts).
    func read(_ path: String, into sink: (UnsafeRawBufferPointer) -> Bool) throws(FolderError) {
        guard let handle = scheduledrop_sftp_open_read(channel, path) else { throw sftpError(doing: "opening \(path)") }
        defer { _ = scheduledrop_sftp_close(handle) }
        var buffer = [CChar](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { libssh2_sftp_read(handle, $0.baseAddress, $0.count) }
            if count == 0 { return }
            guard count > 0 else { throw sftpError(code: Int32(count), doing: "reading \(path)") }
            let taken = buffer.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            guard taken else { throw FolderError(.ioFailed, "the download of \(path) was stopped") }
        }
    }

    /// Removes the file at `path`.
    func remove(_ path: String) throws(FolderError) {
        guard scheduledrop_sftp_unlink(channel, path) == 0 else { throw sftpError(doing: "removing \(path)") }
    }

    /// Renames `source` to `target`, which must not exist.
    func rename(_ source: String, to target: String) throws(FolderError) {
        guard scheduledrop_sftp_rename(channel, source, target) == 0 else { throw sftpError(doing: "renaming \(source) to \(target)") }
    }

    /// Makes the directory `path` unless it is there.
    func makeDirectory(_ path: String) throws(FolderError) {
        guard try attributes(of: path) == nil else { return }
        guard scheduledrop_sftp_mkdir(channel, path) == 0 else { throw sftpError(doing: "making the folder \(path)") }
    }

    private var channel: OpaquePointer {
        sftp!
    }

    /// The folder error of the last failed SFTP call: the server's status for an SFTP failure, else the session's.
    private func sftpError(code: Int32? = nil, doing what: String) -> FolderError {
        let code = code ?? libssh2_session_last_errno(session)
        guard code == LIBSSH2_ERROR_SFTP_PROTOCOL else { return Self.sessionError(session, code: code, doing: what) }
        let status = libssh2_sftp_last_error(channel)
        switch status {
        case LIBSSH2_FX_NO_SUCH_FILE, LIBSSH2_FX_NO_SUCH_PATH: return FolderError(.notFound, "\(what): no such file or folder")
        case LIBSSH2_FX_PERMISSION_DENIED: return FolderError(.permissionDenied, "\(what): permission denied")
        default: return FolderError(.protocolFailed, "\(what): the server answered with SFTP status \(status)")
        }
    }

    /// The folder error of a failed session call, with libssh2's message.
    private static func sessionError(_ session: OpaquePointer, code: Int32, doing what: String) -> FolderError {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        libssh2_session_last_error(session, &message, &length, 0)
        let reason = message.map { String(cString: $0) } ?? "libssh2 error \(code)"
        let kind: FolderError.Code =
            switch code {
            case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_TIMEOUT,
                LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_SOCKET_NONE:
                .unreachable
            case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, LIBSSH2_ERROR_FILE: .authFailed
            default: .protocolFailed
            }
        return FolderError(kind, "\(what): \(reason)")
    }

    /// Checks the host key against known_hosts, then against `unknown`; returns whether it is accepted as new.
    private static func checkHostKey(
        _ session: OpaquePointer, endpoint: Endpoint, raw: UnsafePointer<CChar>, length: Int, key: String,
        fingerprint: String, unknown: UnknownHostKey
    ) throws(FolderError) -> Bool {
        let name = endpoint.port == 22 ? endpoint.host : "[\(endpoint.host)]:\(endpoint.port)"
        var known = Int32(LIBSSH2_KNOWNHOST_CHECK_NOTFOUND)
        if let file = endpoint.knownHostsFile {
            guard let hosts = libssh2_knownhost_init(session) else { throw FolderError(.ioFailed, "libssh2 cannot read known hosts") }
            defer { libssh2_knownhost_free(hosts) }
            guard libssh2_knownhost_readfile(hosts, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0 else {
                throw FolderError(.hostKeyRejected, "the known_hosts file \(file) cannot be read")
            }
            // No key-type bits: then any key known_hosts lists for the host that is not this one is a mismatch, so a
            // server offering a key of another type than the listed one is refused rather than taken as unknown.
            let mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
            known = libssh2_knownhost_checkp(hosts, endpoint.host, Int32(endpoint.port), raw, length, mask, nil)
        }
        switch (known, unknown) {
        case (Int32(LIBSSH2_KNOWNHOST_CHECK_MATCH), _):
            return false
        case (Int32(LIBSSH2_KNOWNHOST_CHECK_FAILURE), _):
            throw FolderError(.hostKeyRejected, "the host key of \(name) (\(fingerprint)) could not be checked against known_hosts")
        case (Int32(LIBSSH2_KNOWNHOST_CHECK_MISMATCH), _):
            throw FolderError(
                .hostKeyRejected,
                "the host key of \(name) (\(fingerprint)) is not the one in known_hosts: it changed, or this is another server; "
                    + "if the change is expected, replace its line in known_hosts")
        case (_, .acceptPinned(nil)):
            return true
        case (_, .acceptPinned(let pinned)) where pinned == key:
            return false
        case (_, .acceptPinned):
            throw FolderError(
                .hostKeyRejected,
                "the host key of \(name) (\(fingerprint)) is not the one pinned on first use: it changed, or this is another server")
        case (_, .refuse):
            throw FolderError(
                .hostKeyRejected,
                "the host key of \(name) (\(fingerprint)) is unknown: after checking its fingerprint, add \"\(name) \(key)\" to "
                    + "known_hosts, or set hostKeyPolicy: acceptNew")
        }
    }

    /// Logs in with the private key, then with the password; a refused RSA key is explained.
    private static func authenticate(_ session: OpaquePointer, _ endpoint: Endpoint) throws(FolderError) {
        var failure: FolderError?
        if let keyFile = endpoint.privateKeyFile {
            let result = scheduledrop_ssh_auth_key_file(session, endpoint.username, keyFile, endpoint.passphrase)
            if result == 0 { return }
            var error = sessionError(session, code: result, doing: "logging in as \(endpoint.username) with the key \(keyFile)")
            if error.code == .authFailed && isRSAKey(keyFile) {
                error.message +=
                    "; this is an RSA key, which libssh2 1.10 can only sign with SHA-1 (ssh-rsa), refused by current OpenSSH"
                    + " servers: use an ed25519 or ECDSA key"
            }
            failure = error
        }
        if let password = endpoint.password {
            let result = scheduledrop_ssh_auth_password(session, endpoint.username, password)
            if result == 0 { return }
            let refused = sessionError(session, code: result, doing: "logging in as \(endpoint.username) with the password")
            failure = failure.map { FolderError($0.code, $0.message + "; then " + refused.message) } ?? refused
        }
        throw failure ?? FolderError(.authFailed, "no password and no private key to log in as \(endpoint.username)")
    }

    /// Whether a private key file holds an RSA key (PEM `RSA PRIVATE KEY`, or `ssh-rsa` in an OpenSSH key's public part).
    static func isRSAKey(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        if text.contains("BEGIN RSA PRIVATE KEY") { return true }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let blob = Data(base64Encoded: body) else { return false }
        return blob.range(of: Data("ssh-rsa".utf8)) != nil
    }

    /// The key type a host key blob starts with (an SSH string: 4-byte length, then the name).
    private static func keyTypeName(_ blob: Data) -> String {
        guard blob.count >= 4 else { return "unknown" }
        let length = blob.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, blob.count >= 4 + length else { return "unknown" }
        return String(decoding: blob.dropFirst(4).prefix(length), as: UTF8.self)
    }

    /// The host key types asked for, in OpenSSH's order of preference.
    private static let hostKeyPreference = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa,ssh-dss"

    /// A TCP connection to `host`:`port` opened within `timeout` seconds, in blocking mode.
    private static func connect(_ host: String, _ port: Int, timeout: Int) throws(FolderError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw FolderError(.unreachable, "\(host) cannot be resolved")
        }
        defer { freeaddrinfo(found) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            var connected = Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0
            if !connected && errno == EINPROGRESS {
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                var failure: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                if poll(&poller, 1, Int32(timeout * 1000)) == 1, getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size) == 0 {
                    connected = failure == 0
                    errno = failure
                } else {
                    errno = ETIMEDOUT
                }
            }
            if connected {
                _ = fcntl(descriptor, F_SETFL, flags)
                return descriptor
            }
            reason = String(cString: strerror(errno))
            close(descriptor)
        }
        throw FolderError(.unreachable, "cannot connect to \(host):\(port): \(reason)")
    }
}

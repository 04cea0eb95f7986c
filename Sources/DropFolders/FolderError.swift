/// A failure of a drop folder or of one of its files.
///
/// `code` is stable and reaches reports, logs and metric labels; `message` is for people and never holds a secret.
public struct FolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stable identity of a folder failure.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The folder or file does not exist.
        case notFound = "folder.notFound"
        /// The daemon may not read or write there.
        case permissionDenied = "folder.permissionDenied"
        /// The file changed while it was being fetched.
        case changedDuringFetch = "folder.changedDuringFetch"
        /// The file changed between its job and its disposal: the newer version is left alone.
        case changedBeforeDisposal = "folder.changedBeforeDisposal"
        /// A name with a path separator, `..`, a control character, or over 255 bytes.
        case unsafeName = "folder.unsafeName"
        /// The path is not a regular file when it is opened (a FIFO, a device or a directory put in its place).
        case notRegularFile = "folder.notRegularFile"
        /// The folder could not be watched for changes.
        case watchFailed = "folder.watchFailed"
        /// Another input/output failure.
        case ioFailed = "folder.ioFailed"
        /// The server cannot be reached (no route, refused, timed out, connection lost).
        case unreachable = "folder.unreachable"
        /// The server refused the credentials.
        case authFailed = "folder.authFailed"
        /// The secure connection failed: an untrusted certificate, or no TLS where required.
        case tlsFailed = "folder.tlsFailed"
        /// The SSH server's host key is not the trusted one: unknown, changed, or not the one pinned on first use.
        case hostKeyRejected = "folder.hostKeyRejected"
        /// The server answered outside the protocol or refused a command for another reason.
        case protocolFailed = "folder.protocolFailed"
    }

    /// The stable code.
    public var code: Code
    /// A message for people.
    public var message: String

    /// Creates a folder error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and message, with the line when known.
    public var description: String { "\(code.rawValue): \(message)" }
}

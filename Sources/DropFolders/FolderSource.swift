import Foundation

/// A file as a folder lists it: the facts that make up its version.
public struct FileStat: Hashable, Sendable {
    /// The name inside the folder; for a name that is not UTF-8, a readable form with its stray bytes escaped
    /// (`M\xe4rz.ics`, see `FileName.decoded`).
    public var path: String
    /// The size in bytes.
    public var size: Int64
    /// The modification time in nanoseconds since 1970 (0 where the folder gives none).
    public var modified: Int64
    /// The ETag, for object stores; empty elsewhere.
    public var etag: String
    /// Whether the name as the folder gives it is UTF-8; a name that is not is refused (`path` is then its escaped form).
    public var nameIsUTF8: Bool

    /// Creates a file stat.
    public init(path: String, size: Int64, modified: Int64, etag: String = "", nameIsUTF8: Bool = true) {
        self.path = path
        self.size = size
        self.modified = modified
        self.etag = etag
        self.nameIsUTF8 = nameIsUTF8
    }
}

/// What to do with a file once its job has ended.
public enum Disposal: Equatable, Sendable {
    /// Leave it where it is.
    case keep
    /// Delete it.
    case delete
    /// Move it into another folder (for a local folder, a directory path).
    case move(to: String)
}

/// A drop folder: lists its files, fetches one into the staging area, and disposes of it after processing.
public protocol FolderSource: Sendable {
    /// The folder's configured id.
    var id: String { get }
    /// The kind of folder, as the configuration names it: `local`, `ftp`, `ftps`, `sftp`, `s3`.
    var kind: String { get }
    /// The files of the folder that are there now (regular files at its top level), whatever their names: the
    /// caller refuses unsafe ones (`FileName`), and `fetch` and `dispose` refuse them too.
    func list() async throws -> [FileStat]
    /// Copies the version `file` to `destination`, failing with `changedDuringFetch` if it changed meanwhile.
    func fetch(_ file: FileStat, to destination: URL) async throws
    /// Applies the after-processing policy to `file`; returns where a moved file now is (a local path), or nil.
    @discardableResult
    func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String?
}

/// A folder that reports its changes as they happen, so they need not wait for a poll.
public protocol ChangeNotifyingFolder: FolderSource {
    /// The changes to the folder from now on, until the stream is dropped.
    func changes() throws -> AsyncStream<FolderChange>
    /// The stat of one file, or nil if it is not there (or not a regular file).
    func stat(_ path: String) async throws -> FileStat?
}

/// One change a folder reports.
public enum FolderChange: Equatable, Sendable {
    /// The file was closed after writing, moved in, created, or had its attributes changed.
    case changed(String)
    /// The file was deleted or moved out.
    case removed(String)
    /// Events were lost: the whole folder must be listed again.
    case overflow
}

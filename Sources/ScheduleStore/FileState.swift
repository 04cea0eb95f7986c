/// Where a drop-folder file version stands (SPEC §2); persisted, so it survives restarts.
public enum FileState: String, Codable, Sendable, CaseIterable {
    /// Seen, not yet stable.
    case uploading
    /// Stable and claimed by a job that has not started.
    case pending
    /// Being copied to the staging area.
    case downloading
    /// Its job is running.
    case processing
    /// Its job committed.
    case handled
    /// Its job failed as a whole, or it could not be fetched; the row carries a code and message.
    case error
    /// Matched an ignore pattern or exceeded a limit.
    case ignored
    /// Removed by the after-processing policy.
    case deleted
    /// Vanished from the folder.
    case purged

    /// Whether a job for a file in this state has not finished.
    public var isUnfinished: Bool { self == .pending || self == .downloading || self == .processing }
}

/// A file version's identity: the same identity is never ingested twice (SPEC §2).
public struct FileIdentity: Hashable, Codable, Sendable {
    /// The drop folder's id.
    public var folderId: String
    /// The path inside the folder.
    public var path: String
    /// The size in bytes.
    public var size: Int64
    /// The modification time in nanoseconds since 1970 (0 where the folder gives none).
    public var modified: Int64
    /// The ETag, for object stores; empty elsewhere.
    public var etag: String

    /// Creates an identity.
    public init(folderId: String, path: String, size: Int64, modified: Int64, etag: String = "") {
        self.folderId = folderId
        self.path = path
        self.size = size
        self.modified = modified
        self.etag = etag
    }
}

extension FileIdentity {
    /// The folder id the files a partner pushes over HTTP are recorded under: `upload-<partner>`.
    public static func uploadFolderId(partnerId: Int) -> String {
        "upload-\(partnerId)"
    }
}

/// A file version as the store holds it.
public struct StoredFile: Equatable, Sendable {
    /// The store's id of the version.
    public var id: Int64
    /// The version's identity.
    public var identity: FileIdentity
    /// Its state.
    public var state: FileState
    /// The error code when `state` is `error` or `ignored`.
    public var errorCode: String?
    /// The error message when `state` is `error` or `ignored`.
    public var errorMessage: String?

    /// Creates a stored file.
    public init(id: Int64, identity: FileIdentity, state: FileState, errorCode: String? = nil, errorMessage: String? = nil) {
        self.id = id
        self.identity = identity
        self.state = state
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}

/// A job that a file version was given: run it, then finish it in the job's transaction.
public struct JobTicket: Equatable, Sendable {
    /// The job's id.
    public var jobId: Int64
    /// The file version the job reads.
    public var file: StoredFile

    /// Creates a ticket.
    public init(jobId: Int64, file: StoredFile) {
        self.jobId = jobId
        self.file = file
    }
}

/// How a drop folder is doing: its last poll, its last success, its last error, and its files by state.
public struct FolderStatus: Equatable, Sendable {
    /// The folder's id.
    public var folderId: String
    /// The folder's kind (`local`, `ftp`, `sftp`, `s3` …) as last recorded.
    public var kind: String
    /// When the folder was last listed (successfully or not), seconds since 1970.
    public var lastPollAt: Int64?
    /// When the folder was last listed successfully, seconds since 1970.
    public var lastSuccessAt: Int64?
    /// The code of the last listing failure, cleared by a success.
    public var lastErrorCode: String?
    /// The message of the last listing failure, cleared by a success.
    public var lastErrorMessage: String?
    /// How many listings in a row have failed.
    public var consecutiveFailures: Int
    /// When the folder is listed next (after its backoff, while it fails), seconds since 1970.
    public var nextPollAt: Int64?
    /// How many file versions of the folder are in each state.
    public var files: [FileState: Int]

    /// Creates a folder status.
    public init(
        folderId: String, kind: String, lastPollAt: Int64? = nil, lastSuccessAt: Int64? = nil, lastErrorCode: String? = nil,
        lastErrorMessage: String? = nil, consecutiveFailures: Int = 0, nextPollAt: Int64? = nil, files: [FileState: Int] = [:]
    ) {
        self.folderId = folderId
        self.kind = kind
        self.lastPollAt = lastPollAt
        self.lastSuccessAt = lastSuccessAt
        self.lastErrorCode = lastErrorCode
        self.lastErrorMessage = lastErrorMessage
        self.consecutiveFailures = consecutiveFailures
        self.nextPollAt = nextPollAt
        self.files = files
    }
}

/// One listing of a folder, as its watcher records it.
public struct FolderPoll: Sendable {
    /// The folder's id.
    public var folderId: String
    /// The folder's kind (`local`, `ftp`, `sftp`, `s3` …).
    public var kind: String
    /// The listing's failure, nil if it succeeded.
    public var error: (code: String, message: String)?
    /// How many listings in a row have failed, this one included (0 after a success).
    public var consecutiveFailures: Int
    /// Seconds until the next listing: the poll interval, or the backoff after a failure.
    public var nextPollIn: Int64

    /// Creates a poll record.
    public init(
        folderId: String, kind: String, error: (code: String, message: String)? = nil, consecutiveFailures: Int = 0, nextPollIn: Int64
    ) {
        self.folderId = folderId
        self.kind = kind
        self.error = error
        self.consecutiveFailures = consecutiveFailures
        self.nextPollIn = nextPollIn
    }
}

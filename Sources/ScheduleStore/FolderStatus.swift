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
    /// The codes the folder's files carry now, newest first: of each path, its newest version if it has a code and is
    /// not purged (a fetch to be tried again, a version that failed, a file refused or ignored).
    public var fileErrors: [FileErrors]

    /// Creates a folder status.
    public init(
        folderId: String, kind: String, lastPollAt: Int64? = nil, lastSuccessAt: Int64? = nil, lastErrorCode: String? = nil,
        lastErrorMessage: String? = nil, consecutiveFailures: Int = 0, nextPollAt: Int64? = nil, files: [FileState: Int] = [:],
        fileErrors: [FileErrors] = []
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
        self.fileErrors = fileErrors
    }
}

extension FolderStatus {
    /// Counts the code of one path's newest version, the paths read newest first: the first path of each code is the
    /// one `fileErrors` shows.
    mutating func countError(code: String, path: String, state: FileState, message: String) {
        if let index = fileErrors.firstIndex(where: { $0.code == code }) {
            fileErrors[index].count += 1
        } else {
            fileErrors.append(FileErrors(code: code, count: 1, path: path, state: state, message: message))
        }
    }
}

/// The files of a folder that carry one error code: how many, and the one whose version changed last.
public struct FileErrors: Equatable, Sendable {
    /// The code (`folder.permissionDenied`, `file.nameNotUTF8` …).
    public var code: String
    /// How many paths' newest versions carry it.
    public var count: Int
    /// The path of the newest of them.
    public var path: String
    /// Its state (`pending` while a fetch that failed is tried again).
    public var state: FileState
    /// Its message.
    public var message: String

    /// Creates a summary of one code.
    public init(code: String, count: Int, path: String, state: FileState, message: String) {
        self.code = code
        self.count = count
        self.path = path
        self.state = state
        self.message = message
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

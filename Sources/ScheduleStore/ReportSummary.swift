import Schedule

/// One stored report in brief: what a listing of reports shows.
public struct ReportSummary: Equatable, Sendable {
    /// The report's id (what `reports show` takes).
    public var id: Int64
    /// The job that wrote it.
    public var jobId: Int64
    /// The file version it is about (what `reprocess` takes).
    public var fileId: Int64
    /// The folder of the file.
    public var folderId: String
    /// The file's path in its folder.
    public var path: String
    /// `handled` or `error`.
    public var status: String
    /// The file-level error code, when the file failed.
    public var code: String?
    /// Items added, updated, cancelled, deleted, unchanged, rejected, and warnings.
    public var counts: ReportCounts
    /// When the job committed, seconds since 1970.
    public var createdAt: Int64

    /// Creates a report summary.
    public init(
        id: Int64, jobId: Int64, fileId: Int64, folderId: String, path: String, status: String, code: String?, counts: ReportCounts,
        createdAt: Int64
    ) {
        self.id = id
        self.jobId = jobId
        self.fileId = fileId
        self.folderId = folderId
        self.path = path
        self.status = status
        self.code = code
        self.counts = counts
        self.createdAt = createdAt
    }
}

/// Which reports a listing shows; every condition given must hold.
public struct ReportFilter: Sendable {
    /// Only reports of files that failed as a whole, or with rejected items.
    public var failedOnly = false
    /// Only reports committed at or after this time, seconds since 1970.
    public var since: Int64?
    /// Only reports of this folder.
    public var folderId: String?
    /// Only reports of this partner's files.
    public var partnerId: Int?
    /// Only reports of files whose path contains this text.
    public var pathContains: String?
    /// At most this many, newest first.
    public var limit = 100

    /// Creates a filter that shows the newest 100 reports.
    public init() {}
}

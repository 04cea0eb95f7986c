import Schedule

/// Where one job stands: its file version's state and, once it committed, its report.
public struct JobStatus: Equatable, Sendable {
    /// The job's id.
    public var jobId: Int64
    /// The file version the job reads, with its current state and error.
    public var file: StoredFile
    /// When the job was opened, seconds since 1970.
    public var createdAt: Int64
    /// When the job ended, seconds since 1970; nil while it is pending or running.
    public var finishedAt: Int64?
    /// The job's report, once committed.
    public var report: IngestionReport?

    /// Creates a job status.
    public init(jobId: Int64, file: StoredFile, createdAt: Int64, finishedAt: Int64?, report: IngestionReport?) {
        self.jobId = jobId
        self.file = file
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.report = report
    }
}

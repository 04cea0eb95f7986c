import ICalendar
import Schedule
import ScheduleStore

/// The job of one file kind: reads a file of that kind and applies its items inside the job's transaction.
///
/// A new file kind is a `FileKind` case with its extensions, a type conforming here, and its line in `FileKind.job`.
protocol FileJob {
    /// The error the job's reader throws for a file it cannot read.
    associatedtype ReadError: Error

    /// The job for a file of a folder (or upload) with `settings`; `now`, in seconds since 1970, is when the job began.
    init(settings: JobSettings, now: Int64)

    /// Reads the file at `path` (counting its bytes in `progress`) and applies its items; throws `ReadError` for a
    /// file that cannot be read.
    func ingest(path: String, progress: ReadProgress?, into transaction: any StoreTransaction) throws -> JobOutput

    /// The report's code and message for a file the reader could not read.
    static func failure(_ error: ReadError) -> (code: String, message: String)
}

extension FileJob {
    /// The report's code and message when `error` is this job's `ReadError`, else nil.
    static func failure(of error: any Error) -> (code: String, message: String)? {
        (error as? ReadError).map(failure)
    }
}

/// Why a job failed its file as a whole (besides iCalendar structure errors, which keep their own codes).
public struct JobError: Error, Equatable, Sendable {
    /// The stable identity of a file-level failure.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The folder is strict and at least one item was rejected, so nothing was committed.
        case strictRejection = "job.strictRejection"
        /// The staged file could not be read.
        case readFailed = "job.readFailed"
        /// An uploaded file's staged bytes were gone when its job was to run (lost in a crash before they were kept).
        case uploadLost = "job.uploadLost"
        /// The job was cut off too many times (the daemon died while running it), so it is not tried again.
        case cutOffRepeatedly = "job.cutOffRepeatedly"
    }

    /// The stable code.
    public var code: Code
    /// A message for people.
    public var message: String

    /// Creates a job error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

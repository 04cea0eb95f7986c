import DropFolders
import Foundation
import ICalendar
import Schedule

/// How one drop folder's files are watched, ingested and disposed of.
public struct FolderSettings: Sendable {
    /// The folder's id, unique in the configuration.
    public var id: String
    /// The partner that owns what the folder's files hold.
    public var partnerId: Int
    /// The names to ingest and to ignore.
    public var patterns: NamePatterns
    /// How often the whole folder is listed again (the safety net under inotify, the poll for remote folders).
    public var pollInterval: Duration
    /// The longest wait between listings of a folder that keeps failing (the backoff's cap).
    public var maximumBackoff: Duration
    /// How long a file must stay unchanged to be taken as complete.
    public var stabilityInterval: Duration
    /// Whether one rejected item rejects the whole file.
    public var strict: Bool
    /// The event type when a VEVENT does not set one.
    public var defaultEventType: EventType
    /// The zone floating times and dates are read in.
    public var timeZone: TimeZone
    /// What happens to a handled file.
    public var afterHandled: Disposal
    /// What happens to a file whose job failed.
    public var afterFailed: Disposal
    /// The largest file ingested, in bytes.
    public var maximumFileSize: Int64
    /// The most files started in one pass over the folder; the rest wait for the next.
    public var maximumFilesPerPoll: Int
    /// The bounds events keep, and the horizon of series.
    public var limits: EventLimits

    /// Creates folder settings; every setting but the id has the documented default.
    public init(
        id: String, partnerId: Int = 1, patterns: NamePatterns = NamePatterns(), pollInterval: Duration = .seconds(30),
        maximumBackoff: Duration = .seconds(600), stabilityInterval: Duration = .seconds(5), strict: Bool = false,
        defaultEventType: EventType = .record,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, afterHandled: Disposal = .keep, afterFailed: Disposal = .keep,
        maximumFileSize: Int64 = 1 << 30, maximumFilesPerPoll: Int = 100, limits: EventLimits = EventLimits()
    ) {
        self.id = id
        self.partnerId = partnerId
        self.patterns = patterns
        self.pollInterval = pollInterval
        self.maximumBackoff = max(maximumBackoff, pollInterval)
        self.stabilityInterval = stabilityInterval
        self.strict = strict
        self.defaultEventType = defaultEventType
        self.timeZone = timeZone
        self.afterHandled = afterHandled
        self.afterFailed = afterFailed
        self.maximumFileSize = maximumFileSize
        self.limits = limits
        self.maximumFilesPerPoll = maximumFilesPerPoll
    }

    /// The settings a job needs from its folder.
    public var jobSettings: JobSettings {
        JobSettings(partnerId: partnerId, strict: strict, defaultEventType: defaultEventType, timeZone: timeZone, limits: limits)
    }
}

/// What a job needs to know of where its file came from.
public struct JobSettings: Sendable {
    /// The partner that owns the items.
    public var partnerId: Int
    /// Whether one rejected item rejects the whole file.
    public var strict: Bool
    /// The event type when a VEVENT does not set one.
    public var defaultEventType: EventType
    /// The zone floating times and dates are read in.
    public var timeZone: TimeZone
    /// The bounds events keep, and the horizon of series.
    public var limits: EventLimits
    /// Counts the bytes the job reads, for a progress display; nil when nobody watches.
    public var progress: ReadProgress?
    /// Where a large job spools its report's rows (`SpooledList`); nil: the system's temporary directory. The job
    /// runner sets its reports folder, on the data directory's disk.
    public var spoolDirectory: String?

    /// Creates job settings.
    public init(
        partnerId: Int, strict: Bool = false, defaultEventType: EventType = .record, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        limits: EventLimits = EventLimits()
    ) {
        self.partnerId = partnerId
        self.strict = strict
        self.defaultEventType = defaultEventType
        self.timeZone = timeZone
        self.limits = limits
    }
}

import DropFolders

/// Decides, from what a folder shows over time, when each file is complete and what to do with it.
///
/// A pure state machine: observations go in, actions come out, and the caller does the I/O and
/// supplies the time (any monotonic origin). A file is stable when the same size and
/// modification time (ETag and size, for object stores) are seen in two observations at least
/// `stabilityInterval` apart; an inotify close-write or move-in is one such observation. A
/// version the tracker was told is settled (handled, failed, ignored or in work) is never
/// ingested again; the same name with another size or time is a new version.
///
/// A tracked file that vanishes is purged, unless it is a version whose job ended and that the folder was not seen
/// to hold since (`jobEnded`): its file left while the job was in hand, and the job's outcome stays.
public struct FileTracker: Sendable {
    /// What the caller must do.
    public enum Action: Equatable, Sendable {
        /// A version was first seen (or changed) and is not stable yet: record it as `uploading`.
        case uploading(FileStat)
        /// A version is stable and new: ingest it.
        case ingest(FileStat)
        /// A version will not be ingested: record it as `ignored` with the reason.
        case ignore(FileStat, IgnoreReason)
        /// A tracked file vanished from the folder: record it as `purged`.
        case purge(String)
    }

    /// Why a file is ignored.
    public enum IgnoreReason: String, Equatable, Sendable {
        /// Its name matches an ignore pattern.
        case ignoredName = "file.ignoredName"
        /// It is larger than the folder's limit.
        case tooLarge = "file.tooLarge"
        /// Its name is not safe to use (`FileName.problem`): the file is never fetched.
        case unsafeName = "folder.unsafeName"
        /// Its name is not UTF-8 (the path is its escaped form): the file is never fetched.
        case nameNotUTF8 = "file.nameNotUTF8"
    }

    private enum Entry: Equatable {
        /// Not yet stable: this version first seen at `since`.
        case watching(FileStat, since: Duration)
        /// Nothing more to do for this version.
        case settled(FileStat)
    }

    /// The names to ingest and to ignore.
    public let patterns: NamePatterns
    /// How long a version must stay the same to be stable.
    public let stabilityInterval: Duration
    /// How long after a file was last seen changed it is looked at again: the stability interval, and never sooner
    /// than `minimumRecheck`, so a file written without pause is not looked at in a tight loop.
    public var recheckInterval: Duration { max(stabilityInterval, Self.minimumRecheck) }
    /// The shortest wait before a file not yet stable is looked at again.
    public static let minimumRecheck = Duration.milliseconds(50)
    /// The largest file ingested, in bytes; larger ones are ignored.
    public let maximumSize: Int64
    private var entries: [String: Entry] = [:]
    /// The paths not yet stable, with the instant each was first seen as it is.
    private var watching: [String: Duration] = [:]
    /// The paths of versions whose job ended, not seen in the folder since.
    private var unconfirmed: Set<String> = []

    /// Creates a tracker that knows the `settled` versions (from the store) already.
    public init(patterns: NamePatterns, stabilityInterval: Duration, maximumSize: Int64 = .max, settled: [FileStat] = []) {
        self.patterns = patterns
        self.stabilityInterval = stabilityInterval
        self.maximumSize = maximumSize
        for stat in settled { set(stat.path, .settled(stat)) }
    }

    /// Takes one observation of a file that is present.
    public mutating func observe(_ stat: FileStat, at now: Duration) -> [Action] {
        let verdict = patterns.verdict(for: stat.path)
        guard verdict != .skip else {
            set(stat.path, nil)
            return []
        }
        let refusal: IgnoreReason? =
            if !stat.nameIsUTF8 { .nameNotUTF8 } else if FileName.problem(stat.path) != nil { .unsafeName } else { nil }
        if verdict == .ignore || refusal != nil {
            if case .settled = entries[stat.path] { return [] }
            set(stat.path, .settled(stat))
            return [.ignore(stat, refusal ?? .ignoredName)]
        }
        switch entries[stat.path] {
        case .settled(let known) where known == stat:
            unconfirmed.remove(stat.path)
            return []
        case .watching(let known, let since) where known == stat:
            guard now - since >= stabilityInterval else { return [] }
            set(stat.path, .settled(stat))
            return stat.size > maximumSize ? [.ignore(stat, .tooLarge)] : [.ingest(stat)]
        default:
            set(stat.path, .watching(stat, since: now))
            return [.uploading(stat)]
        }
    }

    /// Takes the news that a file is gone.
    public mutating func vanished(_ path: String) -> [Action] {
        guard entries[path] != nil else { return [] }
        let leftDuringItsJob = unconfirmed.contains(path)
        set(path, nil)
        return leftDuringItsJob ? [] : [.purge(path)]
    }

    /// Takes the news that the job of `stat` ended with its file still in the folder as far as the caller knows:
    /// until an observation shows the folder still holds it, the file vanishing means it left during the job.
    public mutating func jobEnded(_ stat: FileStat) {
        if entries[stat.path] == .settled(stat) { unconfirmed.insert(stat.path) }
    }

    /// Takes a full listing: observes every file in it, and every tracked file missing from it vanished.
    public mutating func listed(_ stats: [FileStat], at now: Duration) -> [Action] {
        var actions: [Action] = []
        var present = Set<String>()
        for stat in stats {
            present.insert(stat.path)
            actions += observe(stat, at: now)
        }
        for path in entries.keys.sorted() where !present.contains(path) {
            actions += vanished(path)
        }
        return actions
    }

    /// Stops tracking a path whose file the caller removed (deleted or moved away after processing).
    public mutating func forget(_ path: String) {
        set(path, nil)
    }

    /// Restarts the wait of a path not yet stable from `now` (its file could not be looked at).
    public mutating func postpone(_ path: String, at now: Duration) {
        if case .watching(let stat, _) = entries[path] { set(path, .watching(stat, since: now)) }
    }

    /// When the first stability check falls due; nil when every file is settled.
    public var nextCheck: Duration? {
        watching.values.min().map { $0 + recheckInterval }
    }

    /// The paths not yet stable whose stability check (`recheckInterval` after they were last seen changed) is due at
    /// `now`, in name order.
    public func due(at now: Duration) -> [String] {
        watching.compactMap { path, since in now - since >= recheckInterval ? path : nil }.sorted()
    }

    private mutating func set(_ path: String, _ entry: Entry?) {
        entries[path] = entry
        unconfirmed.remove(path)
        if case .watching(_, let since) = entry { watching[path] = since } else { watching[path] = nil }
    }
}

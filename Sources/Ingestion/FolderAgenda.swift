import DropFolders
import ScheduleStore

/// Decides what one folder's watcher does and when: every rule that depends on time, and nothing that does I/O.
///
/// A pure state machine over instants (durations since any monotonic origin the caller keeps). The caller reports
/// what it saw (a listing, a failed listing, a changed or removed file, a fetch that failed) with the instant it
/// happened, takes the actions `next(at:)` hands out one at a time, and sleeps until `nextDue` when there are none.
///
/// - Listing: at once, then every `pollInterval`; after `n` failures in a row, after
///   `backoff(n, base: pollInterval, cap: maximumBackoff)`; one listing that works ends the backoff.
/// - Stability: the file tracker's rule (two equal observations `stabilityInterval` apart). A folder with change
///   notifications has each file not yet stable checked again when its interval has passed (at least 50 ms after
///   it was last seen changed); other folders see their files only in listings.
/// - Fetch retries: a claimed version whose fetch or job failed for a reason that may pass is tried again after
///   `backoff(n, base: 1 s, cap: max(pollInterval, 60 s))`; while the folder's listings fail, retries wait for
///   one that works rather than meet the same outage.
/// - A pass lists the folder at most once, and starts at most `maximumFilesPerPoll` versions; the rest start in the
///   next pass, right after.
///
/// Every wait is jittered (less up to 20 %) from the random source it is given, so folders and files that fail
/// together do not retry in step.
public struct FolderAgenda: Sendable {
    /// A claimed version on its way through fetch and job.
    public struct Job: Equatable, Sendable {
        /// The claim.
        public var ticket: JobTicket
        /// The version claimed.
        public var stat: FileStat
        /// How many of its tries failed so far.
        public var failures: Int

        /// Creates a job that has failed `failures` times.
        public init(ticket: JobTicket, stat: FileStat, failures: Int = 0) {
            self.ticket = ticket
            self.stat = stat
            self.failures = failures
        }
    }

    /// What the watcher must do now.
    public enum Action: Equatable, Sendable {
        /// List the whole folder; report `listed` or `listingFailed`.
        case list
        /// Look at one file again; report `observed`, `vanished` or `checkFailed`.
        case check(String)
        /// Persist what the file tracker decided (uploading, ignored, purged).
        case record(FileTracker.Action)
        /// Claim a new stable version, fetch it and run its job; report `failed` or `done` if it was claimed.
        case ingest(FileStat)
        /// Fetch a claimed version again and run its job; report `failed` or `done`.
        case retry(Job)
    }

    /// The timings the agenda keeps.
    public struct Timing: Sendable {
        /// The wait between listings of a folder that works.
        public var pollInterval: Duration
        /// The longest wait between listings of a folder that keeps failing.
        public var maximumBackoff: Duration
        /// The first wait before a failed fetch is tried again.
        public var firstRetry: Duration
        /// The longest wait before a failed fetch is tried again.
        public var maximumRetry: Duration
        /// The most versions started in one pass.
        public var maximumFilesPerPass: Int

        /// The timings of a folder's settings: retries from 1 s up to the poll interval or 60 s, whichever is longer.
        ///
        /// A poll interval under `minimumPollInterval` is taken as that, and a pass starts at least one version, so
        /// no setting makes the watcher list or loop without pause.
        public init(_ settings: FolderSettings) {
            pollInterval = max(settings.pollInterval, Self.minimumPollInterval)
            maximumBackoff = max(settings.maximumBackoff, pollInterval)
            firstRetry = .seconds(1)
            maximumRetry = max(pollInterval, .seconds(60))
            maximumFilesPerPass = max(settings.maximumFilesPerPoll, 1)
        }

        /// The shortest wait between listings.
        public static let minimumPollInterval = Duration.milliseconds(50)
    }

    /// The timings.
    public let timing: Timing
    /// Whether the folder tells of changes (then files not yet stable are checked one by one).
    public let notifying: Bool
    /// The stability state of every file.
    public private(set) var tracker: FileTracker
    /// Listings in a row that failed.
    public private(set) var failures = 0
    /// When the folder is listed next; nil while a listing is under way.
    public private(set) var listingDue: Duration?
    private var random: any RandomNumberGenerator & Sendable
    private var records: [FileTracker.Action] = []
    private var checks: [String] = []
    /// Paths handed out to be checked whose outcome is not reported yet.
    private var checking: Set<String> = []
    private var backlog: [FileStat] = []
    private var retries: [(job: Job, due: Duration)] = []
    private var startedInPass = 0
    private var relist = false
    /// Whether this pass listed the folder: one listing a pass, so a listing slower than the poll interval never
    /// keeps the files it found from starting.
    private var listedInPass = false

    /// Creates the agenda of a folder whose first listing is due at once.
    public init(
        timing: Timing, tracker: FileTracker, notifying: Bool, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.timing = timing
        self.tracker = tracker
        self.notifying = notifying
        self.random = random
        listingDue = .zero
    }

    // MARK: What the watcher saw

    /// A listing that worked, at `now`: the backoff ends and the next listing is a poll interval away.
    public mutating func listed(_ stats: [FileStat], at now: Duration) {
        failures = 0
        listingDue = relist ? now : now + timing.pollInterval
        relist = false
        records += tracker.listed(stats, at: now)
    }

    /// Another daemon of the fleet lists the folder now (it holds the listing's lease): nothing is learned, and this one
    /// tries again a poll interval after `now`.
    public mutating func listedElsewhere(at now: Duration) {
        listingDue = now + timing.pollInterval
        relist = false
    }

    /// A listing that failed, at `now`; returns the wait until the next one.
    @discardableResult
    public mutating func listingFailed(at now: Duration) -> Duration {
        failures += 1
        let wait = backoff(attempt: failures, base: timing.pollInterval, cap: timing.maximumBackoff)
        listingDue = now + wait
        return wait
    }

    /// The folder lost change notifications (an overflow): it is listed at once, or again right after the listing
    /// under way.
    public mutating func overflowed(at now: Duration) {
        if let due = listingDue { listingDue = min(due, now) } else { relist = true }
    }

    /// The folder told of a change to `path`: the file is checked at once.
    public mutating func notified(_ path: String) {
        if !checks.contains(path) { checks.append(path) }
    }

    /// One observation of a file that is present, at `now`.
    public mutating func observed(_ stat: FileStat, at now: Duration) {
        checking.remove(stat.path)
        records += tracker.observe(stat, at: now)
    }

    /// A file is gone.
    public mutating func vanished(_ path: String) {
        checking.remove(path)
        records += tracker.vanished(path)
    }

    /// A file could not be looked at, at `now`: it is looked at again a stability interval later.
    public mutating func checkFailed(_ path: String, at now: Duration) {
        checking.remove(path)
        tracker.postpone(path, at: now)
    }

    /// A version the watcher is done with: forgotten if its file left the folder (`removed`), so a new file of the
    /// same name is a new version; else looked at again (a folder with change notifications at once, another at its
    /// next listing), and if it is gone by then it left during its job and keeps the job's outcome (not purged).
    public mutating func done(_ stat: FileStat, removed: Bool) {
        if removed {
            tracker.forget(stat.path)
        } else {
            tracker.jobEnded(stat)
            if notifying { notified(stat.path) }
        }
    }

    /// A claimed version whose try failed at `now` for a reason that may pass; returns the wait until the next try.
    @discardableResult
    public mutating func failed(_ job: Job, at now: Duration) -> Duration {
        var next = job
        next.failures += 1
        let wait = backoff(attempt: next.failures, base: timing.firstRetry, cap: timing.maximumRetry)
        retries.append((next, now + wait))
        return wait
    }

    /// Claimed versions an earlier run left unfinished: tried again from `now`, once a listing works.
    public mutating func resume(_ jobs: [Job], at now: Duration) {
        retries += jobs.map { ($0, now) }
    }

    /// Stops tracking a path whose file left the folder outside a job (disposed of at start, or released).
    public mutating func forget(_ path: String) {
        tracker.forget(path)
    }

    // MARK: What the watcher does

    /// The next action due at `now`, or nil when there is none: then wait until `nextDue` or a change.
    public mutating func next(at now: Duration) -> Action? {
        while !records.isEmpty {
            let action = records.removeFirst()
            if case .ingest(let stat) = action {
                backlog.append(stat)
            } else {
                return .record(action)
            }
        }
        if let due = listingDue, due <= now, !listedInPass {
            listingDue = nil
            listedInPass = true
            return .list
        }
        if !checks.isEmpty { return check(checks.removeFirst()) }
        if notifying, let path = tracker.due(at: now).first(where: { !checking.contains($0) }) { return check(path) }
        guard startedInPass < timing.maximumFilesPerPass else { return endPass() }
        if failures == 0, let index = retries.indices.filter({ retries[$0].due <= now }).min(by: { retries[$0].due < retries[$1].due }) {
            startedInPass += 1
            return .retry(retries.remove(at: index).job)
        }
        if !backlog.isEmpty {
            startedInPass += 1
            return .ingest(backlog.removeFirst())
        }
        return endPass()
    }

    /// Ends a pass: the next one may list the folder and start files again.
    private mutating func endPass() -> Action? {
        startedInPass = 0
        listedInPass = false
        return nil
    }

    /// When the watcher must act next if nothing changes: `.zero` for work waiting now, nil while a listing is under
    /// way and nothing else is scheduled.
    public var nextDue: Duration? {
        if !records.isEmpty || !checks.isEmpty || !backlog.isEmpty { return .zero }
        var due = listingDue
        func consider(_ instant: Duration?) {
            guard let instant else { return }
            due = min(due ?? instant, instant)
        }
        if notifying { consider(tracker.nextCheck) }
        if failures == 0 { consider(retries.map(\.due).min()) }
        return due
    }

    /// How many versions wait to start (new or to be tried again).
    public var queueDepth: Int { backlog.count + retries.count }

    private mutating func check(_ path: String) -> Action {
        checking.insert(path)
        return .check(path)
    }

    /// The wait before try `attempt` (from 1): `base` doubled at each try up to `cap`, less up to 20 % jitter.
    private mutating func backoff(attempt: Int, base: Duration, cap: Duration) -> Duration {
        let wait = min(base * (1 << min(attempt - 1, 20)), cap)
        return wait - wait * Double.random(in: 0..<0.2, using: &random)
    }
}

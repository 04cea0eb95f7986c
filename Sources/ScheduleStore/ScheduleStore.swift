import Foundation
import Schedule

/// The persistent store of events, resources, drop-folder files, jobs and reports: every role at once.
///
/// Every query of the daemon goes through these role protocols, so another backend (PostgreSQL with row leases) is
/// one new type; each part of the daemon names only the roles it uses. Methods are safe to call from any task.
public typealias ScheduleStore = FileLedger & ScheduleWriting & ScheduleReading & ReportReading & FolderStatusReading & LeaseHolding

/// The leases of a fleet of daemons on one store: what is done once at a time goes to the daemon that holds its lease.
public protocol LeaseHolding: Sendable {
    /// Takes or renews this daemon's lease named `name` for `seconds`: true while this daemon holds it, false while
    /// another live daemon does. What a fleet does once at a time (listing a remote folder, periodic work) goes to the
    /// holder. A store of one daemon grants it always.
    func hold(_ name: String, for seconds: Int64) async throws -> Bool
}

/// The drop folders' ledger: file versions, their claims and jobs, listings and pinned host keys (the watchers', the
/// upload inbox's and the commands').
public protocol FileLedger: LeaseHolding {
    /// The newest version of every path of a folder, whatever its state.
    func latestFiles(folderId: String) async throws -> [StoredFile]
    /// Every version of one path, oldest first.
    func versions(folderId: String, path: String) async throws -> [StoredFile]
    /// One file version by its id.
    func file(id: Int64) async throws -> StoredFile?
    /// Records a path seen but not yet stable: updates its `uploading` row, or adds one.
    func recordUploading(_ identity: FileIdentity) async throws
    /// Records a version that will not be ingested, with the reason; does nothing if the version is known.
    func recordIgnored(_ identity: FileIdentity, code: String, message: String) async throws
    /// Marks every finished version of a path `purged`: it vanished from the folder.
    ///
    /// A version that was still uploading is forgotten instead, so the same bytes uploaded again are a version like any other.
    func markPurged(folderId: String, path: String) async throws
    /// Claims a stable version for ingestion: stores it `pending` with a new job.
    ///
    /// Returns nil when the identity is already known: a version is never ingested twice.
    func claim(_ identity: FileIdentity, kind: FileKind) async throws -> JobTicket?
    /// Undoes the claim of a version whose file vanished or changed before its job committed anything:
    /// the job goes, and the version's row too unless an earlier job of it finished, so the same version can be claimed again.
    func releaseClaim(_ ticket: JobTicket) async throws
    /// Opens a new job for a version whatever its history (one-shot ingestion and reprocessing).
    func openJob(for identity: FileIdentity, kind: FileKind) async throws -> JobTicket
    /// The jobs of a folder that did not finish (interrupted by a crash or a stop) and that no live daemon holds,
    /// oldest first: what a daemon resumes as it starts.
    func unfinishedJobs(folderId: String) async throws -> [JobTicket]
    /// The unfinished jobs of a folder whose daemon died with them while others ran on: their lease expired
    /// (`holdJob`). A store of one daemon (SQLite) has none: its daemon resumes its jobs as it starts.
    func abandonedJobs(folderId: String) async throws -> [JobTicket]
    /// Takes or renews this daemon's lease on a job, which its holder renews every `leaseRenewal` while it works on
    /// it; false when the job ended or another daemon of the fleet holds it. A claim takes it too. A store of one daemon
    /// grants it always.
    func holdJob(_ ticket: JobTicket) async throws -> Bool
    /// How often a daemon renews the lease of a job it works on (a third of the lease's length); nil when the store's
    /// leases never expire (a store of one daemon).
    var leaseRenewal: Duration? { get }
    /// Sets the version of `ticket` `processing` as `run` (one run of the daemon) starts its job, and returns how many
    /// earlier runs started the job and ended before it did: the times the job was cut off (a crash, a kill, the
    /// memory limit); a job stopped and taken up again within one run does not count.
    func startJob(_ ticket: JobTicket, run: String) async throws -> Int
    /// Sets a version's state outside any job transaction (downloading, processing, error, deleted …).
    func setFileState(fileId: Int64, _ state: FileState, code: String?, message: String?) async throws

    /// Records a listing of a folder: when, the error if it failed, the failures in a row, and when the next is due.
    func recordPoll(_ poll: FolderPoll) async throws
    /// The SSH host key pinned for a folder's server (`name:port`), as known_hosts writes it; nil if none.
    func pinnedHostKey(folderId: String, host: String) async throws -> String?
    /// Pins a folder server's SSH host key; a key pinned before is kept (the first one wins).
    func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws
}

/// The writes of the schedule (and of a job's file state and report): one transaction per job.
public protocol ScheduleWriting: Sendable {
    /// Runs `body` in one transaction: everything it writes commits together, or nothing if it throws.
    ///
    /// The body is synchronous and may wait on the store: a backend runs it off Swift's cooperative pool (SQLite on
    /// its writer's own queue), so a job's transaction never holds a thread other tasks need.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
}

/// The schedule read back: the feed's listings and the commands'.
public protocol ScheduleReading: Sendable {

    /// The events of a partner, by id.
    func events(partnerId: Int) async throws -> [ScheduleEvent]
    /// One page of the partner's events that `filter` selects (never deleted ones), in order of start then id,
    /// with how many the filter selects in all. Relative times in `filter` must already be resolved.
    func events(partnerId: Int, filter: EventFilter, pager: Pager) async throws -> EventPage
    /// Every event of the partner that `filter` selects (never deleted ones), in order of start then id: an export's, without pages.
    func events(partnerId: Int, filter: EventFilter) async throws -> [ScheduleEvent]
    /// The partner's active events, not series rows, that clash with a time on resources, in order of start then id
    /// (`scheduleEvent.getConflicts`): with `.resources`, the non-blackout events that overlap `[start, end)` on one of
    /// `resourceIds`, its parent or its children; with `.blackouts`, the blackouts that overlap it. The event `ignoring`
    /// and its occurrences are left out.
    func conflicts(
        partnerId: Int, start: Int64, end: Int64, resourceIds: [Int64], kinds: ConflictKinds, ignoring: Int64?
    ) async throws -> [ScheduleEvent]
    /// One page of the partner's event–resource links that `filter` selects, of events not deleted, by event then
    /// resource id, with how many it selects in all.
    func eventResources(partnerId: Int, filter: EventResourceFilter, pager: Pager) async throws -> (
        links: [EventResourceLink], totalCount: Int
    )
    /// The resources of a partner (deleted ones too), by id.
    func resources(partnerId: Int) async throws -> [ScheduleResource]
    /// How many events a partner has.
    func eventCount(partnerId: Int) async throws -> Int
    /// A number that grows with every committed write of events or resources: equal numbers mean the same schedule.
    func dataVersion() async throws -> Int64
}

/// Jobs and their reports read back.
public protocol ReportReading: Sendable {
    /// The reports of a file version, oldest first.
    func reports(fileId: Int64) async throws -> [IngestionReport]
    /// The newest report of a file version with its job's id; nil if no job of it committed one.
    func lastReport(fileId: Int64) async throws -> (jobId: Int64, report: IngestionReport)?
    /// The reports a filter selects, newest first.
    func reportSummaries(_ filter: ReportFilter) async throws -> [ReportSummary]
    /// One stored report by its id, with its job's id.
    func report(id: Int64) async throws -> (jobId: Int64, report: IngestionReport)?
    /// How many jobs of a file version committed a report.
    func finishedJobCount(fileId: Int64) async throws -> Int
    /// One job with its file's state and, once it committed, its report.
    func job(id: Int64) async throws -> JobStatus?
}

/// How the folders are doing, for `status` and the feed.
public protocol FolderStatusReading: Sendable {
    /// Every folder the store knows (by status or files), by id, with its files by state and the error codes they carry.
    func folderStatuses() async throws -> [FolderStatus]
}

/// The writes of one job, inside the job's transaction.
public protocol StoreTransaction {
    /// The non-occurrence event with this reference id (UID) of a partner, if stored.
    func event(partnerId: Int, referenceId: String) throws -> ScheduleEvent?
    /// The partner's event with this id (of any recurrence type), if stored.
    func event(partnerId: Int, id: Int64) throws -> ScheduleEvent?
    /// The occurrences of a series, in order of start.
    func occurrences(seriesId: Int64) throws -> [ScheduleEvent]
    /// Up to `limit` active series (of every partner) with a stored source, with ids above `id`, by id.
    func series(after id: Int64, limit: Int) throws -> [ScheduleEvent]
    /// Adds an event with its resource links and returns its new id.
    func insert(_ event: ScheduleEvent) throws -> Int64
    /// Overwrites a stored event (its `id` must be set) and its resource links.
    func update(_ event: ScheduleEvent) throws
    /// The conflicts of the partner's stored events `subjects` (SPEC §3.4; `ConflictSweep`): the active events of its
    /// partner that overlap one on a resource it uses, a parent or child of one, or that overlap it where exactly one of
    /// the two is a blackout; each pair once. Only events that start at most `lookBehind` seconds before a subject are
    /// considered (the longest an event may last). Each is handed to `emit` as it is found, in report order.
    func conflicts(
        of subjects: [ConflictSweep.Subject], partnerId: Int, lookBehind: Int64, _ emit: (ConflictReport) throws -> Void
    ) throws
    /// The resource with this id, if it is the partner's.
    func resource(partnerId: Int, id: Int64) throws -> ScheduleResource?
    /// The partner's resource of this type and system name (deleted ones too), if any.
    func resource(partnerId: Int, type: ResourceType, systemName: String) throws -> ScheduleResource?
    /// Adds a resource and returns its new id.
    func insert(_ resource: ScheduleResource) throws -> Int64
    /// Overwrites a stored resource (its `id` must be set).
    func update(_ resource: ScheduleResource) throws
    /// Ends a job: stores its report (`json` is its encoding), sets the file's state and error, and marks the job done.
    func finish(_ ticket: JobTicket, report: IngestionReport, json: ReportJSON, fileState: FileState, sha256: String?) throws
}

/// A report's JSON as a job hands it to the store: in memory, or in the report file it was streamed to (a large
/// report is then never held whole).
public enum ReportJSON: Sendable {
    /// The text itself.
    case bytes(Data)
    /// The file holding the text, whole.
    case file(path: String)
}

/// One page of a listing of events.
public struct EventPage: Equatable, Sendable {
    /// The page's events, in order of start, then id.
    public var events: [ScheduleEvent]
    /// How many events the filter selects in all pages.
    public var totalCount: Int
    /// The store's data version the page was read at (see `ScheduleStore.dataVersion()`).
    public var dataVersion: Int64

    /// Creates a page.
    public init(events: [ScheduleEvent], totalCount: Int, dataVersion: Int64 = 0) {
        self.events = events
        self.totalCount = totalCount
        self.dataVersion = dataVersion
    }
}

/// A whole store backend, as the daemon and its commands open it: every role, the partners' credentials, and its
/// schema's migrations. A backend is one type conforming here, and its line in the factory that opens the configured
/// store (`Configuration.openStore`).
public protocol StoreBackend: ScheduleStore, CredentialStore {
    /// The identifiers of the schema migrations applied to the store, oldest first.
    func appliedMigrations() async throws -> [String]
}

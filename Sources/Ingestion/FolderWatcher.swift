import Clocks
import DropFolders
import Foundation
import Logging
import Metrics
import Schedule
import ScheduleStore
import ServiceLifecycle

/// Watches one drop folder and turns each new, complete file version into a job.
///
/// The trigger loop: it performs the actions its `FolderAgenda` hands out (list, check a file, record, ingest, try
/// again), tells the agenda what came of them, and between passes waits on its clock until the agenda's next due
/// instant or a change the folder tells of, whichever comes first. On start it first lists the folder, takes up
/// the folder's unfinished jobs (a crash or stop cut them off) and applies the after-processing policy to finished
/// versions a crash left behind. Jobs of one folder run one at a time. On graceful shutdown, cancellation or its
/// stop token it stops taking new work, lets the job in hand finish, and returns.
public struct FolderWatcher: Service {
    /// The folder watched.
    public let source: any FolderSource
    /// The folder's settings.
    public let settings: FolderSettings
    /// The store of file states.
    public let store: any FileLedger & ReportReading
    /// Where folder-level events go.
    public let logger: Logger
    /// Stops this watcher alone (a folder removed or changed by a reload).
    public let stopToken = StopToken()
    private let processor: VersionProcessor
    private let poller: FolderPoller
    /// The folder, when it tells of changes.
    private let notifying: (any ChangeNotifyingFolder)?
    private let clock: AnyClock<Duration>
    private let random: any RandomNumberGenerator & Sendable

    /// Creates a watcher whose waits are on `clock` and whose jitter is drawn from `random`.
    public init(
        source: any FolderSource, settings: FolderSettings, store: any FileLedger & ReportReading, runner: JobRunner,
        stagingDirectory: String,
        logger: Logger, clock: some Clock<Duration> = ContinuousClock(),
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        var logger = logger
        logger[metadataKey: "folder"] = "\(settings.id)"
        self.source = source
        self.settings = settings
        self.store = store
        self.logger = logger
        self.clock = AnyClock(clock)
        self.random = random
        notifying = source as? any ChangeNotifyingFolder
        poller = FolderPoller(source: source, folderId: settings.id, store: store, logger: logger)
        processor = VersionProcessor(
            source: source, settings: settings, store: store, runner: runner, stagingDirectory: stagingDirectory, logger: logger,
            clock: AnyClock(clock))
    }

    private enum Trigger {
        case change(FolderChange)
        case wake
    }

    /// Whether the service is asked to stop: no new job starts once it is.
    private var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully || stopToken.isStopped }

    /// Watches the folder until graceful shutdown, cancellation, or its stop token.
    ///
    /// Throws only when the folder's staging area or the store cannot be set up; every failure of a
    /// file, or of the folder while it is watched, is logged and retried.
    public func run() async throws {
        try Self.emptyDirectory(processor.stagingDirectory)
        let known = try await store.latestFiles(folderId: settings.id)
        let unfinished = try await store.unfinishedJobs(folderId: settings.id)
        let origin = clock.now
        let elapsed = { origin.duration(to: clock.now) }
        var agenda = FolderAgenda(
            timing: FolderAgenda.Timing(settings),
            tracker: FileTracker(
                patterns: settings.patterns, stabilityInterval: settings.stabilityInterval, maximumSize: settings.maximumFileSize,
                settled: known.filter { $0.state != .uploading && $0.state != .purged }.map { FileStat($0.identity) }),
            notifying: notifying != nil, random: random)
        // Watch before the first listing: a file that arrives while the folder is listed is then told as a change,
        // instead of waiting for the next poll.
        let (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(8192))
        let changes = startChanges(continuation)
        defer { changes?.cancel() }
        stopToken.onStop { continuation.finish() }
        try await recover(unfinished, known: known, agenda: &agenda, now: elapsed)
        await withGracefulShutdownHandler {
            var iterator = triggers.makeAsyncIterator()
            while !stopping {
                while !stopping, let action = agenda.next(at: elapsed()) {
                    await perform(action, agenda: &agenda, now: elapsed)
                }
                Gauge(label: MetricName.queueDepth, dimensions: [("folder", settings.id)]).record(agenda.queueDepth)
                guard !stopping else { break }
                // Work already due goes behind the changes told meanwhile, so each pass takes at least one of them.
                var timer: Task<Void, Never>?
                if let due = agenda.nextDue {
                    if due <= elapsed() {
                        continuation.yield(.wake)
                    } else {
                        timer = Task {
                            do {
                                try await clock.sleep(until: origin.advanced(by: due), tolerance: nil)
                                continuation.yield(.wake)
                            } catch {}
                        }
                    }
                }
                let trigger = await iterator.next()
                timer?.cancel()
                await timer?.value
                switch trigger {
                case nil: return
                case .change(.changed(let name)): agenda.notified(name)
                case .change(.removed(let name)): agenda.vanished(name)
                case .change(.overflow): agenda.overflowed(at: elapsed())
                case .wake: break
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        logger.info("folder watcher stopped")
    }

    /// Performs one action of the agenda and tells it what came of it; `now` reads the clock.
    private func perform(_ action: FolderAgenda.Action, agenda: inout FolderAgenda, now: () -> Duration) async {
        switch action {
        case .list:
            // The next listing is due a poll interval after this one started, however long it takes. A folder without
            // change notifications (a partner's server) is listed by one daemon of a fleet at a time.
            let start = now()
            if notifying == nil, await !poller.holdsListing(pollInterval: settings.pollInterval) {
                agenda.listedElsewhere(at: start)
                return
            }
            let result = await poller.list()
            await take(result, agenda: &agenda, at: start)
            if case .success(let listing) = result { await takeOver(listing, agenda: &agenda, at: start) }
        case .check(let name):
            guard let notifying else { return }
            do {
                if let stat = try await notifying.stat(name) { agenda.observed(stat, at: now()) } else { agenda.vanished(name) }
            } catch {
                logger.warning("cannot stat file", metadata: ["path": "\(name)", "error": "\(error)"])
                agenda.checkFailed(name, at: now())
            }
        case .record(let decision):
            await processor.record(decision)
        case .ingest(let stat):
            do {
                guard let ticket = try await processor.claim(stat) else { return }
                await settle(FolderAgenda.Job(ticket: ticket, stat: stat), agenda: &agenda, now: now)
            } catch {
                // Nothing was claimed: the version is seen anew at the next listing, and taken then.
                logger.error("cannot claim file; it is taken at a later listing", metadata: ["path": "\(stat.path)", "error": "\(error)"])
                agenda.forget(stat.path)
            }
        case .retry(let job):
            await settle(job, agenda: &agenda, now: now)
        }
    }

    /// Tells the agenda what a listing gave at `now`, and records the poll with the wait until the next.
    private func take(_ result: Result<[FileStat], FolderError>, agenda: inout FolderAgenda, at now: Duration) async {
        let before = agenda.failures
        var error: FolderError?
        switch result {
        case .success(let listing): agenda.listed(listing, at: now)
        case .failure(let failure):
            agenda.listingFailed(at: now)
            error = failure
        }
        await poller.record(error, failures: agenda.failures, previousFailures: before, wait: (agenda.listingDue ?? now) - now)
    }

    /// Tries a claimed version and tells the agenda what came of it.
    private func settle(_ job: FolderAgenda.Job, agenda: inout FolderAgenda, now: () -> Duration) async {
        switch await processor.attempt(job) {
        case .finished(let removed):
            agenda.done(job.stat, removed: removed)
        case .gone:
            agenda.forget(job.stat.path)
        case .retry(let error):
            let wait = agenda.failed(job, at: now())
            logger.warning(
                "file will be tried again",
                metadata: [
                    "path": "\(job.stat.path)", "attempt": "\(job.failures + 1)", "in_ms": "\(wait.wholeMilliseconds)", "error": "\(error)",
                ])
        }
    }

    /// Picks up after a crash or stop with the first listing: the unfinished jobs whose file is still the same
    /// version are tried again, those whose file is gone are released (the version is taken anew if it comes
    /// back), and finished versions still in the folder get the after-processing policy.
    ///
    /// If the folder cannot be listed now (a mount not there yet), the unfinished jobs wait for a listing that works.
    private func recover(
        _ unfinished: [JobTicket], known: [StoredFile], agenda: inout FolderAgenda, now: () -> Duration
    ) async throws {
        let start = now()
        let result = await poller.list()
        guard case .success(let listing) = result else {
            agenda.resume(unfinished.map { FolderAgenda.Job(ticket: $0, stat: FileStat($0.file.identity)) }, at: start)
            await take(result, agenda: &agenda, at: start)
            return
        }
        let present = Set(listing)
        let resumed = try await resumable(unfinished, present: present, agenda: &agenda)
        var removed = Set<String>()
        for file in known where file.state == .handled || file.state == .error {
            let stat = FileStat(file.identity)
            if present.contains(stat), await processor.disposeFinished(file) {
                agenda.forget(stat.path)
                removed.insert(stat.path)
            }
        }
        agenda.resume(resumed, at: start)
        await take(.success(listing.filter { !removed.contains($0.path) }), agenda: &agenda, at: start)
    }

    /// Resumes the folder's jobs whose daemon died with them (their lease expired) and whose file is still the same
    /// version; the claims of those whose file is gone are released. Another live daemon may resume the same job: the
    /// job's lease goes to one of them (`VersionProcessor.attempt`).
    private func takeOver(_ listing: [FileStat], agenda: inout FolderAgenda, at start: Duration) async {
        do {
            let abandoned = try await store.abandonedJobs(folderId: settings.id)
            guard !abandoned.isEmpty else { return }
            agenda.resume(try await resumable(abandoned, present: Set(listing), agenda: &agenda), at: start)
        } catch {
            logger.error("cannot look for abandoned jobs", metadata: ["error": "\(error)"])
        }
    }

    /// The jobs among `unfinished` whose file is still the same version, to resume; the others' claims are released
    /// and their paths forgotten (the version is taken anew if it comes back).
    private func resumable(_ unfinished: [JobTicket], present: Set<FileStat>, agenda: inout FolderAgenda) async throws -> [FolderAgenda.Job]
    {
        var resumed: [FolderAgenda.Job] = []
        for ticket in unfinished {
            let wanted = FileStat(ticket.file.identity)
            if present.contains(wanted) {
                logger.info("resuming unfinished job", metadata: ["path": "\(wanted.path)", "job": "\(ticket.jobId)"])
                resumed.append(FolderAgenda.Job(ticket: ticket, stat: wanted))
            } else {
                try await store.releaseClaim(ticket)
                agenda.forget(wanted.path)
            }
        }
        return resumed
    }

    /// Starts the feed of the folder's change notifications, if it has them.
    private func startChanges(_ continuation: AsyncStream<Trigger>.Continuation) -> Task<Void, Never>? {
        guard let folder = notifying else { return nil }
        do {
            let changes = try folder.changes()
            return Task { for await change in changes { continuation.yield(.change(change)) } }
        } catch {
            logger.error("folder cannot be watched for changes; relying on polling", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Creates `path` if needed and removes what it holds: staged copies left by a crash are fetched again.
    static func emptyDirectory(_ path: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: path) {
            try manager.removeItem(atPath: path + "/" + name)
        }
    }
}

import DropFolders
import Foundation
import Logging
import Metrics
import Schedule
import ScheduleStore
import ServiceLifecycle

/// Watches one drop folder and turns each new, complete file version into a job.
///
/// On start it first re-runs the folder's unfinished jobs (a crash or stop cut them off),
/// then lists the folder, and from then on follows its change notifications (if it has
/// them), re-checks files that are not yet stable, and lists the whole folder every poll
/// interval. A folder whose listing fails is listed again after a backoff that doubles
/// from the poll interval up to the folder's cap, with jitter; one success ends it.
/// Jobs of one folder run one at a time. On graceful shutdown it stops taking
/// new work, lets the job in hand finish, and returns.
public struct FolderWatcher: Service {
    /// The folder watched.
    public let source: any FolderSource
    /// The folder's settings.
    public let settings: FolderSettings
    /// The store of file states.
    public let store: any ScheduleStore
    /// The job runner.
    public let runner: JobRunner
    /// Where fetched files wait for their job.
    public let stagingDirectory: String
    /// Where folder-level events go.
    public let logger: Logger
    /// Stops this watcher alone (a folder removed or changed by a reload).
    public let stopToken = StopToken()

    /// Creates a watcher.
    public init(
        source: any FolderSource, settings: FolderSettings, store: any ScheduleStore, runner: JobRunner,
        stagingDirectory: String, logger: Logger
    ) {
        self.source = source
        self.settings = settings
        self.store = store
        self.runner = runner
        self.stagingDirectory = stagingDirectory
        var logger = logger
        logger[metadataKey: "folder"] = "\(settings.id)"
        self.logger = logger
    }

    private enum Trigger {
        case change(FolderChange)
        case tick
    }

    /// A claimed version whose fetch or job failed for a reason that may pass: tried again after a backoff.
    private struct Retry {
        var ticket: JobTicket
        var stat: FileStat
        var attempt: Int
        var due: Duration
    }

    /// What became of a claimed version.
    private enum Outcome {
        /// Its job ended; `removed` if the after-processing policy took the file out of the folder.
        case finished(removed: Bool)
        /// It changed or vanished before it could be fetched: the claim is released and the path seen anew.
        case gone
        /// Fetching failed for a reason that may pass (input/output, permissions): try again later.
        case retry(any Error)
    }

    /// Whether the service is asked to stop: no new job starts once it is.
    private var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully || stopToken.isStopped }

    /// Watches the folder until graceful shutdown, cancellation, or its stop token.
    ///
    /// Throws only when the folder's staging area or the store cannot be set up; every failure of a
    /// file, or of the folder while it is watched, is logged and retried.
    public func run() async throws {
        try Self.emptyDirectory(stagingDirectory)
        let known = try await store.latestFiles(folderId: settings.id)
        var tracker = FileTracker(
            patterns: settings.patterns, stabilityInterval: settings.stabilityInterval, maximumSize: settings.maximumFileSize,
            settled: known.filter { $0.state != .uploading && $0.state != .purged }.map { FileStat($0.identity) })
        // Watch before the first listing: a file that arrives while the folder is listed is then told as a change,
        // instead of waiting for the next poll.
        let (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(8192))
        let feeds = startFeeds(continuation)
        defer { feeds.forEach { $0.cancel() } }
        var failures = 0
        let clock = ContinuousClock()
        let origin = clock.now
        var (retries, startListing, nextListing) = try await recover(known: known, tracker: &tracker, failures: &failures)
        var backlog: [FileStat] = []
        await withGracefulShutdownHandler {
            continuation.yield(.tick)
            for await trigger in triggers {
                if stopping { break }
                let now = clock.now - origin
                var actions: [FileTracker.Action] = []
                switch trigger {
                case .change(.changed(let name)):
                    actions = await observe(name, tracker: &tracker, at: now)
                case .change(.removed(let name)):
                    actions = tracker.vanished(name)
                case .change(.overflow):
                    nextListing = now
                case .tick:
                    for name in tracker.due(at: now) {
                        actions += await observe(name, tracker: &tracker, at: now)
                    }
                }
                if let listing = startListing {
                    startListing = nil
                    actions += tracker.listed(listing, at: now)
                } else if now >= nextListing {
                    let (listing, wait) = await list(failures: &failures)
                    nextListing = now + wait
                    if let listing { actions += tracker.listed(listing, at: now) }
                }
                for action in actions {
                    if case .ingest(let stat) = action { backlog.append(stat) } else { await record(action) }
                }
                var budget = settings.maximumFilesPerPoll
                // While the folder cannot be listed, retries would only meet the same outage: they wait for a listing that works.
                while budget > 0, !stopping, failures == 0, let index = retries.firstIndex(where: { $0.due <= now }) {
                    budget -= 1
                    let retry = retries.remove(at: index)
                    await settle(
                        await attempt(retry.ticket, retry.stat), retry, now: clock.now - origin, retries: &retries, tracker: &tracker)
                }
                while budget > 0, !stopping, !backlog.isEmpty {
                    budget -= 1
                    let stat = backlog.removeFirst()
                    guard let ticket = await claim(stat) else { continue }
                    let first = Retry(ticket: ticket, stat: stat, attempt: 0, due: now)
                    await settle(await attempt(ticket, stat), first, now: clock.now - origin, retries: &retries, tracker: &tracker)
                }
                Gauge(label: MetricName.queueDepth, dimensions: [("folder", settings.id)]).record(backlog.count + retries.count)
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        logger.info("folder watcher stopped")
    }

    /// Lists the folder and records the poll in the store; the listing is nil (logged) if it failed. Returns the wait
    /// until the next listing: the poll interval, or the backoff for `failures`, the listings in a row that failed.
    private func list(failures: inout Int) async -> (listing: [FileStat]?, wait: Duration) {
        var outcome: (code: String, message: String)?
        var listing: [FileStat]?
        do {
            listing = try await source.list()
        } catch {
            let folderError = error as? FolderError ?? FolderError(.ioFailed, "\(error)")
            outcome = (folderError.code.rawValue, folderError.message)
            Counter(label: MetricName.pollErrors, dimensions: [("folder", settings.id), ("code", folderError.code.rawValue)]).increment()
        }
        let before = failures
        failures = outcome == nil ? 0 : failures + 1
        let wait =
            failures == 0
            ? settings.pollInterval : Self.backoff(attempt: failures, base: settings.pollInterval, cap: settings.maximumBackoff)
        if let outcome {
            logger.error(
                "folder listing failed",
                metadata: [
                    "code": "\(outcome.code)", "error": "\(outcome.message)", "failures": "\(failures)",
                    "retry_in_ms": "\(wait.wholeMilliseconds)",
                ])
        } else if before > 0 {
            logger.notice("folder listing works again", metadata: ["failures": "\(before)"])
        }
        Gauge(label: MetricName.consecutiveFailures, dimensions: [("folder", settings.id)]).record(failures)
        do {
            try await store.recordPoll(
                FolderPoll(
                    folderId: settings.id, kind: source.kind, error: outcome, consecutiveFailures: failures,
                    nextPollIn: (wait.wholeMilliseconds + 999) / 1000))
        } catch {
            logger.error("cannot record folder status", metadata: ["error": "\(error)"])
        }
        return (listing, wait)
    }

    /// Starts the feeds of triggers: the folder's change notifications, if it has them, and a steady tick.
    private func startFeeds(_ continuation: AsyncStream<Trigger>.Continuation) -> [Task<Void, Never>] {
        var feeds: [Task<Void, Never>] = []
        if let notifying = source as? any ChangeNotifyingFolder {
            do {
                let changes = try notifying.changes()
                feeds.append(Task { for await change in changes { continuation.yield(.change(change)) } })
            } catch {
                logger.error("folder cannot be watched for changes; relying on polling", metadata: ["error": "\(error)"])
            }
        }
        let tick = Self.tickInterval(settings)
        feeds.append(
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    continuation.yield(.tick)
                }
            })
        return feeds
    }

    /// Acts on an attempt's outcome: forget a file taken out of the folder, or schedule the next try with backoff.
    private func settle(_ outcome: Outcome, _ retry: Retry, now: Duration, retries: inout [Retry], tracker: inout FileTracker) async {
        switch outcome {
        case .finished(let removed):
            if removed { tracker.forget(retry.stat.path) }
        case .gone:
            tracker.forget(retry.stat.path)
        case .retry(let error):
            let delay = Self.backoff(attempt: retry.attempt + 1, base: .seconds(1), cap: max(settings.pollInterval, .seconds(60)))
            logger.warning(
                "file will be tried again",
                metadata: [
                    "path": "\(retry.stat.path)", "attempt": "\(retry.attempt + 1)", "in_ms": "\(delay.wholeMilliseconds)",
                    "error": "\(error)",
                ])
            retries.append(Retry(ticket: retry.ticket, stat: retry.stat, attempt: retry.attempt + 1, due: now + delay))
        }
    }

    /// The wait before try `attempt` (from 1): `base` doubled at each try up to `cap`, less up to 20 % jitter so
    /// that folders and files failing together do not retry in step.
    static func backoff(attempt: Int, base: Duration, cap: Duration) -> Duration {
        let wait = min(base * (1 << min(attempt - 1, 20)), cap)
        return wait - wait * Double.random(in: 0..<0.2)
    }

    /// Creates `path` if needed and removes what it holds: staged copies left by a crash are fetched again.
    static func emptyDirectory(_ path: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: path) {
            try manager.removeItem(atPath: path + "/" + name)
        }
    }

    /// How often the loop wakes to re-check unstable files: a quarter of the shorter interval, within 50 ms to 1 s.
    static func tickInterval(_ settings: FolderSettings) -> Duration {
        min(max(min(settings.stabilityInterval, settings.pollInterval) / 4, .milliseconds(50)), .seconds(1))
    }

    private func observe(_ name: String, tracker: inout FileTracker, at now: Duration) async -> [FileTracker.Action] {
        guard let notifying = source as? any ChangeNotifyingFolder else { return [] }
        do {
            guard let stat = try await notifying.stat(name) else { return tracker.vanished(name) }
            return tracker.observe(stat, at: now)
        } catch {
            logger.warning("cannot stat file", metadata: ["path": "\(name)", "error": "\(error)"])
            return []
        }
    }

    /// Persists what the tracker decided, apart from ingestion.
    private func record(_ action: FileTracker.Action) async {
        do {
            switch action {
            case .uploading(let stat):
                try await store.recordUploading(identity(stat))
            case .ignore(let stat, let reason):
                let message =
                    switch reason {
                    case .tooLarge: "\(stat.size) bytes is more than the folder's limit of \(settings.maximumFileSize)"
                    case .ignoredName: "the name matches an ignore pattern"
                    case .unsafeName: "the name is refused: \(FileName.problem(stat.path) ?? "")"
                    }
                try await store.recordIgnored(identity(stat), code: reason.rawValue, message: message)
                if reason == .unsafeName {
                    logger.warning(
                        "file refused",
                        metadata: ["path": "\(FileName.quoted(stat.path))", "code": "\(reason.rawValue)", "error": "\(message)"])
                } else {
                    logger.info("file ignored", metadata: ["path": "\(stat.path)", "code": "\(reason.rawValue)"])
                }
                Counter(label: MetricName.files, dimensions: [("folder", settings.id), ("outcome", "ignored")]).increment()
            case .purge(let path):
                try await store.markPurged(folderId: settings.id, path: path)
            case .ingest:
                break
            }
        } catch {
            logger.error("cannot record file state", metadata: ["error": "\(error)"])
        }
    }

    /// Claims a stable version for a job; nil if it was claimed before (it is never ingested twice).
    private func claim(_ stat: FileStat) async -> JobTicket? {
        do {
            return try await store.claim(identity(stat), kind: FileKind(path: stat.path))
        } catch {
            logger.error("cannot claim file", metadata: ["path": "\(stat.path)", "error": "\(error)"])
            return nil
        }
    }

    /// Fetches the version of `ticket` into staging, runs its job and disposes of the file.
    private func attempt(_ ticket: JobTicket, _ stat: FileStat) async -> Outcome {
        let staged = stagingDirectory + "/\(ticket.file.id)-\(ticket.jobId)"
        defer { unlink(staged) }
        do {
            try await store.setFileState(fileId: ticket.file.id, .downloading, code: nil, message: nil)
            do {
                try await source.fetch(stat, to: URL(fileURLWithPath: staged))
            } catch let error as FolderError where error.code == .changedDuringFetch || error.code == .notFound {
                try await store.releaseClaim(ticket)
                logger.info(
                    "file changed or vanished before it was fetched", metadata: ["path": "\(stat.path)", "code": "\(error.code.rawValue)"])
                return .gone
            } catch let error as FolderError {
                try await store.setFileState(fileId: ticket.file.id, .pending, code: error.code.rawValue, message: error.message)
                return .retry(error)
            }
            let report = try await runner.run(ticket, stagedFile: staged, settings: settings.jobSettings)
            return .finished(removed: await dispose(stat, fileId: ticket.file.id, outcome: (report, ticket.jobId)))
        } catch {
            return .retry(error)
        }
    }

    /// Applies the after-processing policy for a job that ended with `report`; true if the file left the folder.
    ///
    /// A failed file moved to the failed folder gets its report beside it (`NAME.report.json` and
    /// `NAME.report.txt`), so whoever looks into the quarantine sees why without the reports folder.
    private func dispose(_ stat: FileStat, fileId: Int64, outcome: (report: IngestionReport, jobId: Int64)?) async -> Bool {
        let failed = outcome?.report.status != .handled
        let disposal = failed ? settings.afterFailed : settings.afterHandled
        guard disposal != .keep else { return false }
        do {
            let moved = try await source.dispose(stat, disposal)
            if disposal == .delete {
                try await store.setFileState(fileId: fileId, .deleted, code: nil, message: nil)
            }
            if failed, let moved, let outcome {
                writeReport(outcome.report, jobId: outcome.jobId, beside: moved)
            }
            return true
        } catch let error as FolderError where error.code == .changedBeforeDisposal {
            logger.info("file changed after its job; the new version stays", metadata: ["path": "\(stat.path)"])
        } catch {
            logger.error("cannot dispose of file", metadata: ["path": "\(stat.path)", "error": "\(error)"])
        }
        return false
    }

    /// The newest report of a finished version with its job's id, from the store.
    private func lastOutcome(of file: StoredFile) async throws -> (report: IngestionReport, jobId: Int64)? {
        var filter = ReportFilter()
        filter.folderId = settings.id
        filter.pathContains = file.identity.path
        guard let summary = try await store.reportSummaries(filter).first(where: { $0.fileId == file.id }),
            let stored = try await store.report(id: summary.id)
        else { return nil }
        return (stored.report, stored.jobId)
    }

    /// Writes `report` beside a quarantined file; a failure is logged, and the file stays quarantined.
    private func writeReport(_ report: IngestionReport, jobId: Int64, beside path: String) {
        do {
            try report.json().write(to: URL(fileURLWithPath: path + ".report.json"), options: .atomic)
            try Data(report.summary(jobId: jobId).utf8).write(
                to: URL(fileURLWithPath: path + ".report.txt"), options: .atomic)
        } catch {
            logger.error("cannot write the report beside the failed file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Picks up after a crash or stop: the unfinished jobs to run again (as retries due now), and
    /// the after-processing policy for finished versions still in the folder. Returns the folder's
    /// listing too, for the first pass, so the folder is not listed twice at start.
    ///
    /// If the folder cannot be listed now (a mount not there yet), the unfinished jobs wait for the next
    /// listing; a job whose file is gone is released, so the version is taken anew if it comes back.
    /// The last value returned is when the folder is listed next.
    private func recover(known: [StoredFile], tracker: inout FileTracker, failures: inout Int) async throws -> (
        [Retry], [FileStat]?, Duration
    ) {
        let tickets = try await store.unfinishedJobs(folderId: settings.id)
        let (listed, wait) = await list(failures: &failures)
        guard let listing = listed else {
            return (tickets.map { Retry(ticket: $0, stat: FileStat($0.file.identity), attempt: 0, due: wait) }, nil, wait)
        }
        let present = Set(listing)
        var retries: [Retry] = []
        var removed = Set<String>()
        for ticket in tickets {
            let wanted = FileStat(ticket.file.identity)
            if present.contains(wanted) {
                logger.info("resuming unfinished job", metadata: ["path": "\(wanted.path)", "job": "\(ticket.jobId)"])
                retries.append(Retry(ticket: ticket, stat: wanted, attempt: 0, due: .zero))
            } else {
                try await store.releaseClaim(ticket)
                tracker.forget(wanted.path)
            }
        }
        for file in known where file.state == .handled || file.state == .error {
            let stat = FileStat(file.identity)
            if present.contains(stat) {
                if await dispose(stat, fileId: file.id, outcome: try await lastOutcome(of: file)) {
                    tracker.forget(stat.path)
                    removed.insert(stat.path)
                }
            }
        }
        return (retries, listing.filter { !removed.contains($0.path) }, wait)
    }

    private func identity(_ stat: FileStat) -> FileIdentity {
        FileIdentity(folderId: settings.id, path: stat.path, size: stat.size, modified: stat.modified, etag: stat.etag)
    }
}

extension FileStat {
    /// The stat of a stored version.
    init(_ identity: FileIdentity) {
        self.init(path: identity.path, size: identity.size, modified: identity.modified, etag: identity.etag)
    }
}

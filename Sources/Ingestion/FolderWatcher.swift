import DropFolders
import Foundation
import Logging
import Schedule
import ScheduleStore
import ServiceLifecycle

/// Watches one drop folder and turns each new, complete file version into a job.
///
/// On start it first re-runs the folder's unfinished jobs (a crash or stop cut them off),
/// then lists the folder, and from then on follows its change notifications (if it has
/// them), re-checks files that are not yet stable, and lists the whole folder every poll
/// interval. Jobs of one folder run one at a time. On graceful shutdown it stops taking
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

    /// Watches the folder until graceful shutdown or cancellation.
    public func run() async throws {
        try Self.emptyDirectory(stagingDirectory)
        try await resumeUnfinishedJobs()
        let known = try await store.latestFiles(folderId: settings.id).filter { $0.state != .uploading && $0.state != .purged }
        var tracker = FileTracker(
            patterns: settings.patterns, stabilityInterval: settings.stabilityInterval,
            maximumSize: settings.maximumFileSize, settled: known.map { FileStat($0.identity) })
        let (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(8192))
        var feeds: [Task<Void, Never>] = []
        if let notifying = source as? any ChangeNotifyingFolder {
            do {
                let changes = try notifying.changes()
                feeds.append(Task { for await change in changes { continuation.yield(.change(change)) } })
            } catch {
                logger.error("folder cannot be watched; relying on polling", metadata: ["error": "\(error)"])
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
        defer { feeds.forEach { $0.cancel() } }

        let clock = ContinuousClock()
        let origin = clock.now
        var nextListing = Duration.zero
        var backlog: [FileStat] = []
        await withGracefulShutdownHandler {
            continuation.yield(.tick)
            for await trigger in triggers {
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
                if now >= nextListing {
                    nextListing = now + settings.pollInterval
                    do {
                        actions += tracker.listed(try await source.list(), at: now)
                    } catch {
                        logger.error("folder listing failed", metadata: ["error": "\(error)"])
                    }
                }
                for action in actions {
                    if case .ingest(let stat) = action { backlog.append(stat) } else { await record(action) }
                }
                let batch = backlog.prefix(settings.maximumFilesPerPoll)
                backlog.removeFirst(batch.count)
                for stat in batch {
                    if await ingest(stat) { tracker.forget(stat.path) }
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        logger.info("folder watcher stopped")
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
                    reason == .tooLarge
                    ? "\(stat.size) bytes is more than the folder's limit of \(settings.maximumFileSize)"
                    : "the name matches an ignore pattern"
                try await store.recordIgnored(identity(stat), code: reason.rawValue, message: message)
                logger.info("file ignored", metadata: ["path": "\(stat.path)", "code": "\(reason.rawValue)"])
            case .purge(let path):
                try await store.markPurged(folderId: settings.id, path: path)
            case .ingest:
                break
            }
        } catch {
            logger.error("cannot record file state", metadata: ["error": "\(error)"])
        }
    }

    /// Claims, fetches and ingests a stable version, then disposes of it; true if the file was removed from the folder.
    private func ingest(_ stat: FileStat) async -> Bool {
        do {
            guard let ticket = try await store.claim(identity(stat), kind: FileKind(path: stat.path)) else { return false }
            return try await process(ticket, stat)
        } catch {
            logger.error("cannot ingest file", metadata: ["path": "\(stat.path)", "error": "\(error)"])
            return false
        }
    }

    /// Fetches the version of `ticket` into staging, runs its job and disposes of the file.
    private func process(_ ticket: JobTicket, _ stat: FileStat) async throws -> Bool {
        let staged = stagingDirectory + "/\(ticket.file.id)-\(ticket.jobId)"
        defer { unlink(staged) }
        try await store.setFileState(fileId: ticket.file.id, .downloading, code: nil, message: nil)
        do {
            try await source.fetch(stat, to: URL(fileURLWithPath: staged))
        } catch let error as FolderError {
            try await store.setFileState(fileId: ticket.file.id, .error, code: error.code.rawValue, message: error.message)
            logger.warning("file fetch failed", metadata: ["path": "\(stat.path)", "code": "\(error.code.rawValue)"])
            return false
        }
        let report = try await runner.run(ticket, stagedFile: staged, settings: settings.jobSettings)
        let disposal = report.status == .handled ? settings.afterHandled : settings.afterFailed
        guard disposal != .keep else { return false }
        do {
            try await source.dispose(stat, disposal)
        } catch {
            logger.error("cannot dispose of file", metadata: ["path": "\(stat.path)", "error": "\(error)"])
            return false
        }
        if disposal == .delete {
            try await store.setFileState(fileId: ticket.file.id, .deleted, code: nil, message: nil)
        }
        return true
    }

    /// Runs again the jobs a crash or stop left unfinished, if their file is still the same version.
    private func resumeUnfinishedJobs() async throws {
        let tickets = try await store.unfinishedJobs(folderId: settings.id)
        guard !tickets.isEmpty else { return }
        let present = Set(try await source.list())
        for ticket in tickets {
            let wanted = FileStat(ticket.file.identity)
            guard present.contains(wanted) else {
                try await store.setFileState(fileId: ticket.file.id, .purged, code: nil, message: nil)
                continue
            }
            logger.info("resuming unfinished job", metadata: ["path": "\(wanted.path)", "job": "\(ticket.jobId)"])
            _ = try await process(ticket, wanted)
        }
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

import DropFolders
import Foundation
import Logging
import Schedule
import ScheduleStore
import ServiceLifecycle

/// Files pushed over HTTP (Kaltura's `addFromBulkUpload`): each becomes a job on the same runner, validation,
/// transaction and report as a file dropped in a folder.
///
/// `submit` keeps the bytes under `directory/<partner>/` and opens the job in the store before it returns the
/// job's id, so an accepted upload survives a crash: at the next start, `run` takes up every unfinished
/// upload job again. Jobs run one at a time in the order they were submitted. An upload's file version belongs
/// to the folder `upload-<partner>`; its settings are the partner's (`settings`), never the request's.
///
/// The inbox never waits on time, so it takes no clock: jobs run as they are submitted, and their durations are
/// timed on the job runner's clock.
public actor UploadInbox: Service {
    private let store: any FileLedger
    private let runner: JobRunner
    private let directory: String
    private let settings: @Sendable (Int) -> JobSettings
    private let logger: Logger
    private let queue: AsyncStream<Upload>
    private let continuation: AsyncStream<Upload>.Continuation
    /// The prefix of the incoming files of this run: others are leftovers of an earlier run. (Their times cannot tell:
    /// a file's time comes from a coarser clock than `Date()`, so a file made just after the inbox may seem older.)
    private let incomingPrefix = "incoming-\(UUID().uuidString)-"
    /// The jobs queued in this run, so recovery does not queue one twice.
    private var queued: Set<Int64> = []

    private struct Upload {
        var ticket: JobTicket
        var partnerId: Int
        var stagedPath: String
    }

    /// Creates an inbox over `directory` (created if missing); `settings` gives a partner's job settings.
    public init(
        store: any FileLedger, runner: JobRunner, directory: String, settings: @escaping @Sendable (Int) -> JobSettings,
        logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.directory = directory
        self.settings = settings
        self.logger = logger
        (queue, continuation) = AsyncStream.makeStream()
    }

    /// Keeps `bytes` and opens their job; returns the job's id at once. The job runs after those before it.
    ///
    /// `name` is the client's file name, reduced to a safe base name with the extension of `kind`.
    public func submit(partnerId: Int, kind: FileKind, name: String, bytes: Data) async throws -> Int64 {
        let folder = directory + "/\(partnerId)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/" + incomingPrefix + UUID().uuidString
        try await BlockingWork.run { try bytes.write(to: URL(fileURLWithPath: temporary)) }
        let identity = FileIdentity(
            folderId: FileIdentity.uploadFolderId(partnerId: partnerId), path: Self.safeName(name, kind: kind), size: Int64(bytes.count),
            modified: Int64(Date().timeIntervalSince1970 * 1_000_000_000))
        let ticket: JobTicket
        do {
            ticket = try await store.openJob(for: identity, kind: kind)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        let staged = Self.stagedPath(folder, jobId: ticket.jobId)
        try FileManager.default.moveItem(atPath: temporary, toPath: staged)
        enqueue(Upload(ticket: ticket, partnerId: partnerId, stagedPath: staged))
        logger.info(
            "upload accepted",
            metadata: ["partner": "\(partnerId)", "path": "\(identity.path)", "job": "\(ticket.jobId)", "bytes": "\(bytes.count)"])
        return ticket.jobId
    }

    /// Takes up the unfinished upload jobs of an earlier run, then runs jobs as they are submitted, until graceful shutdown.
    public func run() async throws {
        await recover()
        for await upload in queue.cancelOnGracefulShutdown() {
            await process(upload)
        }
    }

    private func process(_ upload: Upload) async {
        do {
            _ = try await runner.run(upload.ticket, stagedFile: upload.stagedPath, settings: settings(upload.partnerId))
            try? FileManager.default.removeItem(atPath: upload.stagedPath)
        } catch {
            logger.error(
                "upload job not finished; it runs again at the next start",
                metadata: ["job": "\(upload.ticket.jobId)", "error": "\(error)"])
        }
    }

    /// Queues again each unfinished upload job whose bytes are kept; fails those whose bytes are gone, unless the store is
    /// a fleet's (another daemon took the upload).
    private func recover() async {
        let partners = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap { Int($0) }.sorted()
        for partnerId in partners {
            let folder = directory + "/\(partnerId)"
            do {
                for ticket in try await store.unfinishedJobs(folderId: FileIdentity.uploadFolderId(partnerId: partnerId)) {
                    let staged = Self.stagedPath(folder, jobId: ticket.jobId)
                    if queued.contains(ticket.jobId) {
                        continue
                    } else if FileManager.default.fileExists(atPath: staged) {
                        enqueue(Upload(ticket: ticket, partnerId: partnerId, stagedPath: staged))
                    } else if store.leaseRenewal == nil {
                        // The store is this daemon's alone, so the bytes were kept here: they are lost. On a fleet's
                        // store (its leases expire) they are on the disk of the daemon that took the upload, which
                        // runs the job as it restarts.
                        try await store.setFileState(
                            fileId: ticket.file.id, .error, code: JobError.Code.uploadLost.rawValue,
                            message: "the uploaded bytes of \(ticket.file.identity.path) were lost before its job ran; upload it again")
                    }
                }
            } catch {
                logger.error("unfinished uploads not recovered", metadata: ["partner": "\(partnerId)", "error": "\(error)"])
            }
            for leftover in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where leftover.hasPrefix("incoming-") && !leftover.hasPrefix(incomingPrefix) {
                try? FileManager.default.removeItem(atPath: folder + "/" + leftover)
            }
        }
    }

    private func enqueue(_ upload: Upload) {
        queued.insert(upload.ticket.jobId)
        continuation.yield(upload)
    }

    private static func stagedPath(_ folder: String, jobId: Int64) -> String {
        folder + "/job-\(jobId)"
    }

    /// The last path component of `name`, with characters other than letters, digits, `.`, `-` and `_` replaced
    /// by `_`, cut to 200 bytes, and ending in one of `kind`'s extensions (`.ics` added to an iCalendar file's name
    /// that has none).
    static func safeName(_ name: String, kind: FileKind) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var safe = String(
            base.unicodeScalars.map { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            }
            .prefix(200))
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty { safe = "upload" }
        return kind.matches(safe) ? safe : safe + kind.defaultSuffix
    }
}

import Clocks
import DropFolders
import Foundation
import Logging
import Metrics
import Schedule
import ScheduleStore

/// Does the I/O of one folder's file versions: records what the tracker decided, claims stable versions, fetches
/// them into staging, runs their jobs and applies the after-processing policy.
///
/// It decides nothing about time: the `FolderAgenda` says when, this type does.
struct VersionProcessor: Sendable {
    /// What became of a try at a claimed version.
    enum Outcome {
        /// Its job ended (or its version failed for good at fetch time); `removed` if the after-processing policy
        /// took the file out of the folder.
        case finished(removed: Bool)
        /// It changed or vanished before it could be fetched: the claim is released and the path seen anew.
        case gone
        /// Fetching or the job failed for a reason that may pass (input/output, permissions, the store): try again.
        case retry(any Error)
    }

    let source: any FolderSource
    let settings: FolderSettings
    let store: any FileLedger & ReportReading
    let runner: JobRunner
    let stagingDirectory: String
    let logger: Logger
    /// The clock the job's lease is renewed on.
    let clock: AnyClock<Duration>

    /// Persists what the tracker decided, apart from ingestion.
    func record(_ action: FileTracker.Action) async {
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
                    case .nameNotUTF8: "the name is refused: it is not UTF-8 (shown with its other bytes escaped); rename the file"
                    }
                try await store.recordIgnored(identity(stat), code: reason.rawValue, message: message)
                switch reason {
                case .unsafeName, .nameNotUTF8:
                    logger.warning(
                        "file refused",
                        metadata: ["path": "\(FileName.quoted(stat.path))", "code": "\(reason.rawValue)", "error": "\(message)"])
                case .ignoredName, .tooLarge:
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
    func claim(_ stat: FileStat) async throws -> JobTicket? {
        try await store.claim(identity(stat), kind: FileKind(path: stat.path))
    }

    /// Fetches the version of `job` into staging, runs its job and disposes of the file, holding the job's lease
    /// throughout (renewed every `leaseRenewal` of the store, if its leases expire); a job another daemon of the fleet holds, or that ended, is left.
    func attempt(_ job: FolderAgenda.Job) async -> Outcome {
        let (ticket, stat) = (job.ticket, job.stat)
        let staged = stagingDirectory + "/\(ticket.file.id)-\(ticket.jobId)"
        defer { unlink(staged) }
        do {
            guard try await store.holdJob(ticket) else {
                logger.info("job held by another daemon or ended", metadata: ["path": "\(stat.path)", "job": "\(ticket.jobId)"])
                return .gone
            }
        } catch {
            return .retry(error)
        }
        let renewal = store.leaseRenewal.map { every in
            Task { [store, clock, logger] in
                while (try? await clock.sleep(for: every)) != nil {
                    do {
                        _ = try await store.holdJob(ticket)
                    } catch {
                        logger.warning("cannot renew the job's lease", metadata: ["job": "\(ticket.jobId)", "error": "\(error)"])
                    }
                }
            }
        }
        defer { renewal?.cancel() }
        do {
            try await store.setFileState(fileId: ticket.file.id, .downloading, code: nil, message: nil)
            do {
                try await source.fetch(stat, to: URL(fileURLWithPath: staged))
            } catch let error as FolderError where error.code == .changedDuringFetch || error.code == .notFound {
                try await store.releaseClaim(ticket)
                logger.info(
                    "file changed or vanished before it was fetched", metadata: ["path": "\(stat.path)", "code": "\(error.code.rawValue)"])
                return .gone
            } catch let error as FolderError where error.code == .notRegularFile {
                // A FIFO or the like put in the file's place: this version cannot be read, and waiting would not help.
                try await store.setFileState(fileId: ticket.file.id, .error, code: error.code.rawValue, message: error.message)
                logger.error(
                    "file refused", metadata: ["path": "\(stat.path)", "code": "\(error.code.rawValue)", "error": "\(error.message)"])
                return .finished(removed: false)
            } catch let error as FolderError {
                // The row keeps the failure until a try works, so `status` shows it meanwhile.
                try await store.setFileState(fileId: ticket.file.id, .pending, code: error.code.rawValue, message: error.message)
                return .retry(error)
            }
            let report = try await runner.run(ticket, stagedFile: staged, settings: settings.jobSettings)
            return .finished(removed: await dispose(stat, fileId: ticket.file.id, outcome: (ticket.jobId, report)))
        } catch {
            return .retry(error)
        }
    }

    /// Applies the after-processing policy to a finished version still in the folder (a crash or stop came between
    /// its job and its disposal), by its last report; true if the file left the folder.
    func disposeFinished(_ file: StoredFile) async -> Bool {
        do {
            return await dispose(FileStat(file.identity), fileId: file.id, outcome: try await store.lastReport(fileId: file.id))
        } catch {
            logger.error("cannot read the report of a finished file", metadata: ["path": "\(file.identity.path)", "error": "\(error)"])
            return false
        }
    }

    /// Applies the after-processing policy for a job that ended with `report`; true if the file left the folder.
    ///
    /// A version without a report (none committed) counts as failed, so it is never deleted. A failed file moved to
    /// the failed folder gets its report beside it.
    private func dispose(_ stat: FileStat, fileId: Int64, outcome: (jobId: Int64, report: IngestionReport)?) async -> Bool {
        let failed = outcome?.report.status != .handled
        let disposal = failed ? settings.afterFailed : settings.afterHandled
        guard disposal != .keep else { return false }
        do {
            let moved = try await source.dispose(stat, disposal)
            if disposal == .delete {
                try await store.setFileState(fileId: fileId, .deleted, code: nil, message: nil)
            }
            if failed, let moved, let outcome {
                do {
                    try ReportWriter.writeBeside(outcome.report, jobId: outcome.jobId, path: moved)
                } catch {
                    logger.error(
                        "cannot write the report beside the failed file", metadata: ["path": "\(moved)", "error": "\(error)"])
                }
            }
            return true
        } catch let error as FolderError where error.code == .changedBeforeDisposal {
            logger.info("file changed after its job; the new version stays", metadata: ["path": "\(stat.path)"])
        } catch let error as FolderError where error.code == .notFound {
            logger.info("file left the folder before its disposal; it keeps its job's outcome", metadata: ["path": "\(stat.path)"])
        } catch {
            logger.error("cannot dispose of file", metadata: ["path": "\(stat.path)", "error": "\(error)"])
        }
        return false
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

import Clocks
import Crypto
import DropFolders
import Foundation
import Logging
import Metrics
import Schedule
import ScheduleStore

/// Runs bulk-upload jobs: parse, validate, commit and report, in one transaction per job.
///
/// All accepted items, the file's new state, the job's end and the report commit together;
/// if the process dies first, none of it is committed and the job runs again after restart.
/// A file that fails as a whole (not iCalendar, strict folder with a rejection) gets state
/// `error` and a report with a coded file-level error. Other failures (the store itself)
/// are thrown and leave the job unfinished, to be run again.
///
/// A job that was cut off `cutOffLimit` times (the process died while running it: out of memory, killed) is not run
/// blindly again: its file fails with `job.cutOffRepeatedly`, so one file cannot keep the daemon in a crash loop.
public struct JobRunner: Sendable {
    /// How many runs of the daemon may end while a job is in hand, by default, before its file fails instead of being
    /// tried again.
    public static let defaultCutOffLimit = 3
    /// This process's run, recorded on each job it starts.
    public static let processRun = UUID().uuidString

    /// The store jobs commit to.
    public let store: any FileLedger & ScheduleWriting
    /// Where reports are written.
    public let reports: ReportWriter
    /// Where the one line per file outcome goes.
    public let logger: Logger
    /// Times each job, for its log line and the job duration metric.
    private let clock: AnyClock<Duration>
    /// The run of the daemon the jobs belong to.
    private let run: String
    /// How many times a job may be cut off before its file fails instead.
    private let cutOffLimit: Int

    /// Creates a job runner whose jobs are timed on `clock` and recorded as started by `run` (by default this process);
    /// a job cut off `cutOffLimit` times fails its file.
    public init(
        store: any FileLedger & ScheduleWriting, reports: ReportWriter, logger: Logger, clock: some Clock<Duration> = ContinuousClock(),
        run: String = JobRunner.processRun, cutOffLimit: Int = JobRunner.defaultCutOffLimit
    ) {
        self.cutOffLimit = cutOffLimit
        self.store = store
        self.reports = reports
        self.logger = logger
        self.clock = AnyClock(clock)
        self.run = run
    }

    /// Runs the job of `ticket` over the bytes at `stagedFile` and returns its report.
    public func run(_ ticket: JobTicket, stagedFile: String, settings: JobSettings) async throws -> IngestionReport {
        try await execute(ticket.file.identity, stagedFile: stagedFile, settings: settings, committing: ticket)
    }

    /// Runs the same parse, validation and store changes as a job, in a transaction that is always rolled
    /// back, and returns the report the job would give: nothing is stored, written or recorded.
    public func dryRun(_ identity: FileIdentity, stagedFile: String, settings: JobSettings) async throws -> IngestionReport {
        try await execute(identity, stagedFile: stagedFile, settings: settings, committing: nil)
    }

    private func execute(
        _ identity: FileIdentity, stagedFile: String, settings: JobSettings, committing ticket: JobTicket?
    ) async throws -> IngestionReport {
        let began = clock.now
        let startedAt = isoTime(Int64(Date().timeIntervalSince1970))
        let cutOff = if let ticket { try await store.startJob(ticket, run: run) } else { 0 }
        if let ticket {
            // The file in hand, should the daemon die with it; a warning once an earlier run did.
            logger.log(
                level: cutOff > 0 ? .warning : .info, "job started",
                metadata: [
                    "folder": "\(identity.folderId)", "path": "\(identity.path)", "job": "\(ticket.jobId)", "cut_off": "\(cutOff)",
                    "limit": "\(cutOffLimit)",
                ])
        }
        let kind = FileKind(path: identity.path)
        let sha256 = try? await BlockingWork.run { try Self.sha256(of: stagedFile) }
        let file = FileReport(
            folderId: identity.folderId, path: identity.path, size: identity.size,
            mtime: identity.modified > 0 ? Self.isoNanoseconds(identity.modified) : nil,
            etag: identity.etag.isEmpty ? nil : identity.etag, sha256: sha256)
        let now = Int64(Date().timeIntervalSince1970)
        let reports = self.reports
        // A large job's report rows are spooled beside the reports, on the data directory's disk.
        var spooling = settings
        if (try? FileManager.default.createDirectory(atPath: reports.directory, withIntermediateDirectories: true)) != nil {
            spooling.spoolDirectory = reports.directory
        }
        let settings = spooling
        let logger = self.logger
        @Sendable func report(
            _ status: ReportStatus, _ items: ItemList, conflicts: ConflictList = [], code: String? = nil, message: String? = nil
        ) -> IngestionReport {
            IngestionReport(
                file: file, partnerId: settings.partnerId, kind: kind, startedAt: startedAt,
                finishedAt: isoTime(Int64(Date().timeIntervalSince1970)), status: status, items: items, conflicts: conflicts, code: code,
                message: message)
        }
        var outcome: IngestionReport
        do {
            outcome = try await store.write { transaction in
                guard cutOff < cutOffLimit else {
                    throw JobError(
                        .cutOffRepeatedly,
                        "the job of \(identity.path) was cut off \(cutOff) times before it could finish (the daemon died while "
                            + "running it: out of memory, killed or crashed), so it is not tried again; once the cause is "
                            + "fixed, `scheduledrop reprocess \(ticket?.file.id ?? 0)` runs it anew")
                }
                guard sha256 != nil else { throw JobError(.readFailed, "the staged copy of \(identity.path) cannot be read") }
                let output = try kind.job.init(settings: settings, now: now).ingest(
                    path: stagedFile, progress: settings.progress, into: transaction)
                let items = output.items
                let rejected = items.filter { $0.result == .rejected }
                if settings.strict && !rejected.isEmpty {
                    throw StrictRejection(items: rejected)
                }
                let done = report(.handled, items, conflicts: output.conflicts)
                guard let ticket else { throw DryRunRollback(report: done) }
                let file = reports.writeLoggingFailure(done, kalturaLog: output.kalturaLog, jobId: ticket.jobId, logger: logger)
                try transaction.finish(ticket, report: done, json: Self.text(of: done, in: file), fileState: .handled, sha256: sha256)
                return done
            }
        } catch let rollback as DryRunRollback {
            outcome = rollback.report
        } catch {
            guard let failure = Self.fileFailure(error, kind: kind) else { throw error }
            outcome = report(.error, ItemList(failure.items), code: failure.code, message: failure.message)
            if let ticket {
                let failed = outcome
                try await store.write { transaction in
                    let file = reports.writeLoggingFailure(failed, jobId: ticket.jobId, logger: logger)
                    try transaction.finish(ticket, report: failed, json: Self.text(of: failed, in: file), fileState: .error, sha256: sha256)
                }
            }
        }
        log(outcome, jobId: ticket?.jobId, duration: began.duration(to: clock.now))
        return outcome
    }

    /// The report's JSON for the store: the report file it was streamed to, or, when that could not be written, the
    /// text itself.
    private static func text(of report: IngestionReport, in file: String?) -> ReportJSON {
        file.map { .file(path: $0) } ?? .bytes(report.json())
    }

    /// Logs the file's outcome (a dry run, without a job, says so) and counts a committed job in the metrics.
    private func log(_ report: IngestionReport, jobId: Int64?, duration: Duration) {
        let counts = report.counts
        if jobId != nil {
            Counter(label: MetricName.files, dimensions: [("folder", report.file.folderId), ("outcome", report.status.rawValue)])
                .increment()
            for result in ItemResult.allCases where counts.count(of: result) > 0 {
                Counter(label: MetricName.items, dimensions: [("result", result.rawValue)]).increment(by: counts.count(of: result))
            }
            Timer(label: MetricName.jobDuration, dimensions: [("kind", report.kind.rawValue)]).record(duration: duration)
        }
        var metadata: Logger.Metadata = [
            "folder": "\(report.file.folderId)", "path": "\(report.file.path)", "job": "\(jobId.map(String.init) ?? "dry run")",
            "status": "\(report.status.rawValue)", "added": "\(counts.added)", "updated": "\(counts.updated)",
            "cancelled": "\(counts.cancelled)", "unchanged": "\(counts.unchanged)", "rejected": "\(counts.rejected)",
            "warnings": "\(counts.warnings)",
            "duration_ms": "\(duration.wholeMilliseconds)",
        ]
        if let code = report.code {
            metadata["code"] = "\(code)"
            logger.warning("file failed", metadata: metadata)
        } else {
            logger.info("file ingested", metadata: metadata)
        }
    }

    /// The file-level code, message and items of an error that fails a file of `kind`, or nil for other errors.
    private static func fileFailure(_ error: any Error, kind: FileKind) -> (code: String, message: String, items: [ItemReport])? {
        if let failure = kind.job.failure(of: error) { return (failure.code, failure.message, []) }
        return switch error {
        case let error as JobError: (error.code.rawValue, error.message, [])
        case let error as StrictRejection:
            (
                JobError.Code.strictRejection.rawValue,
                "\(error.items.count) item(s) rejected and the folder is strict: nothing of the file was committed", error.items
            )
        default: nil
        }
    }

    /// The lower-case hex SHA-256 of a file, read in chunks.
    static func sha256(of path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Nanoseconds since 1970 as ISO 8601 UTC with a fraction, `2025-03-01T09:00:00.123456789Z`.
    static func isoNanoseconds(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = nanoseconds % 1_000_000_000
        let whole = isoTime(seconds)
        guard fraction != 0 else { return whole }
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 9 - digits.count) + digits + "Z"
    }
}

/// A dry run's transaction is rolled back by throwing its finished report.
struct DryRunRollback: Error {
    let report: IngestionReport
}

/// A strict folder's file had rejected items: the transaction rolls back and the file fails.
struct StrictRejection: Error {
    let items: [ItemReport]
}

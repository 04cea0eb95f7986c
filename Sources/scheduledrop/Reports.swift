import ArgumentParser
import Foundation
import Ingestion
import Schedule
import ScheduleStore

/// `scheduledrop reports`: the stored ingestion reports, listed or one shown whole.
struct Reports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List ingestion reports (newest first), or show one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    /// `scheduledrop reports [list]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List reports, newest first; every filter given must hold.")

        @OptionGroup var options: StoreOptions

        @Flag(help: "Only files that failed as a whole or had rejected items.")
        var failed = false

        @Option(help: "Only reports since a UTC date or time (2026-11-24, 2026-11-24T08:00:00Z) or a span ago (30m, 24h, 7d).")
        var since: String?

        @Option(help: "Only reports of this folder id (`cli` for `scheduledrop ingest`).")
        var folder: String?

        @Option(help: "Only reports of files whose path contains this text.")
        var file: String?

        @Option(help: "At most this many reports.")
        var limit = 100

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            var filter = ReportFilter()
            filter.failedOnly = failed
            filter.folderId = folder
            filter.pathContains = file
            filter.limit = max(1, limit)
            if let since {
                guard let instant = Self.instant(since, now: Date()) else {
                    throw ValidationError("--since \(since) is neither a UTC date or time nor a span like 30m, 24h or 7d")
                }
                filter.since = instant
            }
            let summaries = try await configuration.existingStore()?.reportSummaries(filter) ?? []
            if json {
                try printJSON(["reports": summaries.map(Line.init)])
            } else {
                print(Self.table(summaries))
            }
        }

        /// A report summary as JSON shows it.
        struct Line: Encodable {
            var id: Int64
            var job: Int64
            var fileId: Int64
            var folderId: String
            var path: String
            var status: String
            var code: String?
            var counts: ReportCounts
            var committedAt: String

            init(_ summary: ReportSummary) {
                id = summary.id
                job = summary.jobId
                fileId = summary.fileId
                folderId = summary.folderId
                path = summary.path
                status = summary.status
                code = summary.code
                counts = summary.counts
                committedAt = isoTime(summary.createdAt)
            }
        }

        /// The seconds since 1970 that `text` names: a UTC date, a UTC date-time, or a span before `now`.
        static func instant(_ text: String, now: Date) -> Int64? {
            let units: [Character: Double] = ["m": 60, "h": 3600, "d": 86_400]
            if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
                return Int64(now.timeIntervalSince1970 - count * unit)
            }
            return utcInstant(text)
        }

        /// The summaries as an aligned table.
        static func table(_ summaries: [ReportSummary]) -> String {
            let header = [
                "ID", "JOB", "FILE ID", "FOLDER", "FILE", "STATUS", "ADDED", "UPDATED", "CANCELLED", "DELETED", "UNCHANGED", "REJECTED",
                "COMMITTED",
                "CODE",
            ]
            let rows = summaries.map { summary -> [String] in
                let counts = summary.counts
                return [
                    String(summary.id), String(summary.jobId), String(summary.fileId), summary.folderId, summary.path, summary.status,
                    String(counts.added),
                    String(counts.updated), String(counts.cancelled), String(counts.deleted), String(counts.unchanged),
                    String(counts.rejected), isoTime(summary.createdAt), summary.code ?? "-",
                ]
            }
            return alignedTable(header, rows)
        }
    }

    /// `scheduledrop reports show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one report: its text summary, or with --json the whole JSON report.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "The report's id, as `scheduledrop reports` lists it.")
        var id: Int64

        @Flag(help: "Print the JSON report (SPEC §4).")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            guard let (jobId, report) = try await configuration.existingStore()?.report(id: id) else {
                FileHandle.standardError.write(Data("Error: no report \(id) in \(configuration.databasePath)\n".utf8))
                throw ExitCode.failure
            }
            if json {
                FileHandle.standardOutput.write(report.json() + Data("\n".utf8))
            } else {
                report.writeSummary(jobId: jobId) { FileHandle.standardOutput.write(Data($0)) }
            }
        }
    }
}

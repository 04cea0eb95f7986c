import ArgumentParser
import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore

/// `scheduledrop ingest FILE…`: one-shot ingestion through the same job path as a dropped file.
struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest files now, into the same store, and print their reports.",
        discussion: """
            Each file becomes a job of the pseudo-folder `cli`, exactly like a dropped file: one transaction, \
            a report in the store and in the reports folder. With --json, one file prints its JSON report, \
            several print a JSON array of reports. Exits 1 if any file failed as a whole. A file over 4 MB shows \
            how far it has been read on standard error: a bar on a terminal, a line per tenth otherwise.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "The partner the items belong to (default: the first configured folder's partner).")
    var partner: Int?

    @Flag(help: "Print the JSON report (SPEC §4) instead of the text summary.")
    var json = false

    @Flag(help: "Check the files and report what would happen, in a transaction rolled back: nothing is stored.")
    var dryRun = false

    @Argument(help: "The .ics/.ical or .csv files to ingest.")
    var files: [String]

    func run() async throws {
        let configuration = try options.load()
        bootstrapLogging(configuration.log)
        let logger = Logger(label: "scheduledrop")
        try FileManager.default.createDirectory(atPath: configuration.reportsPath, withIntermediateDirectories: true)
        let store = try await configuration.openStore()
        let runner = JobRunner(store: store, reports: ReportWriter(directory: configuration.reportsPath), logger: logger)
        let settings = configuration.commandLineJobSettings(partner: partner)
        var reports: [(Int64?, IngestionReport)] = []
        for file in files {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            let url = URL(fileURLWithPath: path)
            guard let stat = try? await LocalFolder(id: "cli", directory: url.deletingLastPathComponent().path).stat(url.lastPathComponent)
            else {
                throw ValidationError("cannot read \(file): not a regular file")
            }
            let size = stat.size
            let modified = stat.modified
            let identity = FileIdentity(folderId: "cli", path: path, size: size, modified: modified)
            var fileSettings = settings
            let display =
                size >= IngestProgress.threshold ? IngestProgress(name: url.lastPathComponent, total: size, terminal: isatty(2) == 1) : nil
            fileSettings.progress = display?.progress
            let shown = display.map { display in Task { await display.run() } }
            defer { shown?.cancel() }
            if dryRun {
                reports.append((nil, try await runner.dryRun(identity, stagedFile: path, settings: fileSettings)))
            } else {
                let ticket = try await store.openJob(for: identity, kind: FileKind(path: path))
                reports.append((ticket.jobId, try await runner.run(ticket, stagedFile: path, settings: fileSettings)))
            }
            shown?.cancel()
            await shown?.value
        }
        if json {
            // One report is streamed, a megabyte at a time: a large one is never held whole.
            if reports.count == 1 {
                reports[0].1.writeJSON { FileHandle.standardOutput.write(Data($0)) }
            } else {
                FileHandle.standardOutput.write(IngestionReport.jsonArray(reports.map(\.1)))
            }
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            for (jobId, report) in reports {
                report.writeSummary(jobId: jobId) { FileHandle.standardOutput.write(Data($0)) }
            }
        }
        if reports.contains(where: { $0.1.status == .error }) { throw ExitCode(1) }
    }
}

import ArgumentParser
import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore

/// `scheduledrop reprocess FILE-ID`: runs a file version's job again, after its folder's configuration or the
/// partner's resources were fixed.
struct Reprocess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the job of a file version again (a failed one, after fixing the configuration or resources).",
        discussion: """
            The version's bytes are looked for in its folder and in the folder's handled and failed archives, \
            by size and modification time; a version changed since is a new version, which the daemon takes by itself. \
            The new job commits and reports like any other. Exits 1 if the file fails again.
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The file version's id, as `scheduledrop reports` lists it (FILE ID).")
    var fileId: Int64

    @Flag(help: "Print the JSON report instead of the text summary.")
    var json = false

    func run() async throws {
        let configuration = try options.load()
        bootstrapLogging(configuration.log)
        let store = try await configuration.openStore()
        guard let file = try await store.file(id: fileId) else { throw ValidationError("no file version \(fileId)") }
        guard !file.state.isUnfinished else {
            throw ValidationError("file version \(fileId) has a job that has not finished; the daemon runs it again when it starts")
        }
        let identity = file.identity
        let places: [String]
        let settings: JobSettings
        if identity.folderId == "cli" {
            places = [identity.path]
            settings = configuration.commandLineJobSettings(partner: try await store.reports(fileId: fileId).last?.partnerId)
        } else {
            guard let folder = configuration.folders.first(where: { $0.id == identity.folderId }) else {
                throw ValidationError("folder \(identity.folderId) of file version \(fileId) is not in the configuration")
            }
            let folderSettings = configuration.settings(of: folder)
            let archives = [folderSettings.afterFailed, folderSettings.afterHandled].compactMap { disposal -> String? in
                if case .move(let target) = disposal { return target }
                return nil
            }
            places = ([folder.kind.directory] + archives).map { $0 + "/" + identity.path }
            settings = folderSettings.jobSettings
        }
        var found: String?
        for place in places {
            let url = URL(fileURLWithPath: place)
            let stat = try await LocalFolder(id: identity.folderId, directory: url.deletingLastPathComponent().path).stat(
                url.lastPathComponent)
            if stat?.size == identity.size && stat?.modified == identity.modified {
                found = place
                break
            }
        }
        guard let found else {
            throw ValidationError(
                "the bytes of file version \(fileId) (\(identity.size) bytes, modified \(identity.modified) ns) are in none of: "
                    + places.joined(separator: ", "))
        }
        let runner = JobRunner(
            store: store, reports: ReportWriter(directory: configuration.reportsPath), logger: Logger(label: "scheduledrop"))
        let ticket = try await store.openJob(for: identity, kind: FileKind(path: identity.path))
        let report = try await runner.run(ticket, stagedFile: found, settings: settings)
        FileHandle.standardOutput.write(
            json ? report.json() + Data("\n".utf8) : report.summary(jobId: ticket.jobId))
        if report.status == .error { throw ExitCode(1) }
    }
}

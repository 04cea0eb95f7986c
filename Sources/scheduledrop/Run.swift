import ArgumentParser
import DropFolders
import Foundation
import Ingestion
import Logging
import ScheduleStore
import ServiceLifecycle
import UnixSignals

/// `scheduledrop run`: the daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch the configured drop folders and ingest every new file until SIGTERM or SIGINT.",
        discussion: """
            SIGHUP reads the configuration again: added folders start, removed ones stop after their job in hand, \
            changed ones restart, and the others go on untouched. A configuration with problems is logged and the \
            running one kept. The data directory cannot change without a restart.
            """
    )

    @OptionGroup var options: StoreOptions

    func run() async throws {
        let configuration = try options.load()
        bootstrapLogging(configuration.log)
        let logger = Logger(label: "scheduledrop")
        let manager = FileManager.default
        for directory in [configuration.dataDirectory, configuration.reportsPath, configuration.stagingPath] {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let store = try SQLiteStore(path: configuration.databasePath)
        let runner = JobRunner(store: store, reports: ReportWriter(directory: configuration.reportsPath), logger: logger)
        let folders = Folders(store: store, runner: runner, stagingPath: configuration.stagingPath, logger: logger)
        let supervisor = FolderSupervisor(try folders.entries(configuration), logger: logger)
        let reloader = Reloader(
            options: options, dataDirectory: configuration.dataDirectory, folders: folders, supervisor: supervisor, logger: logger)
        logger.info(
            "scheduledrop started",
            metadata: [
                "data": "\(configuration.dataDirectory)",
                "folders": "\(configuration.folders.map { "\($0.id)=\($0.path ?? "")" }.joined(separator: ","))",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: supervisor), .init(service: reloader), .init(service: SystemdNotifier()),
                    .init(
                        service: HorizonExtender(
                            store: store, limits: configuration.events.limits, interval: configuration.events.refreshInterval,
                            logger: logger)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("scheduledrop stopped")
    }
}

/// Makes the watchers of a configuration's folders over one store and job runner.
struct Folders: Sendable {
    let store: SQLiteStore
    let runner: JobRunner
    let stagingPath: String
    let logger: Logger

    /// One supervisor entry per folder, its directory created if missing; the fingerprint is the folder's whole configuration.
    func entries(_ configuration: Configuration) throws -> [FolderSupervisor.Entry] {
        try configuration.folders.map { folder in
            let directory = folder.path ?? "."
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let watcher = FolderWatcher(
                source: LocalFolder(id: folder.id, directory: directory), settings: configuration.settings(of: folder), store: store,
                runner: runner,
                stagingDirectory: stagingPath + "/" + folder.id, logger: logger)
            return FolderSupervisor.Entry(
                watcher: watcher, fingerprint: String(describing: folder) + String(describing: configuration.events))
        }
    }
}

/// Reads the configuration again on SIGHUP and hands its folders to the supervisor.
struct Reloader: Service {
    let options: StoreOptions
    let dataDirectory: String
    let folders: Folders
    let supervisor: FolderSupervisor
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try options.load()
                guard configuration.dataDirectory == dataDirectory else {
                    logger.error(
                        "configuration not reloaded: dataDirectory cannot change without a restart",
                        metadata: ["running": "\(dataDirectory)", "configured": "\(configuration.dataDirectory)"])
                    continue
                }
                await supervisor.apply(try folders.entries(configuration))
                let running = await supervisor.folderIds
                logger.notice("configuration reloaded", metadata: ["folders": "\(running.joined(separator: ","))"])
            } catch {
                logger.error("configuration not reloaded; the running one is kept", metadata: ["error": "\(error)"])
            }
        }
    }
}

import ArgumentParser
import DropFolders
import Foundation
import Ingestion
import Logging
import ScheduleStore
import ServiceLifecycle

/// `scheduledrop run`: the daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch the configured drop folders and ingest every new file until SIGTERM or SIGINT."
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
        var services: [any Service] = []
        for folder in configuration.folders {
            let settings = folder.settings
            let directory = folder.path ?? "."
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            services.append(
                FolderWatcher(
                    source: LocalFolder(id: folder.id, directory: directory), settings: settings, store: store,
                    runner: runner, stagingDirectory: configuration.stagingPath + "/" + folder.id, logger: logger))
        }
        logger.info(
            "scheduledrop started",
            metadata: [
                "data": "\(configuration.dataDirectory)",
                "folders": "\(configuration.folders.map { "\($0.id)=\($0.path ?? "")" }.joined(separator: ","))",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("scheduledrop stopped")
    }
}

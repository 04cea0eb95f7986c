import ArgumentParser
import DropFolders
import Foundation
import Ingestion
import Logging
import Metrics
import Prometheus
import Schedule
import ScheduleFeed
import ScheduleStore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `scheduledrop run`: the daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch the configured drop folders and ingest every new file until SIGTERM or SIGINT.",
        discussion: """
            SIGHUP reads the configuration again: added folders start, removed ones stop after their job in hand, \
            changed ones restart, and the others go on untouched; the feed takes the new partner tokens. A configuration with problems is logged and the \
            running one kept. The data directory cannot change without a restart.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "The feed's port, overriding the configuration's (0 takes a free one, logged as 'feed listening').")
    var feedPort: Int?

    func run() async throws {
        var configuration = try options.load()
        if let feedPort { configuration.feed.port = feedPort }
        bootstrapLogging(configuration.log)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "scheduledrop")
        let manager = FileManager.default
        for directory in [configuration.dataDirectory, configuration.reportsPath, configuration.stagingPath, configuration.uploadsPath] {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let store = try await configuration.openStore()
        let runner = JobRunner(
            store: store, reports: ReportWriter(directory: configuration.reportsPath), logger: logger, clock: ContinuousClock(),
            cutOffLimit: configuration.maxJobCutOffs)
        let folders = Folders(store: store, runner: runner, stagingPath: configuration.stagingPath, logger: logger)
        let supervisor = FolderSupervisor(try folders.entries(configuration), logger: logger)
        let feedSettings = FeedSettings(configuration)
        let reloader = Reloader(
            options: options, dataDirectory: configuration.dataDirectory, store: configuration.storeDescription, folders: folders,
            supervisor: supervisor,
            feedSettings: feedSettings, logger: logger)
        logger.info(
            "scheduledrop started",
            metadata: [
                "data": "\(configuration.dataDirectory)",
                "store": "\(configuration.storeDescription)",
                "folders": "\(configuration.folders.map { "\($0.id)=\($0.location)" }.joined(separator: ","))",
            ])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: supervisor), .init(service: reloader), .init(service: SystemdNotifier()),
            .init(
                service: HorizonExtender(
                    store: store, limits: configuration.events.limits, interval: configuration.events.refreshInterval, logger: logger,
                    clock: ContinuousClock())),
        ]
        if configuration.feed.enabled {
            let limits = configuration.events.limits
            let uploadSettings: @Sendable (Int) -> JobSettings = { partner in JobSettings(partnerId: partner, limits: limits) }
            let inbox = UploadInbox(
                store: store, runner: runner, directory: configuration.uploadsPath, settings: uploadSettings, logger: logger)
            let feed = ScheduleFeed(
                store: store, tokens: { feedSettings.tokens }, maximumUploadBytes: configuration.feed.maximumUploadBytes,
                limits: configuration.feed.limits,
                submit: { partner, kind, name, bytes in try await inbox.submit(partnerId: partner, kind: kind, name: name, bytes: bytes) },
                jobSettings: uploadSettings,
                folderPartners: { feedSettings.folderPartners },
                metrics: {
                    for partner in Set(feedSettings.folderPartners.values).union(feedSettings.tokens.partners) {
                        let listed = try? await store.events(partnerId: partner, filter: EventFilter(), pager: Pager(pageSize: 1))
                            .totalCount
                        Gauge(label: MetricName.events, dimensions: [("partner", String(partner))]).record(listed ?? 0)
                    }
                    return registry.emitToBuffer()
                }, logger: logger)
            if configuration.feed.tokens.isEmpty {
                logger.warning("the feed has no partner tokens: every call is refused until feed.tokens lists some")
            }
            services += [
                .init(service: inbox),
                .init(service: FeedServer(feed: feed, host: configuration.feed.address, port: configuration.feed.port, logger: logger)),
            ]
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("scheduledrop stopped")
    }
}

/// Makes the watchers of a configuration's folders over one store and job runner.
struct Folders: Sendable {
    let store: any StoreBackend
    let runner: JobRunner
    let stagingPath: String
    let logger: Logger

    /// One supervisor entry per folder, its directory created if missing; the fingerprint is the folder's whole configuration.
    func entries(_ configuration: Configuration) throws -> [FolderSupervisor.Entry] {
        try configuration.folders.enumerated().map { index, folder in
            for warning in folder.kind.warnings {
                logger.warning("\(warning)", metadata: ["folder": "\(folder.id)"])
            }
            let source = try folder.kind.source(
                id: folder.id, yamlPath: "folders[\(index)]", pins: PinnedHostKeys(store: store, logger: logger))
            let watcher = FolderWatcher(
                source: source, settings: configuration.settings(of: folder), store: store,
                runner: runner, stagingDirectory: stagingPath + "/" + folder.id, logger: logger, clock: ContinuousClock(),
                random: SystemRandomNumberGenerator())
            return FolderSupervisor.Entry(
                watcher: watcher, fingerprint: String(describing: folder) + String(describing: configuration.events))
        }
    }
}

/// Reads the configuration again on SIGHUP and hands its folders to the supervisor.
struct Reloader: Service {
    let options: StoreOptions
    let dataDirectory: String
    /// The store it runs on (`Configuration.storeDescription`).
    let store: String
    let folders: Folders
    let supervisor: FolderSupervisor
    let feedSettings: FeedSettings
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try options.load()
                guard configuration.dataDirectory == dataDirectory, configuration.storeDescription == store else {
                    logger.error(
                        "configuration not reloaded: dataDirectory and store cannot change without a restart",
                        metadata: [
                            "running": "\(dataDirectory) \(store)",
                            "configured": "\(configuration.dataDirectory) \(configuration.storeDescription)",
                        ])
                    continue
                }
                await supervisor.apply(try folders.entries(configuration))
                feedSettings.update(configuration)
                let running = await supervisor.folderIds
                logger.notice("configuration reloaded", metadata: ["folders": "\(running.joined(separator: ","))"])
            } catch {
                logger.error("configuration not reloaded; the running one is kept", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// What the feed reads of the configuration, taken again on SIGHUP: the partner tokens and each folder's partner.
final class FeedSettings: Sendable {
    private let state: Mutex<(tokens: TokenBook, folders: [String: Int])>

    init(_ configuration: Configuration) {
        state = Mutex(Self.settings(of: configuration))
    }

    /// The tokens in force.
    var tokens: TokenBook { state.withLock { $0.tokens } }
    /// The folders' partners, by folder id.
    var folderPartners: [String: Int] { state.withLock { $0.folders } }

    /// Takes the tokens and folders of a reloaded configuration.
    func update(_ configuration: Configuration) {
        let settings = Self.settings(of: configuration)
        state.withLock { $0 = settings }
    }

    private static func settings(of configuration: Configuration) -> (tokens: TokenBook, folders: [String: Int]) {
        (configuration.feed.tokenBook, Dictionary(configuration.folders.map { ($0.id, $0.partnerId) }) { first, _ in first })
    }
}

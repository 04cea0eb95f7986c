import Logging
import ServiceLifecycle

/// Runs one watcher per folder, and on reload starts added folders, stops removed ones and restarts changed ones,
/// leaving the others running untouched.
///
/// A folder's watcher failing to start (its staging area cannot be made) is logged and does not stop the
/// others. A stopped watcher finishes its job in hand first; a changed folder's new watcher starts when the
/// old one has ended, so the two never run at once.
public actor FolderSupervisor: Service {
    /// One folder to run: its watcher, and a fingerprint of its configuration (a new fingerprint restarts it).
    public struct Entry: Sendable {
        /// The folder's watcher.
        public var watcher: FolderWatcher
        /// Equal fingerprints mean an unchanged folder.
        public var fingerprint: String

        /// Creates an entry.
        public init(watcher: FolderWatcher, fingerprint: String) {
            self.watcher = watcher
            self.fingerprint = fingerprint
        }
    }

    private struct Running {
        var entry: Entry
        var task: Task<Void, Never>
    }

    private let initial: [Entry]
    private let logger: Logger
    private var running: [String: Running] = [:]
    private var retiring: [Task<Void, Never>] = []

    /// Creates a supervisor that runs `entries` when it starts.
    public init(_ entries: [Entry], logger: Logger) {
        self.initial = entries
        self.logger = logger
    }

    /// The ids of the folders running now, sorted.
    public var folderIds: [String] { running.keys.sorted() }

    /// Runs the folders until graceful shutdown (or cancellation), then waits for every watcher to end.
    public func run() async throws {
        apply(initial)
        try? await gracefulShutdown()
        for folder in running.values { folder.entry.watcher.stopToken.stop() }
        for task in running.values.map(\.task) + retiring { await task.value }
        running = [:]
        retiring = []
    }

    /// Makes the running folders those of `entries`.
    public func apply(_ entries: [Entry]) {
        var wanted: [String: Entry] = [:]
        for entry in entries { wanted[entry.watcher.settings.id] = entry }
        for (id, current) in running where wanted[id] == nil {
            current.entry.watcher.stopToken.stop()
            retiring.append(current.task)
            running[id] = nil
            logger.notice("folder removed; its watcher stops after the job in hand", metadata: ["folder": "\(id)"])
        }
        for (id, entry) in wanted.sorted(by: { $0.key < $1.key }) {
            if let current = running[id] {
                guard current.entry.fingerprint != entry.fingerprint else { continue }
                current.entry.watcher.stopToken.stop()
                let previous = current.task
                running[id] = Running(
                    entry: entry,
                    task: Task { [logger] in
                        await previous.value
                        await Self.watch(entry.watcher, logger: logger)
                    })
                logger.notice("folder changed; its watcher restarts after the job in hand", metadata: ["folder": "\(id)"])
            } else {
                running[id] = Running(entry: entry, task: Task { [logger] in await Self.watch(entry.watcher, logger: logger) })
            }
        }
    }

    private static func watch(_ watcher: FolderWatcher, logger: Logger) async {
        do {
            try await watcher.run()
        } catch {
            logger.error("folder watcher failed", metadata: ["folder": "\(watcher.settings.id)", "error": "\(error)"])
        }
    }
}

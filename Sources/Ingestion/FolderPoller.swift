import DropFolders
import Logging
import Metrics
import Schedule
import ScheduleStore

/// Lists one folder and records each listing: the folder's status in the store, a log line, the metrics.
struct FolderPoller: Sendable {
    let source: any FolderSource
    let folderId: String
    let store: any FileLedger
    let logger: Logger

    /// Whether this daemon lists the folder now: it holds the folder's listing lease, for three poll intervals (at
    /// least a minute), or the store cannot tell (then it lists, as a daemon alone would).
    func holdsListing(pollInterval: Duration) async -> Bool {
        do {
            return try await store.hold("list:\(folderId)", for: max(60, 3 * (pollInterval.wholeMilliseconds + 999) / 1000))
        } catch {
            logger.error("cannot take the folder's listing lease; listing all the same", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// Lists the folder; the error, if it failed, as a `FolderError`.
    func list() async -> Result<[FileStat], FolderError> {
        do {
            return .success(try await source.list())
        } catch {
            let folderError = error as? FolderError ?? FolderError(.ioFailed, "\(error)")
            Counter(label: MetricName.pollErrors, dimensions: [("folder", folderId), ("code", folderError.code.rawValue)]).increment()
            return .failure(folderError)
        }
    }

    /// Logs and records a listing's outcome: `failures` in a row now (before: `previousFailures`), and `wait` until the next.
    func record(_ error: FolderError?, failures: Int, previousFailures: Int, wait: Duration) async {
        if let error {
            logger.error(
                "folder listing failed",
                metadata: [
                    "code": "\(error.code.rawValue)", "error": "\(error.message)", "failures": "\(failures)",
                    "retry_in_ms": "\(wait.wholeMilliseconds)",
                ])
        } else if previousFailures > 0 {
            logger.notice("folder listing works again", metadata: ["failures": "\(previousFailures)"])
        }
        Gauge(label: MetricName.consecutiveFailures, dimensions: [("folder", folderId)]).record(failures)
        do {
            try await store.recordPoll(
                FolderPoll(
                    folderId: folderId, kind: source.kind, error: error.map { ($0.code.rawValue, $0.message) },
                    consecutiveFailures: failures, nextPollIn: (wait.wholeMilliseconds + 999) / 1000))
        } catch {
            logger.error("cannot record folder status", metadata: ["error": "\(error)"])
        }
    }
}

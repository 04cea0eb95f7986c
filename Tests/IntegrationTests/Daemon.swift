import Foundation
import TestSupport
import Testing

/// The real `scheduledrop` executable, started as a child process with its output in a log file.
final class Daemon {
    /// The built executable: `$SCHEDULEDROP_BINARY`, or `.build/debug/scheduledrop` of this package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SCHEDULEDROP_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/scheduledrop").path
    }

    let process: SpawnedProcess
    let logPath: String

    /// Starts `scheduledrop` with `arguments` in `directory`, appending its standard error (and its
    /// standard output, unless `stdoutPath` is given) to `logPath`.
    init(_ arguments: [String], in directory: String, logPath: String, stdoutPath: String? = nil, environment: [String: String] = [:])
        throws
    {
        self.logPath = logPath
        process = try SpawnedProcess(
            Self.binary, arguments, directory: directory,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: stdoutPath ?? logPath, errors: logPath)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The output so far.
    var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Runs `body`; when it throws, records the end of the daemon's log beside the failure, then rethrows.
    func explainingFailure<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Issue.record("the daemon's log ends with:\n\(output.suffix(6_000))")
            throw error
        }
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    func stop(_ signal: Int32) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends `signal` the moment the output contains `text` `count` times (or more), and waits for the process to end.
    ///
    /// The log is watched by a thread of its own, not a task: on a loaded machine the cooperative pool can be held up
    /// for seconds, longer than a job lasts, while a thread is scheduled within milliseconds.
    func stop(_ signal: Int32, whenOutputShows text: String, count: Int = 1, timeout: Duration = .seconds(120)) async throws {
        let logPath = self.logPath
        let pid = process.processIdentifier
        let seen: Bool = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                    if output.components(separatedBy: text).count - 1 >= count {
                        kill(pid, signal)
                        continuation.resume(returning: true)
                        return
                    }
                    usleep(2_000)
                }
                continuation.resume(returning: false)
            }
        }
        guard seen else {
            Issue.record("the log never showed \(text.debugDescription) \(count) time(s); it ends with:\n\(output.suffix(6_000))")
            throw CancellationError()
        }
        process.waitUntilExit()
    }

    /// Waits until the output contains `text` `count` times (or more).
    func waitForOutput(_ text: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("the log shows \(text.debugDescription) \(count) time(s)", timeout: timeout) {
            output.components(separatedBy: text).count - 1 >= count
        }
    }
}

extension Daemon {
    /// Starts `run` over a folder `inbox` of partner 42 at `root/drop`, with the feed on a free port and `token` as
    /// partner 42's, and returns the daemon and the feed's port once it listens. The caller stops it.
    static func withFeed(in root: TemporaryDirectory, token: String, logLevel: String = "info") async throws -> (Daemon, port: String) {
        try """
        dataDirectory: \(root.path)/data
        log: { format: json, level: \(logLevel) }
        feed:
          port: 0
          tokens:
            - partnerId: 42
              sha256: \(sha256Hex(token))
        folders:
          - id: inbox
            path: \(root.path)/drop
            partnerId: 42
            fileSizeCheckInterval: 0.2
            pollInterval: 1
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log")
        try await daemon.waitForOutput("feed listening")
        let port = try #require(daemon.output.firstMatch(of: /"address":"127\.0\.0\.1:(\d+)"/).map { String($0.1) })
        return (daemon, port)
    }
}

/// A VCALENDAR of `count` one-hour events with UIDs `<uidPrefix>1`…`<uidPrefix>N`, folded descriptions included.
func largeCalendar(events count: Int, uidPrefix: String = "e") -> String {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    text.reserveCapacity(count * 260)
    for index in 1...count {
        let day = 20300101 + (index % 28)
        text += "BEGIN:VEVENT\r\nUID:\(uidPrefix)\(index)\r\nDTSTART;TZID=Europe/Berlin:\(day)T\(10 + index % 8)0000\r\n"
        text += "DURATION:PT1H\r\nSUMMARY:Lecture \(index)\r\nDESCRIPTION:A description long enough to be folded ov\r\n"
        text += " er two lines\\, with escapes\\; for realism\r\nEND:VEVENT\r\n"
    }
    return text + "END:VCALENDAR\r\n"
}

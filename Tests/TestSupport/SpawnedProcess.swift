import Foundation
import Synchronization

/// A child process started with `posix_spawn` and reaped with `waitpid` (`Subprocess`), with the part of Foundation's
/// `Process` the tests use. Foundation's `Process` once crashed in `run()` while other children were being started,
/// and once missed the exits of two children that ended together, which hung the whole run.
public final class SpawnedProcess: Sendable {
    /// The child's pid.
    public let processIdentifier: pid_t
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` in `directory` with `environment`, its output and errors appended to the given files.
    public init(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String], output: String, errors: String
    ) throws {
        processIdentifier = try Subprocess.spawn(
            executable, arguments, directory: directory, environment: environment, output: output, errors: errors)
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool {
        status.withLock { known in
            guard known == nil else { return false }
            var raw: Int32 = 0
            guard waitpid(processIdentifier, &raw, WNOHANG) == processIdentifier else { return true }
            known = Self.exitStatus(raw)
            return false
        }
    }

    /// Waits until the child ends.
    public func waitUntilExit() {
        guard status.withLock({ $0 }) == nil else { return }
        let ended = Subprocess.wait(processIdentifier)
        status.withLock { known in
            if known == nil { known = ended }
        }
    }

    /// The exit status once it ended (128 plus the signal that ended it); 0 before.
    public var terminationStatus: Int32 { status.withLock { $0 } ?? 0 }

    private static func exitStatus(_ raw: Int32) -> Int32 {
        raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }
}

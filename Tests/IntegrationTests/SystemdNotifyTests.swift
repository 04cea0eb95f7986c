import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket.
final class NotifySocket {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// The next datagram, or nil after a second without one.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    /// Receives until `message` arrives (true) or `seconds` pass without it (false).
    func wait(for message: String, seconds: Int = 30) -> Bool {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline {
            if receive() == message { return true }
        }
        return false
    }
}

@Suite(.serialized) struct SystemdNotifyTests {
    @Test func daemonReportsReadinessWatchdogAndStopping() async throws {
        let root = try TemporaryDirectory()
        let systemd = try NotifySocket(path: root.path + "/notify")
        let daemon = try Daemon(
            ["run", "--data", root.path + "/data", "--feed-port", "0"], in: root.path, logPath: root.path + "/daemon.log",
            environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "200000"])
        #expect(systemd.wait(for: "READY=1"))
        #expect(systemd.wait(for: "WATCHDOG=1", seconds: 2))
        #expect(systemd.wait(for: "WATCHDOG=1", seconds: 2), "pinged again at half the interval")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(systemd.wait(for: "STOPPING=1", seconds: 10))
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
    }

    @Test func watchdogMeantForAnotherProcessIsNotPinged() async throws {
        let root = try TemporaryDirectory()
        let systemd = try NotifySocket(path: root.path + "/notify")
        let daemon = try Daemon(
            ["run", "--data", root.path + "/data", "--feed-port", "0"], in: root.path, logPath: root.path + "/daemon.log",
            environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
        #expect(systemd.wait(for: "READY=1"))
        #expect(!systemd.wait(for: "WATCHDOG=1", seconds: 1))
        #expect(daemon.stop(SIGTERM) == 0)
    }
}

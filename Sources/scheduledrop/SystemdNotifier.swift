import Foundation
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Tells systemd (`Type=notify`) how the daemon stands, over `$NOTIFY_SOCKET`; does nothing when it is not set.
///
/// It sends `READY=1` when the daemon starts, `WATCHDOG=1` at half the interval systemd asks for
/// (`$WATCHDOG_USEC`, when `$WATCHDOG_PID` is unset or this process), and `STOPPING=1` when a graceful
/// shutdown begins. Sending never fails the daemon, as with sd_notify(3).
struct SystemdNotifier: Service {
    /// The socket's path; a leading `@` names an abstract socket.
    let socketPath: String?
    /// How often to ping the watchdog, if systemd watches this process.
    let watchdogInterval: Duration?

    /// Reads the notification socket and watchdog settings from `environment`.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forThisProcess = environment["WATCHDOG_PID"].map { $0 == String(getpid()) } ?? true
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap(Int64.init).flatMap { microseconds in
            forThisProcess && microseconds > 0 ? Duration.microseconds(microseconds) / 2 : nil
        }
    }

    func run() async throws {
        notify("READY=1")
        if let watchdogInterval {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                notify("WATCHDOG=1")
                try? await Task.sleep(for: watchdogInterval)
            }
        } else {
            try? await gracefulShutdown()
        }
        notify("STOPPING=1")
    }

    /// Sends one notification datagram.
    func notify(_ message: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, bytes, bytes.count, 0, $0, length) }
        }
    }
}

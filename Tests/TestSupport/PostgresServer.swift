import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server (Debian's `postgresql`, started by `Tests/Servers/postgres.sh`) on a free loopback port in
/// a temporary directory, run as an unprivileged user: one per test process, started by the first test that asks for
/// a database and stopped when the process exits. Each test gets a database of its own.
public final class PostgresServer: Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The superuser the tests connect as.
    public let user = "scheduledrop"
    /// Its password.
    public let password = "test-secret"
    private let root: TemporaryDirectory
    private static var script: String { postgresScript }
    private static let started = Mutex<Result<PostgresServer, TestServerError>?>(nil)

    private init() throws {
        root = try TemporaryDirectory()
        port = try FTPServer.freePort()
        try Subprocess.run(Self.script, ["start", root.path, String(port)])
    }

    /// The server of this test process, started on first use.
    public static func shared() throws -> PostgresServer {
        try started.withLock { started in
            if started == nil {
                do {
                    started = .success(try PostgresServer())
                } catch {
                    started = .failure(error as? TestServerError ?? TestServerError(message: "\(error)"))
                }
                if case .success(let server) = started { stopAtExit = server.root.path }
                atexit { if let directory = stopAtExit { _ = try? Subprocess.run(postgresScript, ["stop", directory]) } }
            }
            return try started!.get()
        }
    }

    /// A new empty database on the shared server, named after a fresh UUID; returns its URL without the password
    /// (`postgresql://scheduledrop@127.0.0.1:PORT/NAME`).
    public static func newDatabase() throws -> (server: PostgresServer, url: String) {
        let server = try shared()
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try Subprocess.run(script, ["createdb", server.root.path, String(server.port), name])
        return (server, "postgresql://\(server.user)@127.0.0.1:\(server.port)/\(name)")
    }
}

/// The script that starts, fills and stops the server.
private let postgresScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Servers/postgres.sh").standardized.path

/// The data directory of the server `atexit` stops.
nonisolated(unsafe) private var stopAtExit: String?

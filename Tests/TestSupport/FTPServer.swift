import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real proftpd (Debian's `proftpd-basic`) on a free loopback port, with one virtual user whose home is a
/// fresh folder, started for a test and stopped when released. `mlsd: false` denies MLSD so clients must use
/// LIST; `tls: true` requires explicit TLS with a self-signed certificate made for it (`certificate`).
public final class FTPServer: @unchecked Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The user's home: what the server shows as `/`. Files written here are the server's files.
    public let home: String
    /// The user name.
    public let username = "partner"
    /// The user's password.
    public let password = "ftp-secret-\(UUID().uuidString.prefix(8))"
    /// The PEM certificate the server presents when `tls` is on (it is its own authority).
    public let certificate: String
    private let root: TemporaryDirectory
    private var pid: Int32 = 0

    /// Starts the server and waits until it greets; throws if it cannot.
    public init(mlsd: Bool = true, tls: Bool = false) throws {
        root = try TemporaryDirectory()
        let work = root.path
        home = work + "/home"
        certificate = work + "/cert.pem"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        chmod(work, 0o755)
        chmod(home, 0o777)
        port = try Self.freePort()
        let hash = try Self.run("/usr/bin/openssl", ["passwd", "-6", password]).trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(username):\(hash):65534:65534::\(home):/bin/sh\n".write(toFile: work + "/passwd", atomically: true, encoding: .utf8)
        chmod(work + "/passwd", 0o600)
        var configuration = """
            ServerName "scheduledrop test"
            ServerType standalone
            UseIPv6 off
            DefaultAddress 127.0.0.1
            SocketBindTight on
            Port \(port)
            User nobody
            Group nogroup
            DefaultRoot ~
            AllowOverwrite on
            Umask 000
            RequireValidShell off
            AuthUserFile \(work)/passwd
            AuthOrder mod_auth_file.c
            UseReverseDNS off
            WtmpLog off
            DelayEngine off
            ScoreboardFile \(work)/proftpd.scoreboard
            PidFile \(work)/proftpd.pid
            SystemLog \(work)/system.log
            TransferLog \(work)/xfer.log

            """
        if !mlsd { configuration += "<Limit MLSD MLST>\n  DenyAll\n</Limit>\n" }
        if tls {
            _ = try Self.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-keyout", work + "/key.pem", "-out", certificate,
                ])
            configuration =
                "ModulePath /usr/lib/proftpd\nLoadModule mod_tls.c\n" + configuration + """
                    TLSEngine on
                    TLSRequired on
                    TLSProtocol TLSv1.2 TLSv1.3
                    TLSRSACertificateFile \(certificate)
                    TLSRSACertificateKeyFile \(work)/key.pem
                    TLSLog \(work)/tls.log
                    TLSOptions NoSessionReuseRequired

                    """
        }
        try configuration.write(toFile: work + "/proftpd.conf", atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts the server (again, after `stop()`) on the same port and waits until it greets; throws if it cannot.
    public func start() throws {
        let work = root.path
        // proftpd detaches itself (no -n): the test process then has no long-lived child of its own here, so it
        // never has to tell this server's exit from a daemon's (Foundation's Process can miss one of two).
        try Self.run("/usr/sbin/proftpd", ["-q", "-c", work + "/proftpd.conf"], errors: work + "/out.log")
        let deadline = Date().addingTimeInterval(10)
        while greeting(port: port)?.hasPrefix("220") != true {
            guard Date() < deadline else {
                let log = (try? String(contentsOfFile: work + "/system.log", encoding: .utf8)) ?? ""
                throw TestServerError(message: "proftpd did not start on port \(port): \(log)")
            }
            usleep(20_000)
        }
        pid =
            Int32(
                (try? String(contentsOfFile: work + "/proftpd.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            ) ?? 0
    }

    deinit { stop() }

    /// Stops the server and its sessions (SIGTERM) and waits until its port is closed.
    public func stop() {
        guard pid > 0, kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while greeting(port: port)?.hasPrefix("220") == true, Date() < deadline { usleep(20_000) }
        pid = 0
    }

    /// Writes `text` as the file `name` in the folder `folder` of the home (created if missing), writable by the server.
    public func put(_ name: String, _ text: String, in folder: String = "inbox") throws {
        let directory = home + "/" + folder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o777)
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        chmod(directory + "/" + name, 0o666)
    }

    private static func touch(_ path: String) -> String {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        return path
    }

    /// A port the kernel gives as free now.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestServerError(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `executable` to its end with `Subprocess` (Foundation's `Process` once missed the exit of one of two
    /// proftpd parents started together, and its `waitUntilExit` then hung the whole test run); returns its output,
    /// or, with `errors`, sends output and errors to that file and returns nothing.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String], errors: String? = nil) throws -> String {
        guard let errors else { return try Subprocess.run(executable, arguments) }
        let status = Subprocess.wait(try Subprocess.spawn(executable, arguments, log: touch(errors)))
        guard status == 0 else { throw TestServerError(message: "\(executable) \(arguments.first ?? "") failed with \(status)") }
        return ""
    }
}

/// A test server could not be set up or did not answer as expected.
public struct TestServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}

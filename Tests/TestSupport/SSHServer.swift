import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH sshd on a free loopback port, serving SFTP to a fresh system user (password or `clientKey`), started
/// for a test and stopped, with the user removed, when released. Its one host key is ed25519 and can be replaced.
public final class SSHServer: @unchecked Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The user's name, new for this server.
    public let username = "sd" + UUID().uuidString.prefix(8).lowercased()
    /// The user's password.
    public let password = "ssh-secret-\(UUID().uuidString.prefix(8))"
    /// The user's home, owned by the user: SFTP paths are relative to it.
    public let home: String
    /// An ed25519 private key (OpenSSH format, no passphrase) the user may log in with.
    public let clientKey: String
    /// A known_hosts file naming the host key the server had when it was created.
    public let knownHosts: String
    /// The server's current host key as `ssh-ed25519 AAAA…`.
    public private(set) var hostKeyLine = ""
    private let root: TemporaryDirectory
    private var pid: pid_t = 0

    /// Creates the user and the keys, starts the server and waits until it greets; throws with its log if it cannot.
    public init() throws {
        root = try TemporaryDirectory()
        port = try FTPServer.freePort()
        home = root.path + "/home"
        clientKey = root.path + "/client_ed25519"
        knownHosts = root.path + "/known_hosts"
        let work = root.path
        chmod(work, 0o755)
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Subprocess.run("/usr/sbin/useradd", ["-M", "-d", home, "-s", "/bin/sh", username])
        try Subprocess.run("/usr/sbin/chpasswd", [], input: "\(username):\(password)\n")
        try Subprocess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "client", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: home + "/.ssh/authorized_keys")
        try Subprocess.run("/usr/bin/chown", ["-R", "\(username):", home])
        chmod(home, 0o755)
        chmod(home + "/.ssh", 0o700)
        chmod(home + "/.ssh/authorized_keys", 0o600)
        try makeHostKey()
        try "[127.0.0.1]:\(port) \(hostKeyLine)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(work)/host_ed25519
        PidFile none
        AuthorizedKeysFile .ssh/authorized_keys
        PasswordAuthentication yes
        PubkeyAuthentication yes
        KbdInteractiveAuthentication no
        PermitRootLogin no
        UsePAM no
        AllowUsers \(username)
        Subsystem sftp internal-sftp
        LogLevel VERBOSE

        """.write(toFile: work + "/sshd_config", atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        _ = try? Subprocess.run("/usr/sbin/userdel", ["-f", username])
    }

    /// Starts the server again on the same port with its current host key, after `stop()`, and waits until it greets.
    public func start() throws {
        let log = root.path + "/sshd.log"
        pid = try Subprocess.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", root.path + "/sshd_config"], log: log)
        let deadline = Date().addingTimeInterval(10)
        while greeting(port: port)?.hasPrefix("SSH-2.0-") != true {
            let exited = waitpid(pid, nil, WNOHANG) == pid
            guard !exited, Date() < deadline else {
                if !exited { stop() }
                pid = 0
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestServerError(message: "sshd did not start on port \(port): \(text)")
            }
            usleep(20_000)
        }
    }

    /// Stops the server and its open sessions at once (SIGTERM) and waits until its port refuses connections.
    public func stop() {
        guard pid > 0 else { return }
        let sessions = (try? Subprocess.run("/usr/bin/pgrep", ["-P", String(pid)])) ?? ""
        for session in sessions.split(separator: "\n").compactMap({ pid_t($0) }) { kill(session, SIGTERM) }
        kill(pid, SIGTERM)
        Subprocess.wait(pid)
        pid = 0
        let deadline = Date().addingTimeInterval(10)
        while greeting(port: port) != nil, Date() < deadline { usleep(20_000) }
    }

    /// Restarts the server with a new host key, leaving `knownHosts` naming the old one.
    public func changeHostKey() throws {
        stop()
        try FileManager.default.removeItem(atPath: root.path + "/host_ed25519")
        try FileManager.default.removeItem(atPath: root.path + "/host_ed25519.pub")
        try makeHostKey()
        try start()
    }

    /// Writes `text` as the file `name` in the folder `folder` of the home (created if missing), owned by the user.
    public func put(_ name: String, _ text: String, in folder: String = "inbox") throws {
        let directory = home + "/" + folder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        try Subprocess.run("/usr/bin/chown", ["-R", "\(username):", home])
    }

    /// The names in the folder `folder` of the home, sorted; none if it is missing.
    public func files(in folder: String = "inbox") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home + "/" + folder)) ?? []).sorted()
    }

    private func makeHostKey() throws {
        let key = root.path + "/host_ed25519"
        try Subprocess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", key])
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        hostKeyLine = publicKey.split(separator: " ").prefix(2).joined(separator: " ")
    }
}

/// Child processes started with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`, for the test
/// servers. A child inherits only its standard input, output and errors, so a long-lived server cannot hold open what
/// another child's `Process` waits on; and it starts with no signal blocked, whatever the spawning thread blocks.
public enum Subprocess {
    /// Starts `executable` with standard input from /dev/null and output and errors appended to `log`; returns its pid.
    public static func spawn(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        try spawn(executable, arguments) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
    }

    /// Runs `executable` to its end with `input` (at most a pipe's buffer) as standard input; returns its output and
    /// errors together, or throws them if it exits with another status than 0.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: String = "") throws -> String {
        var inputPipe: [Int32] = [0, 0]
        var outputPipe: [Int32] = [0, 0]
        guard pipe(&inputPipe) == 0, pipe(&outputPipe) == 0 else { throw TestServerError(message: "no pipe for \(executable)") }
        defer { close(outputPipe[0]) }
        // Written before the child starts, so a child that never reads cannot make this write fail with SIGPIPE.
        _ = input.utf8CString.withUnsafeBytes { write(inputPipe[1], $0.baseAddress, $0.count - 1) }
        close(inputPipe[1])
        let spawned = Result {
            try spawn(executable, arguments) { actions in
                posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
                posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
                posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 2)
            }
        }
        close(inputPipe[0])
        close(outputPipe[1])
        let pid = try spawned.get()
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(outputPipe[0], &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            output += buffer.prefix(count)
        }
        let text = String(decoding: output, as: UTF8.self)
        let status = wait(pid)
        guard status == 0 else {
            throw TestServerError(message: "\(executable) \(arguments.joined(separator: " ")) exited with \(status): \(text)")
        }
        return text
    }

    /// Waits until the child `pid` ends; returns its exit status, or 128 plus the signal that ended it.
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Starts `executable` in `directory` with `environment`, standard input from /dev/null, standard output
    /// appended to `output` and standard error to `errors`; returns its pid.
    public static func spawn(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String], output: String, errors: String
    ) throws -> pid_t {
        guard let changeDirectory else { throw TestServerError(message: "glibc cannot change a child's directory") }
        let pairs: [String] = environment.map { "\($0.key)=\($0.value)" }
        let variables: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0) } + [nil]
        let place = strdup(directory)
        defer {
            variables.forEach { free($0) }
            free(place)
        }
        return try spawn(executable, arguments, environment: variables) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            if let place { _ = changeDirectory(&actions, place) }
        }
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [UnsafeMutablePointer<CChar>?]? = nil,
        _ redirect: (inout posix_spawn_file_actions_t) -> Void
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        redirect(&actions)
        guard let closeFrom, closeFrom(&actions, 3) == 0 else { throw TestServerError(message: "glibc cannot close descriptors") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result =
            if let environment {
                environment.withUnsafeBufferPointer { posix_spawn(&pid, executable, &actions, &attributes, argv, $0.baseAddress) }
            } else {
                posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            }
        guard result == 0 else { throw TestServerError(message: "cannot start \(executable): \(String(cString: strerror(result)))") }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc module does not declare.
    private static let changeDirectory = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not declare.
    private static let closeFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }
}

/// How a folder on a server reached by host and user (FTP, FTPS, SFTP) logs in, and where on the server it is.
struct ServerLogin: Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, username, passwordEnv, passwordFile, path, timeout
    }

    /// The server.
    var host: String?
    /// The server's port; the kind's default when nil.
    var port: Int?
    /// The user name on the server.
    var username: String?
    /// The environment variable that holds the password (the password itself is never in the file).
    var passwordEnv: String?
    /// A file that holds the password (its first line).
    var passwordFile: String?
    /// The folder on the server (relative to the login folder, or absolute for SFTP).
    var path: String?
    /// Seconds a connection may take to open, or a remote call may wait for the server.
    var timeout = 30

    /// Reads the login settings of a folder.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordEnv = try c.decodeIfPresent(String.self, forKey: .passwordEnv)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        timeout = try c.decodeIfPresent(Int.self, forKey: .timeout) ?? timeout
    }

    /// Whether a password is configured.
    var hasPassword: Bool { passwordEnv != nil || passwordFile != nil }

    /// `user@host:port/path`, never the password.
    func location(defaultPort: Int) -> String {
        "\(username ?? "")@\(host ?? ""):\(port ?? defaultPort)/\(path ?? "")"
    }

    /// The password, from the environment variable or the file: read when the folder starts (`run`, and again on
    /// SIGHUP), so commands that only read the store need none; nil if neither is configured.
    func password(yamlPath: String) throws -> String? {
        try Secret.read(env: passwordEnv, file: passwordFile, yamlPath: yamlPath, key: "password")
    }

    /// The problems of the login of a folder of `type`: its host, user name, port, timeout, and credentials when
    /// `hasCredentials` is false (`credentials` names the settings that give them).
    func problems(path yamlPath: String, type: String, credentials: String, hasCredentials: Bool) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if (host ?? "").isEmpty {
            problems.append(ConfigurationError(yamlPath, CodingKeys.host, "a folder of type \(type) needs its server's host"))
        } else if let host, let trouble = Self.hostProblem(host) {
            problems.append(ConfigurationError(yamlPath, CodingKeys.host, trouble))
        }
        if (username ?? "").isEmpty {
            problems.append(ConfigurationError(yamlPath, CodingKeys.username, "a folder of type \(type) needs a user name"))
        }
        if let port, !(1...65_535).contains(port) { problems.append(ConfigurationError(yamlPath, CodingKeys.port, "must be 1…65535")) }
        if !hasCredentials { problems.append(ConfigurationError(path: yamlPath, message: "a folder of type \(type) needs \(credentials)")) }
        return problems + Self.timeoutProblems(timeout, path: yamlPath)
    }

    /// What is wrong with a `host`, if anything, without repeating it (it may hold a password): a user or password
    /// (`user:password@host`) belongs in `username` and `passwordEnv`/`passwordFile`, never in a value that is shown
    /// in logs, `status` and the store; a scheme, path or space means it is not a host name or address.
    static func hostProblem(_ host: String) -> String? {
        if host.contains("@") {
            return "must be the server's name or address alone: a user or password in it (user:password@host) would be shown "
                + "in logs and status; give the user in username and the password in passwordEnv or passwordFile"
        }
        if host.contains("/") || host.contains(where: \.isWhitespace) {
            return "must be the server's name or address alone, without a scheme, path or spaces"
        }
        return nil
    }

    /// The problem with a remote folder's `timeout`: none when it is 1…3600 seconds.
    static func timeoutProblems(_ timeout: Int, path yamlPath: String) -> [ConfigurationError] {
        (1...3600).contains(timeout) ? [] : [ConfigurationError(yamlPath, CodingKeys.timeout, "must be 1…3600 seconds")]
    }
}

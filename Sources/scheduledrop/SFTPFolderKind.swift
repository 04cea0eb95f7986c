import DropFolders

/// A folder on an SSH server (`type: sftp`), through libssh2: password or private-key login, the host key checked
/// against a known_hosts file or trusted on first use.
struct SFTPFolderKind: FolderKind {
    static var names: [String] { ["sftp"] }
    static var noun: String { "an SFTP folder" }
    static var keys: [String] { ServerLogin.CodingKeys.allCases.map(\.stringValue) + CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case privateKeyFile, passphraseEnv, passphraseFile, knownHostsFile, hostKeyPolicy
    }

    /// How a folder treats a host key its known_hosts file does not list.
    enum HostKeyPolicy: String, Decodable {
        /// Refused.
        case strict
        /// Trusted on first use and pinned in the store; any other key is refused afterwards.
        case acceptNew
    }

    /// The server, the user and the folder (absolute, or relative to the login folder).
    var login: ServerLogin
    /// The private key file the folder logs in with (ed25519 or ECDSA).
    var privateKeyFile: String?
    /// The environment variable that holds the private key's passphrase.
    var passphraseEnv: String?
    /// A file that holds the private key's passphrase (its first line).
    var passphraseFile: String?
    /// The OpenSSH known_hosts file the server's host key is checked against.
    var knownHostsFile: String?
    /// What the folder does with a host key known_hosts does not list.
    var hostKeyPolicy = HostKeyPolicy.strict

    init(type: String, from decoder: any Decoder) throws {
        login = try ServerLogin(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        privateKeyFile = try c.decodeIfPresent(String.self, forKey: .privateKeyFile)
        passphraseEnv = try c.decodeIfPresent(String.self, forKey: .passphraseEnv)
        passphraseFile = try c.decodeIfPresent(String.self, forKey: .passphraseFile)
        knownHostsFile = try c.decodeIfPresent(String.self, forKey: .knownHostsFile)
        hostKeyPolicy = try c.decodeIfPresent(HostKeyPolicy.self, forKey: .hostKeyPolicy) ?? hostKeyPolicy
    }

    /// The server's port when none is configured.
    private static var defaultPort: Int { 22 }

    var location: String { login.location(defaultPort: Self.defaultPort) }
    var directory: String { login.path ?? "." }

    /// Key, known_hosts and passphrase files are read when the folder is used, as passwords are.
    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems = login.problems(
            path: yamlPath, type: "sftp", credentials: "passwordEnv, passwordFile or privateKeyFile",
            hasCredentials: login.hasPassword || privateKeyFile != nil)
        if knownHostsFile == nil && hostKeyPolicy == .strict {
            problems.append(
                ConfigurationError(
                    yamlPath, CodingKeys.knownHostsFile, "an SFTP folder needs a known_hosts file, or hostKeyPolicy: acceptNew"))
        }
        return problems
    }

    func source(id: String, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        SFTPFolder(
            SFTPFolder.Settings(
                id: id, host: login.host ?? "", port: login.port ?? Self.defaultPort, path: login.path ?? "",
                username: login.username ?? "", password: try login.password(yamlPath: yamlPath), privateKeyFile: privateKeyFile,
                passphrase: try Secret.read(env: passphraseEnv, file: passphraseFile, yamlPath: yamlPath, key: "passphrase"),
                knownHostsFile: knownHostsFile, acceptNewHostKey: hostKeyPolicy == .acceptNew, timeout: login.timeout),
            pins: pins)
    }
}

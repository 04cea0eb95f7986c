import DropFolders

/// A folder on an SSH server (`type: sftp`), through libssh2: password or private-key login, the host key checked
/// against a known_hosts file or trusted on first use.
enum SFTPFolderKind: FolderKind {
    static var names: [String] { ["sftp"] }
    static var noun: String { "an SFTP folder" }
    static var keys: Set<FolderConfiguration.CodingKeys> {
        [
            .path, .host, .port, .timeout, .username, .passwordEnv, .passwordFile, .privateKeyFile, .passphraseEnv, .passphraseFile,
            .knownHostsFile, .hostKeyPolicy,
        ]
    }

    /// The server's port when none is configured.
    private static var defaultPort: Int { 22 }

    static func location(of folder: FolderConfiguration) -> String { folder.serverLocation(defaultPort: defaultPort) }

    /// Key, known_hosts and passphrase files are read when the folder is used, as passwords are.
    static func problems(of folder: FolderConfiguration, path: String) -> [ConfigurationError] {
        var problems = folder.serverProblems(
            path: path, credentials: "passwordEnv, passwordFile or privateKeyFile",
            hasCredentials: folder.passwordEnv != nil || folder.passwordFile != nil || folder.privateKeyFile != nil)
        if folder.knownHostsFile == nil && folder.hostKeyPolicy == .strict {
            problems.append(
                FolderConfiguration.problem(
                    .knownHostsFile, at: path, "an SFTP folder needs a known_hosts file, or hostKeyPolicy: acceptNew"))
        }
        return problems
    }

    static func source(of folder: FolderConfiguration, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        SFTPFolder(
            SFTPFolder.Settings(
                id: folder.id, host: folder.host ?? "", port: folder.port ?? defaultPort, path: folder.path ?? "",
                username: folder.username ?? "",
                password: try FolderConfiguration.secret(
                    env: folder.passwordEnv, file: folder.passwordFile, yamlPath: yamlPath, key: "password"),
                privateKeyFile: folder.privateKeyFile,
                passphrase: try FolderConfiguration.secret(
                    env: folder.passphraseEnv, file: folder.passphraseFile, yamlPath: yamlPath, key: "passphrase"),
                knownHostsFile: folder.knownHostsFile, acceptNewHostKey: folder.hostKeyPolicy == .acceptNew, timeout: folder.timeout),
            pins: pins)
    }
}

import DropFolders
import Foundation

/// A folder on an FTP server (`type: ftp`), or on an FTPS one (`type: ftps`: TLS required on every connection).
enum FTPFolderKind: FolderKind {
    static var names: [String] { ["ftp", "ftps"] }
    static var noun: String { "an FTP folder" }
    static var keys: Set<FolderConfiguration.CodingKeys> {
        [.path, .host, .port, .timeout, .username, .passwordEnv, .passwordFile, .caFile, .verifyCertificate, .listingTimeZone]
    }

    /// The server's port when none is configured.
    private static var defaultPort: Int { 21 }

    static func location(of folder: FolderConfiguration) -> String { folder.serverLocation(defaultPort: defaultPort) }

    static func problems(of folder: FolderConfiguration, path: String) -> [ConfigurationError] {
        var problems = folder.serverProblems(
            path: path, credentials: "passwordEnv or passwordFile", hasCredentials: folder.passwordEnv != nil || folder.passwordFile != nil)
        if TimeZone(identifier: folder.listingTimeZone) == nil {
            problems.append(FolderConfiguration.problem(.listingTimeZone, at: path, "\(folder.listingTimeZone) is not an IANA time zone"))
        }
        return problems
    }

    static func source(of folder: FolderConfiguration, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        FTPFolder(
            FTPFolder.Settings(
                id: folder.id, host: folder.host ?? "", port: folder.port ?? defaultPort, path: folder.path ?? "",
                username: folder.username ?? "", password: try folder.password(yamlPath: yamlPath), tls: folder.type == "ftps",
                certificateAuthorities: folder.caFile, verifyCertificate: folder.verifyCertificate,
                listingZone: TimeZone(identifier: folder.listingTimeZone) ?? TimeZone(identifier: "UTC")!, timeout: folder.timeout))
    }
}

import DropFolders
import Foundation

/// A folder on an FTP server (`type: ftp`), or on an FTPS one (`type: ftps`: TLS required on every connection).
struct FTPFolderKind: FolderKind {
    static var names: [String] { ["ftp", "ftps"] }
    static var noun: String { "an FTP folder" }
    static var keys: [String] {
        (ServerLogin.CodingKeys.allCases.map(\.stringValue) + CertificateCheck.CodingKeys.allCases.map(\.stringValue)
            + CodingKeys.allCases.map(\.stringValue))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listingTimeZone
    }

    /// `ftp` or `ftps`.
    var type: String
    /// The server, the user and the folder.
    var login: ServerLogin
    /// How an FTPS server's certificate is checked.
    var certificates: CertificateCheck
    /// The zone of the times an FTP server's LIST gives (MLSD times are UTC).
    var listingTimeZone = "UTC"

    init(type: String, from decoder: any Decoder) throws {
        self.type = type
        login = try ServerLogin(from: decoder)
        certificates = try CertificateCheck(from: decoder)
        listingTimeZone =
            try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .listingTimeZone) ?? listingTimeZone
    }

    /// The server's port when none is configured.
    private static var defaultPort: Int { 21 }

    var location: String { login.location(defaultPort: Self.defaultPort) }
    var directory: String { login.path ?? "." }
    var warnings: [String] { certificates.warnings }

    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems = login.problems(
            path: yamlPath, type: type, credentials: "passwordEnv or passwordFile", hasCredentials: login.hasPassword)
        if TimeZone(identifier: listingTimeZone) == nil {
            problems.append(ConfigurationError(yamlPath, CodingKeys.listingTimeZone, "\(listingTimeZone) is not an IANA time zone"))
        }
        return problems
    }

    func source(id: String, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        guard let password = try login.password(yamlPath: yamlPath) else {
            throw ConfigurationError(path: yamlPath, message: "a folder of type \(type) needs passwordEnv or passwordFile")
        }
        return FTPFolder(
            FTPFolder.Settings(
                id: id, host: login.host ?? "", port: login.port ?? Self.defaultPort, path: login.path ?? "",
                username: login.username ?? "", password: password, tls: type == "ftps", certificateAuthorities: certificates.caFile,
                verifyCertificate: certificates.verifyCertificate,
                listingZone: TimeZone(identifier: listingTimeZone) ?? TimeZone(identifier: "UTC")!, timeout: login.timeout))
    }
}

import DropFolders
import Foundation
import Ingestion
import Schedule

/// One drop folder in the configuration file.
struct FolderConfiguration: Decodable {
    /// What happens to a file after its job.
    enum AfterProcessing: String, Decodable {
        case keep, delete, move
    }

    /// The event type names a folder may default to.
    enum EventTypeName: String, Decodable {
        case record, liveStream, blackout

        var eventType: EventType {
            switch self {
            case .record: .record
            case .liveStream: .liveStream
            case .blackout: .blackout
            }
        }
    }

    var id: String
    /// The `type:` value: `local`, `ftp`, `ftps`, `sftp` or `s3` (`FolderKinds.names`).
    var type = "local"
    /// The kind `type` chooses.
    var kind: any FolderKind.Type = LocalFolderKind.self
    /// The settings the file gives for this folder, to find those its kind does not read.
    var givenKeys: Set<CodingKeys> = []
    /// How a folder on an SSH server treats a host key its known_hosts file does not list.
    enum HostKeyPolicy: String, Decodable {
        /// Refused.
        case strict
        /// Trusted on first use and pinned in the store; any other key is refused afterwards.
        case acceptNew
    }

    /// The directory, for a local folder; the folder on the server (relative to the login folder, or absolute
    /// for SFTP) for FTP and SFTP.
    var path: String?
    /// The server, for a remote folder.
    var host: String?
    /// The server's port; default 21 for FTP and FTPS, 22 for SFTP.
    var port: Int?
    /// Seconds a connection may take to open, or a remote call may wait for the server.
    var timeout = 30
    /// The user name on the server.
    var username: String?
    /// The environment variable that holds the password (the password itself is never in the file).
    var passwordEnv: String?
    /// A file that holds the password (its first line).
    var passwordFile: String?
    /// The private key file an SFTP folder logs in with (ed25519 or ECDSA).
    var privateKeyFile: String?
    /// The environment variable that holds the private key's passphrase.
    var passphraseEnv: String?
    /// A file that holds the private key's passphrase (its first line).
    var passphraseFile: String?
    /// The OpenSSH known_hosts file an SFTP server's host key is checked against.
    var knownHostsFile: String?
    /// What an SFTP folder does with a host key known_hosts does not list.
    var hostKeyPolicy = HostKeyPolicy.strict
    /// The bucket of an S3 folder.
    var bucket: String?
    /// The key prefix of an S3 folder (`inbox/`); empty for the bucket's top level.
    var prefix: String?
    /// An S3-compatible server's base URL; default AWS's endpoint for the region.
    var endpoint: String?
    /// The region S3 requests are signed for.
    var region = "us-east-1"
    /// Whether the bucket goes in the URL's path rather than its host name; default true with an `endpoint`.
    var pathStyle: Bool?
    /// The environment variable that holds the S3 access key id.
    var accessKeyEnv = "AWS_ACCESS_KEY_ID"
    /// The environment variable that holds the S3 secret access key.
    var secretKeyEnv = "AWS_SECRET_ACCESS_KEY"
    /// An AWS shared credentials file to read the S3 keys from instead of the environment.
    var credentialsFile: String?
    /// The profile of `credentialsFile`.
    var profile = "default"
    /// A PEM file of certificate authorities for FTPS, instead of the system's.
    var caFile: String?
    /// Whether FTPS checks the server's certificate; turning it off is logged at every start.
    var verifyCertificate = true
    /// The zone of the times an FTP server's LIST gives (MLSD times are UTC).
    var listingTimeZone = "UTC"
    var partnerId = 1
    var patterns = NamePatterns.defaultInclude
    var ignore = NamePatterns.defaultIgnore
    /// Seconds between full listings.
    var pollInterval = 30.0
    /// The longest wait, in seconds, between listings of a folder that keeps failing.
    var maxBackoff = 600.0
    /// Seconds a file must stay unchanged before it is taken.
    var fileSizeCheckInterval = 5.0
    var strict = false
    var eventType = EventTypeName.record
    /// The IANA zone floating times are read in.
    var timeZone = "UTC"
    var afterProcessing = AfterProcessing.keep
    /// Where handled files go with `move`; default `<path>/.handled`.
    var handledFolder: String?
    /// Where failed files go with `move` (and with `delete`, so a failed file is never lost); default `<path>/.failed`.
    var failedFolder: String?
    /// Bytes; larger files are ignored.
    var maxFileSize: Int64 = 1 << 30
    var maxFilesPerPoll = 100

    /// The folder of the embedded default: `./dropfolder`, partner 1.
    static let embeddedDefault = FolderConfiguration(id: "local", path: "./dropfolder")

    init(id: String, path: String) {
        self.id = id
        self.path = path
    }

    /// Every setting a folder may have: the common ones, then those of one kind or another (`FolderKind.keys`).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, partnerId, patterns, ignore, pollInterval, maxBackoff, fileSizeCheckInterval, strict, eventType, timeZone
        case afterProcessing, handledFolder, failedFolder, maxFileSize, maxFilesPerPoll
        case path, host, port, timeout, username, passwordEnv, passwordFile, caFile, verifyCertificate, listingTimeZone
        case privateKeyFile, passphraseEnv, passphraseFile, knownHostsFile, hostKeyPolicy
        case bucket, prefix, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv, credentialsFile, profile
    }

    /// The settings every folder takes, whatever its kind.
    static let commonKeys: Set<CodingKeys> = [
        .id, .type, .partnerId, .patterns, .ignore, .pollInterval, .maxBackoff, .fileSizeCheckInterval, .strict, .eventType, .timeZone,
        .afterProcessing, .handledFolder, .failedFolder, .maxFileSize, .maxFilesPerPoll,
    ]

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        givenKeys = Set(c.allKeys)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? type
        guard let kind = FolderKinds.kind(named: type) else {
            throw ConfigurationError(
                path: (c.codingPath + [CodingKeys.type]).dottedPath,
                message: "unknown folder type \(type); known: \(FolderKinds.names.joined(separator: ", "))")
        }
        self.kind = kind
        path = try c.decodeIfPresent(String.self, forKey: .path)
        partnerId = try c.decodeIfPresent(Int.self, forKey: .partnerId) ?? partnerId
        patterns = try c.decodeIfPresent([String].self, forKey: .patterns) ?? patterns
        ignore = try c.decodeIfPresent([String].self, forKey: .ignore) ?? ignore
        pollInterval = try c.decodeIfPresent(Double.self, forKey: .pollInterval) ?? pollInterval
        maxBackoff = try c.decodeIfPresent(Double.self, forKey: .maxBackoff) ?? maxBackoff
        fileSizeCheckInterval = try c.decodeIfPresent(Double.self, forKey: .fileSizeCheckInterval) ?? fileSizeCheckInterval
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict) ?? strict
        eventType = try c.decodeIfPresent(EventTypeName.self, forKey: .eventType) ?? eventType
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? timeZone
        afterProcessing = try c.decodeIfPresent(AfterProcessing.self, forKey: .afterProcessing) ?? afterProcessing
        handledFolder = try c.decodeIfPresent(String.self, forKey: .handledFolder)
        failedFolder = try c.decodeIfPresent(String.self, forKey: .failedFolder)
        maxFileSize = try c.decodeIfPresent(Int64.self, forKey: .maxFileSize) ?? maxFileSize
        maxFilesPerPoll = try c.decodeIfPresent(Int.self, forKey: .maxFilesPerPoll) ?? maxFilesPerPoll
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        timeout = try c.decodeIfPresent(Int.self, forKey: .timeout) ?? timeout
        privateKeyFile = try c.decodeIfPresent(String.self, forKey: .privateKeyFile)
        passphraseEnv = try c.decodeIfPresent(String.self, forKey: .passphraseEnv)
        passphraseFile = try c.decodeIfPresent(String.self, forKey: .passphraseFile)
        knownHostsFile = try c.decodeIfPresent(String.self, forKey: .knownHostsFile)
        hostKeyPolicy = try c.decodeIfPresent(HostKeyPolicy.self, forKey: .hostKeyPolicy) ?? hostKeyPolicy
        bucket = try c.decodeIfPresent(String.self, forKey: .bucket)
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? region
        pathStyle = try c.decodeIfPresent(Bool.self, forKey: .pathStyle)
        accessKeyEnv = try c.decodeIfPresent(String.self, forKey: .accessKeyEnv) ?? accessKeyEnv
        secretKeyEnv = try c.decodeIfPresent(String.self, forKey: .secretKeyEnv) ?? secretKeyEnv
        credentialsFile = try c.decodeIfPresent(String.self, forKey: .credentialsFile)
        profile = try c.decodeIfPresent(String.self, forKey: .profile) ?? profile
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordEnv = try c.decodeIfPresent(String.self, forKey: .passwordEnv)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        verifyCertificate = try c.decodeIfPresent(Bool.self, forKey: .verifyCertificate) ?? verifyCertificate
        listingTimeZone = try c.decodeIfPresent(String.self, forKey: .listingTimeZone) ?? listingTimeZone
    }

    /// Where the folder is, for people: its path, or `user@host:port/path` on a server (never the password).
    var location: String { kind.location(of: self) }

    /// Where a folder on a server reached by host and user is: `user@host:port/path`.
    func serverLocation(defaultPort: Int) -> String {
        "\(username ?? "")@\(host ?? ""):\(port ?? defaultPort)/\(path ?? "")"
    }

    /// The password, from the environment variable or the file the folder names: read when the folder starts
    /// (`run`, and again on SIGHUP), so commands that only read the store need no password.
    ///
    /// Throws a `ConfigurationError` that names where the password should be, never the password.
    func password(yamlPath: String) throws -> String {
        guard let password = try Self.secret(env: passwordEnv, file: passwordFile, yamlPath: yamlPath, key: "password") else {
            throw ConfigurationError(path: yamlPath, message: "a remote folder needs passwordEnv or passwordFile")
        }
        return password
    }

    /// A secret from the environment variable `env` or the first line of `file`; nil if neither is set.
    static func secret(env: String?, file: String?, yamlPath: String, key: String) throws -> String? {
        if let name = env { return try environment(name, yamlPath: yamlPath, key: key) }
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(path: yamlPath + ".\(key)File", message: "\(file) cannot be read")
            }
            return String(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
        }
        return nil
    }

    /// The value of the environment variable `name` that holds the secret `key`; an error if it is not set or empty.
    static func environment(_ name: String, yamlPath: String, key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw ConfigurationError(path: yamlPath + ".\(key)Env", message: "the environment variable \(name) is not set")
        }
        return value
    }

    /// A problem with the setting `key` of the folder at `yamlPath`.
    static func problem(_ key: CodingKeys, at yamlPath: String, _ message: String) -> ConfigurationError {
        ConfigurationError(path: "\(yamlPath).\(key.rawValue)", message: message)
    }

    /// The problems of a folder on a server reached by host and user (FTP, FTPS, SFTP): its host, user name, port,
    /// credentials (`credentials` names the settings that give them) and timeout.
    func serverProblems(path yamlPath: String, credentials: String, hasCredentials: Bool) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if (host ?? "").isEmpty { problems.append(Self.problem(.host, at: yamlPath, "a folder of type \(type) needs its server's host")) }
        if (username ?? "").isEmpty { problems.append(Self.problem(.username, at: yamlPath, "a folder of type \(type) needs a user name")) }
        if let port, !(1...65_535).contains(port) { problems.append(Self.problem(.port, at: yamlPath, "must be 1…65535")) }
        if !hasCredentials { problems.append(ConfigurationError(path: yamlPath, message: "a folder of type \(type) needs \(credentials)")) }
        return problems + timeoutProblems(path: yamlPath)
    }

    /// The problem with `timeout`, for a remote folder: none when it is 1…3600 seconds.
    func timeoutProblems(path yamlPath: String) -> [ConfigurationError] {
        (1...3600).contains(timeout) ? [] : [Self.problem(.timeout, at: yamlPath, "must be 1…3600 seconds")]
    }

    /// What is wrong with this folder's settings; `path` is its YAML path.
    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func problem(_ key: CodingKeys, _ message: String) {
            problems.append(Self.problem(key, at: yamlPath, message))
        }
        if id.isEmpty || id.contains("/") { problem(.id, "must be a non-empty name without '/'") }
        for key in CodingKeys.allCases where givenKeys.contains(key) && !Self.commonKeys.contains(key) && !kind.keys.contains(key) {
            let takers = FolderKinds.all.filter { $0.keys.contains(key) }.map { $0.noun }
            let list = takers.dropLast().joined(separator: ", ") + (takers.count > 1 ? " or " : "") + (takers.last ?? "")
            problem(key, "not a setting of \(kind.noun), only of \(list)")
        }
        problems += kind.problems(of: self, path: yamlPath)
        if partnerId <= 0 { problem(.partnerId, "must be a positive integer") }
        if patterns.isEmpty { problem(.patterns, "must name at least one pattern") }
        if !(pollInterval > 0 && pollInterval <= 86_400) { problem(.pollInterval, "must be more than 0 seconds and at most a day") }
        if !(maxBackoff >= pollInterval && maxBackoff <= 86_400) {
            problem(.maxBackoff, "must be at least the poll interval and at most a day")
        }
        if !(fileSizeCheckInterval >= 0 && fileSizeCheckInterval <= 86_400) {
            problem(.fileSizeCheckInterval, "must be 0 seconds to a day")
        }
        if TimeZone(identifier: timeZone) == nil { problem(.timeZone, "\(timeZone) is not an IANA time zone") }
        if maxFileSize <= 0 { problem(.maxFileSize, "must be more than 0 bytes") }
        if maxFilesPerPoll <= 0 { problem(.maxFilesPerPoll, "must be at least 1") }
        return problems
    }

    /// The runtime settings of this folder with the configuration's event `limits`; call only when `problems` is empty.
    func settings(limits: EventLimits) -> FolderSettings {
        var directory = kind.directory(of: self)
        if directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        let base = directory.isEmpty ? "" : directory + "/"
        let handled = handledFolder ?? base + ".handled"
        let failed = failedFolder ?? base + ".failed"
        return FolderSettings(
            id: id, partnerId: partnerId, patterns: NamePatterns(include: patterns, ignore: ignore),
            pollInterval: .milliseconds(Int64(pollInterval * 1000)), maximumBackoff: .milliseconds(Int64(maxBackoff * 1000)),
            stabilityInterval: .milliseconds(Int64(fileSizeCheckInterval * 1000)), strict: strict,
            defaultEventType: eventType.eventType, timeZone: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!,
            afterHandled: afterProcessing == .keep ? .keep : afterProcessing == .delete ? .delete : .move(to: handled),
            afterFailed: afterProcessing == .keep ? .keep : .move(to: failed),
            maximumFileSize: maxFileSize, maximumFilesPerPoll: maxFilesPerPoll, limits: limits)
    }
}

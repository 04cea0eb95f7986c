import DropFolders
import Foundation
import Ingestion
import Schedule

/// One drop folder in the configuration file.
struct FolderConfiguration: Decodable {
    /// The kinds of folder.
    enum Kind: String, Decodable {
        case local, ftp, ftps, sftp, s3
    }

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
    var type = Kind.local
    /// The directory, for a local folder; the folder on the server, relative to the login folder, for FTP.
    var path: String?
    /// The server, for a remote folder.
    var host: String?
    /// The server's port; default 21 for FTP and FTPS.
    var port: Int?
    /// The user name on the server.
    var username: String?
    /// The environment variable that holds the password (the password itself is never in the file).
    var passwordEnv: String?
    /// A file that holds the password (its first line).
    var passwordFile: String?
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, path, partnerId, patterns, ignore, pollInterval, maxBackoff, fileSizeCheckInterval, strict, eventType, timeZone
        case afterProcessing, handledFolder, failedFolder, maxFileSize, maxFilesPerPoll
        case host, port, username, passwordEnv, passwordFile, caFile, verifyCertificate, listingTimeZone
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decodeIfPresent(Kind.self, forKey: .type) ?? type
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
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordEnv = try c.decodeIfPresent(String.self, forKey: .passwordEnv)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        verifyCertificate = try c.decodeIfPresent(Bool.self, forKey: .verifyCertificate) ?? verifyCertificate
        listingTimeZone = try c.decodeIfPresent(String.self, forKey: .listingTimeZone) ?? listingTimeZone
    }

    /// Where the folder is, for people: its path, or `user@host:port/path` on a server (never the password).
    var location: String {
        isFTP ? "\(username ?? "")@\(host ?? ""):\(port ?? 21)/\(path ?? "")" : path ?? "-"
    }

    /// Whether the folder is on an FTP server.
    var isFTP: Bool { type == .ftp || type == .ftps }

    /// The password, from the environment variable or the file the folder names: read when the folder starts
    /// (`run`, and again on SIGHUP), so commands that only read the store need no password.
    ///
    /// Throws a `ConfigurationError` that names where the password should be, never the password.
    func password(yamlPath: String) throws -> String {
        if let name = passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ConfigurationError(path: yamlPath + ".passwordEnv", message: "the environment variable \(name) is not set")
            }
            return value
        }
        if let file = passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(path: yamlPath + ".passwordFile", message: "\(file) cannot be read")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        throw ConfigurationError(path: yamlPath, message: "a remote folder needs passwordEnv or passwordFile")
    }

    /// The FTP folder this configuration describes; call only when `problems` is empty.
    func ftpSettings(yamlPath: String) throws -> FTPFolder.Settings {
        FTPFolder.Settings(
            id: id, host: host ?? "", port: port ?? 21, path: path ?? "", username: username ?? "",
            password: try password(yamlPath: yamlPath),
            tls: type == .ftps, certificateAuthorities: caFile, verifyCertificate: verifyCertificate,
            listingZone: TimeZone(identifier: listingTimeZone) ?? TimeZone(identifier: "UTC")!)
    }

    /// What is wrong with this folder's settings; `path` is its YAML path.
    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func problem(_ key: CodingKeys, _ message: String) {
            problems.append(ConfigurationError(path: "\(yamlPath).\(key.rawValue)", message: message))
        }
        if id.isEmpty || id.contains("/") { problem(.id, "must be a non-empty name without '/'") }
        if type == .sftp || type == .s3 { problem(.type, "\(type.rawValue) folders are not supported by this version yet") }
        if type == .local && (path ?? "").isEmpty { problem(.path, "a local folder needs a path") }
        if isFTP {
            if (host ?? "").isEmpty { problem(.host, "an FTP folder needs its server's host") }
            if (username ?? "").isEmpty { problem(.username, "an FTP folder needs a user name") }
            if let port, !(1...65_535).contains(port) { problem(.port, "must be 1…65535") }
            if passwordEnv == nil && passwordFile == nil {
                problems.append(ConfigurationError(path: yamlPath, message: "a remote folder needs passwordEnv or passwordFile"))
            }
            if TimeZone(identifier: listingTimeZone) == nil { problem(.listingTimeZone, "\(listingTimeZone) is not an IANA time zone") }
        }
        if partnerId <= 0 { problem(.partnerId, "must be a positive integer") }
        if patterns.isEmpty { problem(.patterns, "must name at least one pattern") }
        if !(pollInterval > 0) { problem(.pollInterval, "must be more than 0 seconds") }
        if !(maxBackoff >= pollInterval) { problem(.maxBackoff, "must be at least the poll interval") }
        if !(fileSizeCheckInterval >= 0) { problem(.fileSizeCheckInterval, "must be 0 seconds or more") }
        if TimeZone(identifier: timeZone) == nil { problem(.timeZone, "\(timeZone) is not an IANA time zone") }
        if maxFileSize <= 0 { problem(.maxFileSize, "must be more than 0 bytes") }
        if maxFilesPerPoll <= 0 { problem(.maxFilesPerPoll, "must be at least 1") }
        return problems
    }

    /// The runtime settings of this folder with the configuration's event `limits`; call only when `problems` is empty.
    func settings(limits: EventLimits) -> FolderSettings {
        let directory = path ?? "."
        let handled = handledFolder ?? directory + "/.handled"
        let failed = failedFolder ?? directory + "/.failed"
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

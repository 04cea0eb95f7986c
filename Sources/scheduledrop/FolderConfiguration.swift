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
    /// The directory, for a local folder.
    var path: String?
    var partnerId = 1
    var patterns = NamePatterns.defaultInclude
    var ignore = NamePatterns.defaultIgnore
    /// Seconds between full listings.
    var pollInterval = 30.0
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
        case id, type, path, partnerId, patterns, ignore, pollInterval, fileSizeCheckInterval, strict, eventType, timeZone
        case afterProcessing, handledFolder, failedFolder, maxFileSize, maxFilesPerPoll
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
        fileSizeCheckInterval = try c.decodeIfPresent(Double.self, forKey: .fileSizeCheckInterval) ?? fileSizeCheckInterval
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict) ?? strict
        eventType = try c.decodeIfPresent(EventTypeName.self, forKey: .eventType) ?? eventType
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? timeZone
        afterProcessing = try c.decodeIfPresent(AfterProcessing.self, forKey: .afterProcessing) ?? afterProcessing
        handledFolder = try c.decodeIfPresent(String.self, forKey: .handledFolder)
        failedFolder = try c.decodeIfPresent(String.self, forKey: .failedFolder)
        maxFileSize = try c.decodeIfPresent(Int64.self, forKey: .maxFileSize) ?? maxFileSize
        maxFilesPerPoll = try c.decodeIfPresent(Int.self, forKey: .maxFilesPerPoll) ?? maxFilesPerPoll
    }

    /// What is wrong with this folder's settings; `path` is its YAML path.
    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func problem(_ key: CodingKeys, _ message: String) {
            problems.append(ConfigurationError(path: "\(yamlPath).\(key.rawValue)", message: message))
        }
        if id.isEmpty || id.contains("/") { problem(.id, "must be a non-empty name without '/'") }
        if type != .local { problem(.type, "\(type.rawValue) folders are not supported by this version yet; use local") }
        if type == .local && (path ?? "").isEmpty { problem(.path, "a local folder needs a path") }
        if partnerId <= 0 { problem(.partnerId, "must be a positive integer") }
        if patterns.isEmpty { problem(.patterns, "must name at least one pattern") }
        if !(pollInterval > 0) { problem(.pollInterval, "must be more than 0 seconds") }
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
            pollInterval: .milliseconds(Int64(pollInterval * 1000)),
            stabilityInterval: .milliseconds(Int64(fileSizeCheckInterval * 1000)), strict: strict,
            defaultEventType: eventType.eventType, timeZone: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!,
            afterHandled: afterProcessing == .keep ? .keep : afterProcessing == .delete ? .delete : .move(to: handled),
            afterFailed: afterProcessing == .keep ? .keep : .move(to: failed),
            maximumFileSize: maxFileSize, maximumFilesPerPoll: maxFilesPerPoll, limits: limits)
    }
}

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
    /// The kind `type` chooses, with the settings only it reads.
    var kind: any FolderKind
    /// The settings the file gives for this folder that belong to other kinds than its own.
    var foreignKeys: [String] = []
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
        kind = LocalFolderKind(path: path)
    }

    /// The settings every folder takes, whatever its kind.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, partnerId, patterns, ignore, pollInterval, maxBackoff, fileSizeCheckInterval, strict, eventType, timeZone
        case afterProcessing, handledFolder, failedFolder, maxFileSize, maxFilesPerPoll
    }

    init(from decoder: any Decoder) throws {
        let given = try decoder.container(keyedBy: AnyCodingKey.self).allKeys
        let common = Set(CodingKeys.allCases.map(\.stringValue))
        let known = common.union(FolderKinds.all.flatMap { $0.keys })
        for key in given.sorted(by: { $0.stringValue < $1.stringValue }) where !known.contains(key.stringValue) {
            throw ConfigurationError(
                path: (decoder.codingPath + [key]).dottedPath,
                message: "unknown setting; known here: \(known.sorted().joined(separator: ", "))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? type
        guard let kind = FolderKinds.kind(named: type) else {
            throw ConfigurationError(
                path: (c.codingPath + [CodingKeys.type]).dottedPath,
                message: "unknown folder type \(type); known: \(FolderKinds.names.joined(separator: ", "))")
        }
        self.kind = try kind.init(type: type, from: decoder)
        foreignKeys = given.map(\.stringValue).filter { !common.contains($0) && !kind.keys.contains($0) }.sorted()
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
    }

    /// Where the folder is, for people: its path, or `user@host:port/path` on a server (never the password).
    var location: String { kind.location }

    /// What is wrong with this folder's settings; `path` is its YAML path.
    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func problem(_ key: CodingKeys, _ message: String) {
            problems.append(ConfigurationError(yamlPath, key, message))
        }
        if let trouble = Self.idProblem(id) { problem(.id, trouble) }
        for key in foreignKeys {
            let takers = FolderKinds.all.filter { $0.keys.contains(key) }.map { $0.noun }
            let list = takers.dropLast().joined(separator: ", ") + (takers.count > 1 ? " or " : "") + (takers.last ?? "")
            problems.append(
                ConfigurationError(path: "\(yamlPath).\(key)", message: "not a setting of \(Swift.type(of: kind).noun), only of \(list)"))
        }
        problems += kind.problems(path: yamlPath)
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

    /// What is wrong with a folder id, if anything. An id names the folder's rows in the store and its reports folder,
    /// so it is 1 to 64 ASCII letters, digits, `-`, `_` and `.`, not starting with `.`; `cli` and `upload-…` are the
    /// pseudo-folders of `scheduledrop ingest` and of each partner's uploads over the API, which a folder must not
    /// pose as (its reports would be served to that partner).
    static func idProblem(_ id: String) -> String? {
        let allowed = id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
                || byte == 0x2E
        }
        if id.isEmpty || id.utf8.count > 64 || !allowed || id.hasPrefix(".") {
            return "must be 1 to 64 ASCII letters, digits, '-', '_' and '.', not starting with '.'"
        }
        let lowered = id.lowercased()
        if lowered == "cli" || lowered.hasPrefix("upload-") {
            return "'cli' and 'upload-…' are reserved for `scheduledrop ingest` and for partners' uploads over the API"
        }
        return nil
    }

    /// The runtime settings of this folder with the configuration's event `limits`; call only when `problems` is empty.
    func settings(limits: EventLimits) -> FolderSettings {
        var directory = kind.directory
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

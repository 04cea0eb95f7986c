import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleStore
import Yams

/// The daemon's configuration file (YAML). Every setting has a default; unknown keys are errors.
///
/// Relative paths are taken from the working directory, as the embedded default's are.
struct Configuration: Decodable {
    /// Where the store, the staging area and (by default) the reports live.
    var dataDirectory = "./data"
    /// Where report files are written; default `<dataDirectory>/reports`.
    var reportsDirectory: String?
    /// The shared PostgreSQL store (`postgresql://USER@HOST:PORT/DATABASE`) of a fleet of daemons; nil for the embedded
    /// SQLite store in the data directory. Its password is never in the URL: it comes from `SCHEDULEDROP_STORE_PASSWORD`,
    /// else from `storePasswordFile`.
    var store: PostgresURL?
    /// A file holding the PostgreSQL store's password (its first line), when `SCHEDULEDROP_STORE_PASSWORD` is not set.
    var storePasswordFile: String?
    /// How long a daemon's leases on a PostgreSQL store last unless renewed (it renews them every third of this): how
    /// long after a daemon dies the others take its jobs over. At least 3.
    var storeLeaseSeconds: Int64 = 60
    /// Logging.
    var log = LogConfiguration()
    /// The drop folders; default one local folder `./dropfolder` of partner 1.
    var folders = [FolderConfiguration.embeddedDefault]
    /// The limits of events and the horizon of series, for every folder.
    var events = EventsConfiguration()
    /// The HTTP feed.
    var feed = FeedConfiguration()
    /// How many times a job may be cut off (the daemon died while running it) before its file fails instead of
    /// being run again at the next start.
    var maxJobCutOffs = JobRunner.defaultCutOffLimit
    /// The line of each setting in the file read, by dotted path (`folders[0].partnerId`); empty for the embedded default.
    var lines: [String: Int] = [:]

    /// The embedded default: what runs when no configuration file is given.
    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataDirectory, reportsDirectory, store, storePasswordFile, storeLeaseSeconds, log, folders, events, feed, maxJobCutOffs
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? dataDirectory
        reportsDirectory = try container.decodeIfPresent(String.self, forKey: .reportsDirectory)
        if let url = try container.decodeIfPresent(String.self, forKey: .store) {
            do {
                store = try PostgresURL(url)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .store, in: container, debugDescription: "\(error)")
            }
        }
        storePasswordFile = try container.decodeIfPresent(String.self, forKey: .storePasswordFile)
        storeLeaseSeconds = try container.decodeIfPresent(Int64.self, forKey: .storeLeaseSeconds) ?? storeLeaseSeconds
        guard storeLeaseSeconds >= 3 else {
            throw DecodingError.dataCorruptedError(
                forKey: .storeLeaseSeconds, in: container, debugDescription: "a lease lasts at least 3 seconds")
        }
        log = try container.decodeIfPresent(LogConfiguration.self, forKey: .log) ?? log
        folders = try container.decodeIfPresent([FolderConfiguration].self, forKey: .folders) ?? folders
        events = try container.decodeIfPresent(EventsConfiguration.self, forKey: .events) ?? events
        feed = try container.decodeIfPresent(FeedConfiguration.self, forKey: .feed) ?? feed
        maxJobCutOffs = try container.decodeIfPresent(Int.self, forKey: .maxJobCutOffs) ?? maxJobCutOffs
    }

    /// Reads the file at `path`, or returns the embedded default when `path` is nil.
    static func load(path: String?) throws -> Configuration {
        guard let path else { return Configuration() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(path: "", message: "cannot read \(path): \(error.localizedDescription)")
        }
        let source = text.isEmpty ? "{}" : text
        var lines: [String: Int] = [:]
        if let node = try? Yams.compose(yaml: source) { Self.index(node, path: "", into: &lines) }
        do {
            var configuration = try YAMLDecoder().decode(Configuration.self, from: source)
            configuration.lines = lines
            return configuration
        } catch {
            var explained = Self.explain(error)
            explained.line = Self.line(of: explained.path, in: lines)
            throw explained
        }
    }

    /// Records the line of every setting below `node`, by dotted path.
    static func index(_ node: Node, path: String, into lines: inout [String: Int]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                let child = path.isEmpty ? key.string ?? "" : path + "." + (key.string ?? "")
                lines[child] = key.mark?.line
                index(value, path: child, into: &lines)
            }
        case .sequence(let sequence):
            for (position, value) in sequence.enumerated() {
                let child = path + "[\(position)]"
                lines[child] = value.mark?.line
                index(value, path: child, into: &lines)
            }
        case .scalar, .alias:
            break
        }
    }

    /// The line of a setting, or of the nearest setting around it that the file has (a missing key's mapping).
    static func line(of path: String, in lines: [String: Int]) -> Int? {
        var current = path
        while !current.isEmpty {
            if let line = lines[current] { return line }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            current = String(current[..<cut])
        }
        return nil
    }

    /// The configuration error an error of decoding stands for, with the setting's path.
    ///
    /// Yams wraps errors thrown while decoding (our unknown-key errors too) in `dataCorrupted`; unwrap them.
    static func explain(_ error: any Error) -> ConfigurationError {
        switch error {
        case let error as ConfigurationError:
            return error
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return ConfigurationError(path: context.codingPath.dottedPath, message: "expected \(type): \(context.debugDescription)")
        case DecodingError.keyNotFound(let key, let context):
            return ConfigurationError(path: (context.codingPath + [key]).dottedPath, message: "required, and missing")
        case DecodingError.dataCorrupted(let context):
            if let underlying = context.underlyingError { return explain(underlying) }
            return ConfigurationError(path: context.codingPath.dottedPath, message: context.debugDescription)
        default:
            return ConfigurationError(path: "", message: "not valid YAML: \(error)")
        }
    }

    /// Every problem with values that decoded but do not make sense together; empty when the configuration is sound.
    func problems() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        var seen = Set<String>()
        for (index, folder) in folders.enumerated() {
            let path = "folders[\(index)]"
            if !seen.insert(folder.id).inserted {
                problems.append(ConfigurationError(path: path + ".id", message: "folder id \(folder.id) is used twice"))
            }
            problems += folder.problems(path: path)
        }
        problems += events.problems()
        problems += feed.problems()
        if !(1...1_000).contains(maxJobCutOffs) { problems.append(ConfigurationError(path: "maxJobCutOffs", message: "must be 1…1000")) }
        return problems.map { problem in
            var placed = problem
            placed.line = Self.line(of: problem.path, in: lines)
            return placed
        }
    }

    /// The settings of a job for a file given on the command line: the first folder's, with `partner` when given.
    func commandLineJobSettings(partner: Int?) -> JobSettings {
        var job = folders.first.map { self.settings(of: $0) }?.jobSettings ?? JobSettings(partnerId: 1, limits: events.limits)
        if let partner { job.partnerId = partner }
        return job
    }

    /// The runtime settings of a folder, with the limits of events; call only when `problems` is empty.
    func settings(of folder: FolderConfiguration) -> FolderSettings {
        folder.settings(limits: events.limits)
    }

    /// The partner a command works for: `requested`, or the first configured folder's (1 without folders).
    func partner(_ requested: Int?) -> Int {
        requested ?? folders.first?.partnerId ?? 1
    }

    /// The reports folder in force.
    var reportsPath: String { reportsDirectory ?? dataDirectory + "/reports" }
    /// The SQLite database file.
    var databasePath: String { dataDirectory + "/scheduledrop.sqlite" }
    /// Where files pushed over HTTP are kept until their job ran.
    var uploadsPath: String { dataDirectory + "/uploads" }
    /// The staging area for fetched files.
    var stagingPath: String { dataDirectory + "/staging" }
}

/// Logging settings.
struct LogConfiguration: Decodable {
    /// The lowest level written: trace, debug, info, notice, warning, error, critical.
    var level = Logger.Level.info
    /// json, logfmt, or auto (logfmt on a terminal, JSON otherwise).
    var format = LineLogHandler.Format.auto

    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, format
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        level = try container.decodeIfPresent(Logger.Level.self, forKey: .level) ?? level
        format = try container.decodeIfPresent(LineLogHandler.Format.self, forKey: .format) ?? format
    }
}

/// One problem in a configuration, with the YAML path of the setting (`folders[0].partnerId`) and its line.
struct ConfigurationError: Error, CustomStringConvertible {
    /// The dotted path of the setting; empty for the file as a whole.
    var path: String
    /// What is wrong.
    var message: String
    /// The 1-based line of the setting in the file, when known.
    var line: Int? = nil

    var description: String {
        let place = path.isEmpty ? "" : line.map { "\(path) (line \($0)): " } ?? "\(path): "
        return place + message
    }
}

extension ConfigurationError {
    /// A problem with the setting `key` of the entry at `yamlPath`.
    init(_ yamlPath: String, _ key: some CodingKey, _ message: String) {
        self.init(path: "\(yamlPath).\(key.stringValue)", message: message)
    }
}

/// A coding key for any name, to list the keys a YAML mapping really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws a `ConfigurationError` naming the first key of this mapping that `Keys` does not know.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let known = Set(Keys.allCases.map(\.stringValue))
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !known.contains(key.stringValue) {
            throw ConfigurationError(
                path: (codingPath + [key]).dottedPath,
                message: "unknown setting; known here: \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension Array where Element == any CodingKey {
    /// The path as `folders[0].partnerId`.
    var dottedPath: String {
        var text = ""
        for key in self {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }
}

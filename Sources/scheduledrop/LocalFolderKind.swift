import DropFolders
import Foundation

/// A directory of this machine (`type: local`, the default), watched with inotify and listed again at every poll.
struct LocalFolderKind: FolderKind {
    static var names: [String] { ["local"] }
    static var noun: String { "a local folder" }
    static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path
    }

    /// The directory.
    var path: String?

    /// A local folder at `path`.
    init(path: String?) {
        self.path = path
    }

    init(type: String, from decoder: any Decoder) throws {
        path = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .path)
    }

    var location: String { path ?? "-" }
    var directory: String { path ?? "." }

    func problems(path yamlPath: String) -> [ConfigurationError] {
        (path ?? "").isEmpty ? [ConfigurationError(yamlPath, CodingKeys.path, "a local folder needs a path")] : []
    }

    /// The directory, made first if missing.
    func source(id: String, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return LocalFolder(id: id, directory: directory)
    }
}

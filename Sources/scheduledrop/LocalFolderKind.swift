import DropFolders
import Foundation

/// A directory of this machine (`type: local`, the default), watched with inotify and listed again at every poll.
enum LocalFolderKind: FolderKind {
    static var names: [String] { ["local"] }
    static var noun: String { "a local folder" }
    static var keys: Set<FolderConfiguration.CodingKeys> { [.path] }

    static func location(of folder: FolderConfiguration) -> String { folder.path ?? "-" }

    static func problems(of folder: FolderConfiguration, path: String) -> [ConfigurationError] {
        (folder.path ?? "").isEmpty ? [FolderConfiguration.problem(.path, at: path, "a local folder needs a path")] : []
    }

    /// The directory, made first if missing.
    static func source(of folder: FolderConfiguration, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        let directory = directory(of: folder)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return LocalFolder(id: folder.id, directory: directory)
    }
}

import DropFolders

/// A kind of drop folder: the `type:` values that choose it, the settings only it reads (its own value), what it
/// checks and how its source is built.
///
/// Adding a kind, with settings of its own, is one type that conforms and one line in `FolderKinds.all`. The
/// settings every folder takes are `FolderConfiguration.CodingKeys`; a folder that sets one of another kind's
/// settings has a problem.
protocol FolderKind: Sendable {
    /// The `type:` values that choose this kind (`ftp` and `ftps`).
    static var names: [String] { get }
    /// A folder of this kind as a problem names it, with its article: `a local folder`, `an S3 folder`.
    static var noun: String { get }
    /// The settings this kind reads beyond the common ones.
    static var keys: [String] { get }
    /// Reads this kind's settings of a folder whose `type:` is `type`.
    init(type: String, from decoder: any Decoder) throws
    /// Where the folder is, for people; never a secret.
    var location: String { get }
    /// The directory the default `.handled` and `.failed` archives are made in.
    var directory: String { get }
    /// What the daemon warns of at every start (a check turned off).
    var warnings: [String] { get }
    /// What is wrong with this kind's settings; `path` is the folder's YAML path.
    func problems(path: String) -> [ConfigurationError]
    /// The source that lists and fetches the files of folder `id`, its secrets read now; call only when `problems`
    /// is empty.
    ///
    /// Throws a `ConfigurationError` that names where a secret should be, never the secret. `pins` keeps the SSH
    /// host keys trusted on first use.
    func source(id: String, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource
}

extension FolderKind {
    /// No warnings.
    var warnings: [String] { [] }
}

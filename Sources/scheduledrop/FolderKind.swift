import DropFolders

/// A kind of drop folder: the `type:` values that choose it, the settings only it reads, what it checks and how
/// its source is built.
///
/// Adding a kind is one type that conforms and one line in `FolderKinds.all`. The settings every folder takes
/// are `FolderConfiguration.commonKeys`; a folder that sets one of another kind's settings has a problem.
protocol FolderKind: SendableMetatype {
    /// The `type:` values that choose this kind (`ftp` and `ftps`).
    static var names: [String] { get }
    /// A folder of this kind as a problem names it, with its article: `a local folder`, `an S3 folder`.
    static var noun: String { get }
    /// The settings this kind reads beyond the common ones.
    static var keys: Set<FolderConfiguration.CodingKeys> { get }
    /// Where `folder` is, for people; never a secret.
    static func location(of folder: FolderConfiguration) -> String
    /// The directory the default `.handled` and `.failed` archives are made in.
    static func directory(of folder: FolderConfiguration) -> String
    /// What is wrong with the settings of `folder` this kind reads; `path` is the folder's YAML path.
    static func problems(of folder: FolderConfiguration, path: String) -> [ConfigurationError]
    /// The source that lists and fetches `folder`'s files, its secrets read now; call only when `problems` is empty.
    ///
    /// Throws a `ConfigurationError` that names where a secret should be, never the secret. `pins` keeps the SSH
    /// host keys trusted on first use.
    static func source(of folder: FolderConfiguration, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource
}

extension FolderKind {
    /// The folder's `path`, or the working directory.
    static func directory(of folder: FolderConfiguration) -> String { folder.path ?? "." }
}

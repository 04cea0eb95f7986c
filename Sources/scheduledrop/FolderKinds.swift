/// The folder kinds a configuration may name: the one list of them.
enum FolderKinds {
    /// Every kind, in the order `check-config` lists their `type:` values.
    static var all: [any FolderKind.Type] { [LocalFolderKind.self, FTPFolderKind.self, SFTPFolderKind.self, S3FolderKind.self] }

    /// Every `type:` value, in the order of `all`.
    static var names: [String] { all.flatMap { $0.names } }

    /// The kind a `type:` value chooses, or nil for an unknown value.
    static func kind(named name: String) -> (any FolderKind.Type)? {
        all.first { $0.names.contains(name) }
    }
}

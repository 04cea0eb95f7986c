/// Where SSH host keys trusted on first use are pinned, per folder and server (the daemon's store).
public protocol HostKeyPins: Sendable {
    /// The key pinned for the folder's server `host` (`name:port`), as known_hosts writes it; nil if none yet.
    func pinnedHostKey(folderId: String, host: String) async throws -> String?
    /// Pins `key` (with its `fingerprint`) for the folder's server `host`: from now on only this key is accepted.
    func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws
}

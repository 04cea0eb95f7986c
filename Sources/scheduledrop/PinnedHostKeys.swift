import DropFolders
import Logging
import ScheduleStore

/// SSH host keys trusted on first use, pinned in the store; each new pin is logged with its fingerprint.
struct PinnedHostKeys: HostKeyPins {
    let store: any FileLedger
    let logger: Logger

    func pinnedHostKey(folderId: String, host: String) async throws -> String? {
        try await store.pinnedHostKey(folderId: folderId, host: host)
    }

    func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws {
        try await store.pinHostKey(folderId: folderId, host: host, key: key, fingerprint: fingerprint)
        logger.notice(
            "host key trusted on first use and pinned",
            metadata: ["folder": "\(folderId)", "host": "\(host)", "fingerprint": "\(fingerprint)"])
    }
}

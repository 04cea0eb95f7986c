import DropFolders
import Foundation
import Synchronization
import TestSupport
import Testing

/// Host keys pinned in memory (the store's pins are tested through the daemon in IntegrationTests).
final class MemoryPins: HostKeyPins {
    private let keys = Mutex<[String: String]>([:])

    /// The pinned keys by folder and server.
    var pinned: [String: String] { keys.withLock { $0 } }

    func pinnedHostKey(folderId: String, host: String) async throws -> String? {
        keys.withLock { $0[folderId + "@" + host] }
    }

    func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws {
        keys.withLock { if $0[folderId + "@" + host] == nil { $0[folderId + "@" + host] = key } }
    }
}

/// `SFTPFolder` against a real OpenSSH sshd on loopback: listing with attributes, fetch, delete and move, key and
/// password logins, host keys checked against known_hosts or pinned on first use, and each failure's code.
@Suite(.serialized) struct SFTPFolderTests {
    static func folder(
        _ server: SSHServer, password: String? = nil, key: String? = nil, knownHosts: String? = nil, acceptNew: Bool = false,
        pins: any HostKeyPins = MemoryPins()
    ) -> SFTPFolder {
        SFTPFolder(
            SFTPFolder.Settings(
                id: "sftp", host: "127.0.0.1", port: server.port, path: "inbox", username: server.username, password: password,
                privateKeyFile: key, knownHostsFile: knownHosts, acceptNewHostKey: acceptNew, timeout: 5),
            pins: pins)
    }

    @Test func listFetchDeleteAndMoveWithAKey() async throws {
        let server = try await offPool { try SSHServer() }
        try server.put("term 2026.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        try server.put("rooms.csv", "a,b\n")
        try server.put("bad\u{7}name.ics", "x")
        try server.put("inner.ics", "x", in: "inbox/sub")
        let folder = Self.folder(server, key: server.clientKey, knownHosts: server.knownHosts)
        let all = try await folder.list().sorted { $0.path < $1.path }
        #expect(all.map(\.path) == ["bad\u{7}name.ics", "rooms.csv", "term 2026.ics"], "the folder is left out, names listed as they are")
        try await expectNeverTouched(all[0], by: folder) { FileManager.default.fileExists(atPath: server.home + "/inbox/" + all[0].path) }
        let listed = Array(all.dropFirst())
        #expect(listed.map(\.size) == [4, 32])
        for file in listed {
            let written = try #require(
                try FileManager.default.attributesOfItem(atPath: server.home + "/inbox/" + file.path)[.modificationDate] as? Date)
            #expect(file.modified == Int64(written.timeIntervalSince1970) * 1_000_000_000, "mtime to the second")
        }

        let staging = try TemporaryDirectory()
        let term = try #require(listed.last)
        try await folder.fetch(term, to: URL(fileURLWithPath: staging.path + "/term.ics"))
        #expect(try String(contentsOfFile: staging.path + "/term.ics", encoding: .utf8) == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        var stale = term
        stale.size += 1
        await #expect(throws: FolderError(.changedDuringFetch, "term 2026.ics had 32 bytes, not the 33 listed")) {
            try await folder.fetch(stale, to: URL(fileURLWithPath: staging.path + "/stale.ics"))
        }
        #expect(!FileManager.default.fileExists(atPath: staging.path + "/stale.ics.part"), "no partial file is left")
        stale.size = term.size - 1
        await #expect(throws: FolderError(.changedDuringFetch, "term 2026.ics grew past the 31 bytes listed")) {
            try await folder.fetch(stale, to: URL(fileURLWithPath: staging.path + "/stale.ics"))
        }

        var older = term
        older.modified -= 1_000_000_000
        for disposal in [Disposal.delete, .move(to: "inbox/.handled")] {
            await #expect(throws: FolderError(.changedBeforeDisposal, "inbox/term 2026.ics changed after its job; the newer version stays"))
            {
                try await folder.dispose(older, disposal)
            }
        }
        #expect(server.files().contains("term 2026.ics"), "a newer version is left for its own job")
        try await folder.dispose(term, .move(to: "inbox/.handled"))
        let handled = server.files(in: "inbox/.handled")
        #expect(handled.count == 1 && handled[0].hasPrefix("term 2026.") && handled[0].hasSuffix(".ics"), "\(handled)")
        try await folder.dispose(try #require(listed.first), .delete)
        #expect(try await folder.list().map(\.path) == ["bad\u{7}name.ics"], "only the refused name is left")
        #expect(server.files() == [".handled", "bad\u{7}name.ics", "sub"])
        await #expect(throws: FolderError.self) { try await folder.fetch(term, to: URL(fileURLWithPath: staging.path + "/gone")) }
        #expect(folder.kind == "sftp")
    }

    @Test func passwordLoginWorksAndAWrongOneIsAnAuthErrorWithoutTheSecret() async throws {
        let server = try await offPool { try SSHServer() }
        try server.put("a.ics", "x")
        #expect(try await Self.folder(server, password: server.password, knownHosts: server.knownHosts).list().map(\.path) == ["a.ics"])
        let wrong = "wrong-\(UUID().uuidString)"
        let error = await #expect(throws: FolderError.self) {
            try await Self.folder(server, password: wrong, knownHosts: server.knownHosts).list()
        }
        #expect(error?.code == .authFailed)
        #expect(error.map { !$0.message.contains(wrong) && !$0.message.contains(server.password) } == true, "\(String(describing: error))")
    }

    @Test func anRSAKeyIsRefusedWithTheReasonAndTheAdvice() async throws {
        let server = try await offPool { try SSHServer() }
        let keys = try TemporaryDirectory()
        let rsa = keys.path + "/client_rsa"
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        generate.arguments = ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa]
        try generate.run()
        generate.waitUntilExit()
        let authorized = try FileHandle(forWritingTo: URL(fileURLWithPath: server.home + "/.ssh/authorized_keys"))
        try authorized.seekToEnd()
        try authorized.write(contentsOf: try Data(contentsOf: URL(fileURLWithPath: rsa + ".pub")))
        try authorized.close()
        let error = await #expect(throws: FolderError.self) {
            try await Self.folder(server, key: rsa, knownHosts: server.knownHosts).list()
        }
        #expect(error?.code == .authFailed)
        #expect(error?.message.contains("this is an RSA key") == true && error?.message.contains("use an ed25519 or ECDSA key") == true)
    }

    @Test func aKeyWithAPassphraseNeedsTheRightOne() async throws {
        let server = try await offPool { try SSHServer() }
        try server.put("a.ics", "x")
        let keys = try TemporaryDirectory()
        let key = keys.path + "/locked_ed25519"
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        generate.arguments = ["-q", "-t", "ed25519", "-N", "open sesame", "-f", key]
        try generate.run()
        generate.waitUntilExit()
        let authorized = try FileHandle(forWritingTo: URL(fileURLWithPath: server.home + "/.ssh/authorized_keys"))
        try authorized.seekToEnd()
        try authorized.write(contentsOf: try Data(contentsOf: URL(fileURLWithPath: key + ".pub")))
        try authorized.close()
        func folder(_ passphrase: String?) -> SFTPFolder {
            SFTPFolder(
                SFTPFolder.Settings(
                    id: "sftp", host: "127.0.0.1", port: server.port, path: "inbox", username: server.username, privateKeyFile: key,
                    passphrase: passphrase, knownHostsFile: server.knownHosts, timeout: 5),
                pins: MemoryPins())
        }
        #expect(try await folder("open sesame").list().map(\.path) == ["a.ics"])
        let wrong = await #expect(throws: FolderError.self) { try await folder("wrong sesame").list() }
        #expect(wrong?.code == .authFailed)
        #expect(wrong.map { !$0.message.contains("sesame") } == true, "\(String(describing: wrong))")
    }

    @Test func unknownAndChangedHostKeysAreRefusedAndAcceptNewPinsTheFirstKey() async throws {
        let server = try await offPool { try SSHServer() }
        try server.put("a.ics", "x")
        let empty = try TemporaryDirectory()
        try empty.write("known_hosts", "")
        let unknown = await #expect(throws: FolderError.self) {
            try await Self.folder(server, key: server.clientKey, knownHosts: empty.path + "/known_hosts").list()
        }
        #expect(unknown?.code == .hostKeyRejected)
        #expect(unknown?.message.contains("[127.0.0.1]:\(server.port) \(server.hostKeyLine)") == true, "the line to add is given")

        let pins = MemoryPins()
        let trusting = Self.folder(server, key: server.clientKey, acceptNew: true, pins: pins)
        #expect(try await trusting.list().count == 1)
        #expect(pins.pinned == ["sftp@127.0.0.1:\(server.port)": server.hostKeyLine], "the first key is pinned")
        #expect(try await trusting.list().count == 1, "the pinned key is accepted again")

        try await offPool { try server.changeHostKey() }
        let changed = await #expect(throws: FolderError.self) {
            try await Self.folder(server, key: server.clientKey, knownHosts: server.knownHosts).list()
        }
        #expect(changed?.code == .hostKeyRejected)
        #expect(changed?.message.contains("not the one in known_hosts") == true)
        let repinned = await #expect(throws: FolderError.self) { try await trusting.list() }
        #expect(repinned?.code == .hostKeyRejected)
        #expect(repinned?.message.contains("not the one pinned on first use") == true)
        let keys = try TemporaryDirectory()
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        generate.arguments = ["-q", "-t", "ecdsa", "-N", "", "-f", keys.path + "/other_ecdsa"]
        try generate.run()
        generate.waitUntilExit()
        let other = try String(contentsOfFile: keys.path + "/other_ecdsa.pub", encoding: .utf8).split(separator: " ").prefix(2)
        try keys.write("known_hosts", "[127.0.0.1]:\(server.port) \(other.joined(separator: " "))\n")
        let otherType = await #expect(throws: FolderError.self) {
            try await Self.folder(server, key: server.clientKey, knownHosts: keys.path + "/known_hosts", acceptNew: true).list()
        }
        #expect(otherType?.message.contains("not the one in known_hosts") == true, "a listed key of another type is a mismatch")
        let alsoKnown = await #expect(throws: FolderError.self) {
            try await Self.folder(server, key: server.clientKey, knownHosts: server.knownHosts, acceptNew: true, pins: pins).list()
        }
        #expect(alsoKnown?.message.contains("not the one in known_hosts") == true, "acceptNew never overrides known_hosts")
    }

    @Test func aKeyTrustedOnFirstUseIsPinnedEvenWhenTheCallFails() async throws {
        let server = try await offPool { try SSHServer() }
        let pins = MemoryPins()
        let missing = SFTPFolder(
            SFTPFolder.Settings(
                id: "sftp", host: "127.0.0.1", port: server.port, path: "nowhere", username: server.username,
                privateKeyFile: server.clientKey,
                acceptNewHostKey: true, timeout: 5),
            pins: pins)
        let error = await #expect(throws: FolderError.self) { try await missing.list() }
        #expect(error?.code == .notFound)
        #expect(pins.pinned == ["sftp@127.0.0.1:\(server.port)": server.hostKeyLine], "the key the session trusted is pinned")
    }

    @Test func aMissingFolderIsNotFoundAndAStoppedServerUnreachable() async throws {
        let server = try await offPool { try SSHServer() }
        let folder = Self.folder(server, key: server.clientKey, knownHosts: server.knownHosts)
        let missing = await #expect(throws: FolderError.self) { try await folder.list() }
        #expect(missing?.code == .notFound)
        try await offPool { server.stop() }
        let error = await #expect(throws: FolderError.self) { try await folder.list() }
        #expect(error?.code == .unreachable)
        try await offPool { try server.start() }
        try server.put("back.ics", "x")
        #expect(try await folder.list().map(\.path) == ["back.ics"])
    }
}

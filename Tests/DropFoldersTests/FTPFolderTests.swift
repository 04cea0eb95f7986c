import DropFolders
import Foundation
import TestSupport
import Testing

/// `FTPFolder` against a real proftpd on loopback: MLSD and LIST, fetch, delete and move, errors, FTPS.
@Suite(.serialized) struct FTPFolderTests {
    static func folder(_ server: FTPServer, password: String? = nil, tls: Bool = false, authorities: String? = nil, verify: Bool = true)
        -> FTPFolder
    {
        FTPFolder(
            FTPFolder.Settings(
                id: "ftp", host: "127.0.0.1", port: server.port, path: "inbox", username: server.username,
                password: password ?? server.password, tls: tls, certificateAuthorities: authorities, verifyCertificate: verify, timeout: 5)
        )
    }

    @Test(arguments: [true, false])
    func listFetchDeleteAndMove(mlsd: Bool) async throws {
        let server = try await offPool { try FTPServer(mlsd: mlsd) }
        try server.put("term 2026.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        try server.put("rooms.csv", "a,b\n")
        try server.put("bad\u{7}name.ics", "x")
        try FileManager.default.createDirectory(atPath: server.home + "/inbox/sub", withIntermediateDirectories: true)
        let folder = Self.folder(server)
        let all = try await folder.list().sorted { $0.path < $1.path }
        #expect(all.map(\.path) == ["bad\u{7}name.ics", "rooms.csv", "term 2026.ics"], "the folder is left out, names listed as they are")
        try await expectNeverTouched(all[0], by: folder) { FileManager.default.fileExists(atPath: server.home + "/inbox/" + all[0].path) }
        let listed = Array(all.dropFirst())
        #expect(listed.map(\.size) == [4, 32])
        #expect(folder.listsWithMLSD == mlsd)
        for file in listed {
            let written = try #require(
                try FileManager.default.attributesOfItem(atPath: server.home + "/inbox/" + file.path)[.modificationDate] as? Date)
            let modified = Double(file.modified) / 1e9
            #expect(
                mlsd
                    ? abs(modified - written.timeIntervalSince1970) < 1
                    : modified <= written.timeIntervalSince1970 && written.timeIntervalSince1970 - modified < 60,
                "\(file) was written at \(written) (MLSD: to the second; LIST: to the minute)")
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

        try await folder.dispose(term, .move(to: "inbox/.handled"))
        let handled = try FileManager.default.contentsOfDirectory(atPath: server.home + "/inbox/.handled")
        #expect(handled.count == 1 && handled[0].hasPrefix("term 2026.") && handled[0].hasSuffix(".ics"), "\(handled)")
        try await folder.dispose(try #require(listed.first), .delete)
        #expect(try await folder.list().map(\.path) == ["bad\u{7}name.ics"], "only the refused name is left")
        #expect(folder.kind == "ftp")
    }

    @Test func wrongPasswordIsAnAuthErrorAndAStoppedServerIsUnreachable() async throws {
        let server = try await offPool { try FTPServer() }
        try server.put("a.ics", "x")
        let wrong = Self.folder(server, password: "not-the-password")
        do {
            _ = try await wrong.list()
            Issue.record("a wrong password must fail")
        } catch let error as FolderError {
            #expect(error.code == .authFailed)
            #expect(!error.message.contains("not-the-password") && !error.message.contains(server.password))
        }
        let folder = Self.folder(server)
        #expect(try await folder.list().count == 1)
        try await offPool { server.stop() }
        await #expect(throws: FolderError.self) { try await folder.list() }
        do { _ = try await folder.list() } catch let error as FolderError { #expect(error.code == .unreachable, "\(error)") }
    }

    @Test func ftpsChecksTheCertificate() async throws {
        let server = try await offPool { try FTPServer(tls: true) }
        try server.put("secure.ics", "BEGIN:VCALENDAR\r\n")
        let trusted = Self.folder(server, tls: true, authorities: server.certificate)
        #expect(try await trusted.list().map(\.path) == ["secure.ics"])
        #expect(trusted.kind == "ftps")
        let staging = try TemporaryDirectory()
        try await trusted.fetch(try #require(try await trusted.list().first), to: URL(fileURLWithPath: staging.path + "/s.ics"))
        #expect(FileManager.default.fileExists(atPath: staging.path + "/s.ics"))
        do {
            _ = try await Self.folder(server, tls: true).list()
            Issue.record("a self-signed certificate must not be trusted by default")
        } catch let error as FolderError {
            #expect(error.code == .tlsFailed, "\(error)")
        }
        #expect(try await Self.folder(server, tls: true, verify: false).list().count == 1, "verification turned off")
        do {
            _ = try await Self.folder(server).list()
            Issue.record("plain FTP against a server that requires TLS must fail")
        } catch let error as FolderError {
            #expect(error.code == .authFailed || error.code == .tlsFailed || error.code == .protocolFailed, "\(error)")
        }
    }
}

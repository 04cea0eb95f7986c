import Foundation
import TestSupport
import Testing

/// The daemon over an FTP folder on a real proftpd: ingested once, again when changed, deleted on the server
/// after processing; a wrong password shows in status as `folder.authFailed`, and no password is ever printed.
@Suite(.serialized) struct FTPDaemonTests {
    static func configure(_ root: TemporaryDirectory, server: FTPServer, afterProcessing: String = "keep", stability: Double = 0.6) throws {
        try """
        dataDirectory: \(root.path)/data
        log: { format: json }
        feed: { enabled: false }
        folders:
          - id: partner-ftp
            type: ftp
            host: 127.0.0.1
            port: \(server.port)
            path: inbox
            username: \(server.username)
            passwordEnv: FTP_PASSWORD
            partnerId: 42
            pollInterval: 0.5
            fileSizeCheckInterval: \(stability)
            afterProcessing: \(afterProcessing)
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
    }

    @Test func aFileOnTheServerIsIngestedOnceAgainWhenChangedAndDeletedAfter() async throws {
        let server = try FTPServer()
        let root = try TemporaryDirectory()
        try Self.configure(root, server: server)
        try server.put("term.ics", largeCalendar(events: 3))
        let daemon = try Daemon(
            ["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log",
            environment: ["FTP_PASSWORD": server.password])
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("file ingested")
        try await Task.sleep(for: .seconds(2))
        #expect(daemon.output.components(separatedBy: "\"msg\":\"file ingested\"").count == 2, "ingested once, not at every poll")
        try server.put("term.ics", largeCalendar(events: 4))
        try await daemon.waitForOutput("file ingested", count: 2)
        #expect(daemon.output.contains("\"added\":\"1\""), "the changed version added its new event")
        _ = daemon.stop(SIGTERM)

        try Self.configure(root, server: server, afterProcessing: "delete")
        try server.put("rooms.ics", largeCalendar(events: 1, uidPrefix: "r"))
        let deleting = try Daemon(
            ["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon2.log",
            environment: ["FTP_PASSWORD": server.password])
        defer { _ = deleting.stop(SIGTERM) }
        try await deleting.waitForOutput("file ingested")
        try await waitUntil("the handled files are deleted on the server") {
            ((try? FileManager.default.contentsOfDirectory(atPath: server.home + "/inbox")) ?? ["x"]).isEmpty
        }
        _ = deleting.stop(SIGTERM)
        let status = try Daemon(["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.json")
        status.process.waitUntilExit()
        #expect(status.output.contains("\"kind\" : \"ftp\""), "\(status.output)")
        for output in [daemon.output, deleting.output, status.output] { #expect(!output.contains(server.password)) }
    }

    @Test func aWrongPasswordIsAnAuthErrorInStatusWithNoSecretAnywhere() async throws {
        let server = try FTPServer()
        let root = try TemporaryDirectory()
        try Self.configure(root, server: server)
        let wrong = "wrong-\(UUID().uuidString)"
        let daemon = try Daemon(
            ["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log", environment: ["FTP_PASSWORD": wrong])
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("folder listing failed")
        let status = try Daemon(
            ["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.json",
            environment: ["FTP_PASSWORD": wrong])
        status.process.waitUntilExit()
        #expect(status.output.contains("folder.authFailed"), "\(status.output)")
        #expect(daemon.output.contains("\"code\":\"folder.authFailed\""))
        for output in [daemon.output, status.output] {
            #expect(!output.contains(wrong) && !output.contains(server.password))
        }
    }

    @Test func aFileStillBeingUploadedIsNotIngestedBeforeItIsStable() async throws {
        let server = try FTPServer()
        let root = try TemporaryDirectory()
        try Self.configure(root, server: server)
        let daemon = try Daemon(
            ["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log",
            environment: ["FTP_PASSWORD": server.password])
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("scheduledrop started")
        let text = largeCalendar(events: 40)
        let chunks = stride(from: 0, to: text.utf8.count, by: text.utf8.count / 8 + 1).map { offset in
            Data(text.utf8.dropFirst(offset).prefix(text.utf8.count / 8 + 1))
        }
        try server.put("slow.ics", "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: server.home + "/inbox/slow.ics"))
        for chunk in chunks {
            try handle.seekToEnd()
            try handle.write(contentsOf: chunk)
            try await Task.sleep(for: .milliseconds(300))
        }
        try handle.close()
        try await daemon.waitForOutput("file ingested")
        try await Task.sleep(for: .seconds(1))
        #expect(!daemon.output.contains("file failed"), "no partial upload was taken: \(daemon.output)")
        #expect(daemon.output.components(separatedBy: "\"msg\":\"file ingested\"").count == 2)
        #expect(daemon.output.contains("\"added\":\"40\""))
    }
}

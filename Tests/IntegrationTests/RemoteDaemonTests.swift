import Foundation
import TestSupport
import Testing

/// The daemon over folders on real FTP, FTPS, SFTP and S3 servers on loopback (proftpd, OpenSSH's sshd, moto with
/// signatures checked): each file ingested once with the same report as from a local folder, again when changed,
/// deleted or moved on the server after processing; a file still being uploaded left until it is stable; wrong
/// credentials an auth error with no secret anywhere; an outage backed off and recovered from while a local folder
/// goes on; and for SFTP a changed host key refused after the first one was pinned in the store.
@Suite(.serialized) struct RemoteDaemonTests {
    /// Writes a configuration of the `remote` folders (YAML items) and a local folder `local` of partner 7 at `root/drop`.
    static func configure(_ root: TemporaryDirectory, _ remote: [String]) throws {
        try FileManager.default.createDirectory(atPath: root.path + "/drop", withIntermediateDirectories: true)
        try """
        dataDirectory: \(root.path)/data
        log: { format: json }
        feed: { enabled: false }
        folders:
          - id: local
            path: \(root.path)/drop
            partnerId: 7
            fileSizeCheckInterval: 0.2
            pollInterval: 1
        \(remote.joined())
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
    }

    /// A calendar of `events` good events and one without DTSTART, which the report rejects.
    static func calendar(events: Int) -> String {
        largeCalendar(events: events).replacingOccurrences(
            of: "END:VCALENDAR", with: "BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR")
    }

    /// The reports of folder `id`, oldest job first, as JSON objects.
    static func reports(_ root: TemporaryDirectory, folder id: String) throws -> [[String: Any]] {
        let directory = root.path + "/data/reports/" + id
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
        return try names.sorted { Int($0.prefix { $0.isNumber }) ?? 0 < Int($1.prefix { $0.isNumber }) ?? 0 }.map {
            try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) as? [String: Any])
        }
    }

    /// A report without what differs between two folders and two jobs of the same file: where it came from, when,
    /// and the ids the store gave.
    static func comparable(_ report: [String: Any]) -> NSDictionary {
        var report = report
        for key in ["file", "startedAt", "finishedAt", "jobId", "partnerId"] { report[key] = nil }
        report["items"] = (report["items"] as? [[String: Any]])?.map { item in item.filter { $0.key != "id" } }
        return report as NSDictionary
    }

    func start(_ root: TemporaryDirectory, _ server: RemoteServer, secret: String? = nil, log: String = "daemon.log") throws -> Daemon {
        try Daemon(
            ["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/" + log,
            environment: server.environment(secret: secret))
    }

    @Test(arguments: RemoteKind.allCases)
    func ingestedOnceWithTheLocalReportAgainWhenChangedThenDeletedOrMovedOnTheServer(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        let root = try TemporaryDirectory()
        try Self.configure(
            root,
            [
                server.folderYAML(id: "keep", folder: "inbox", partnerId: 42),
                server.folderYAML(id: "delete", folder: "outbox", afterProcessing: "delete", partnerId: 43),
                server.folderYAML(id: "move", folder: "archive", afterProcessing: "move", partnerId: 44),
            ])
        let text = Self.calendar(events: 3)
        for folder in ["inbox", "outbox", "archive"] { try server.put("term.ics", text, in: folder) }
        try root.write("drop/term.ics", text)
        let daemon = try start(root, server)
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("\"msg\":\"file ingested\"", count: 4)
        try await waitUntil("delete and move act on the server") {
            try server.files(in: "outbox").isEmpty && server.files(in: "archive") == [".handled"]
        }
        let moved = try server.files(in: "archive/.handled")
        #expect(moved.count == 1 && moved[0].hasPrefix("term.") && moved[0].hasSuffix(".ics"), "\(moved)")
        let local = try #require(try Self.reports(root, folder: "local").first)
        for id in ["keep", "delete", "move"] {
            let reports = try Self.reports(root, folder: id)
            #expect(reports.count == 1)
            #expect(Self.comparable(try #require(reports.first)) == Self.comparable(local), "\(id): the same report as the local folder's")
        }
        #expect((local["counts"] as? [String: Int])?["rejected"] == 1 && (local["counts"] as? [String: Int])?["added"] == 3)

        try await Task.sleep(for: .seconds(2))
        #expect(daemon.output.components(separatedBy: "\"msg\":\"file ingested\"").count - 1 == 4, "each file once, not at every poll")
        try server.put("term.ics", Self.calendar(events: 4), in: "inbox")
        try await daemon.waitForOutput("\"msg\":\"file ingested\"", count: 5)
        let again = try Self.reports(root, folder: "keep")
        #expect(again.count == 2)
        #expect((again.last?["counts"] as? [String: Int])?["added"] == 1, "the changed version added its new event")
        let status = try Daemon(
            ["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.json",
            environment: server.environment())
        status.process.waitUntilExit()
        #expect(status.output.components(separatedBy: "\"kind\" : \"\(kind)\"").count - 1 == 3, "\(status.output)")
        #expect(!daemon.output.contains(server.secret) && !status.output.contains(server.secret))
    }

    @Test(arguments: RemoteKind.allCases)
    func aFileStillBeingUploadedIsNotIngestedBeforeItIsStable(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        let root = try TemporaryDirectory()
        try Self.configure(root, [server.folderYAML(id: "remote", folder: "inbox", partnerId: 42, poll: 0.3, stable: 3)])
        try server.put("other.ics", Self.calendar(events: 1), in: "inbox")
        let daemon = try start(root, server)
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("\"msg\":\"file ingested\"")
        try await server.upload("slow.ics", largeCalendar(events: 40, uidPrefix: "slow"), in: "inbox", chunks: 8, pause: .milliseconds(400))
        try await daemon.waitForOutput("\"msg\":\"file ingested\"", count: 2)
        try await Task.sleep(for: .seconds(1))
        #expect(!daemon.output.contains("file failed"), "no partial upload was taken: \(daemon.output)")
        #expect(daemon.output.components(separatedBy: "\"msg\":\"file ingested\"").count - 1 == 2)
        #expect(daemon.output.contains("\"added\":\"40\""))
    }

    @Test(arguments: RemoteKind.allCases)
    func wrongCredentialsAreAnAuthErrorInStatusAndLogsWithNoSecretAnywhere(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        let root = try TemporaryDirectory()
        try Self.configure(root, [server.folderYAML(id: "remote", folder: "inbox", partnerId: 42)])
        let wrong = "wrong-\(UUID().uuidString)"
        let daemon = try start(root, server, secret: wrong)
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("folder listing failed")
        let status = try Daemon(
            ["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.json",
            environment: server.environment(secret: wrong))
        status.process.waitUntilExit()
        #expect(status.output.contains("folder.authFailed"), "\(status.output)")
        #expect(daemon.output.contains("\"code\":\"folder.authFailed\""), "\(daemon.output)")
        if kind == .s3 { #expect(daemon.output.contains("SignatureDoesNotMatch"), "the server refused the signature") }
        for output in [daemon.output, status.output] {
            #expect(!output.contains(wrong) && !output.contains(server.secret))
        }
    }

    @Test(arguments: RemoteKind.allCases)
    func anOutageIsBackedOffAndRecoveredFromWhileALocalFolderGoesOn(kind: RemoteKind) async throws {
        let server = try await offPool { try RemoteServer(kind) }
        let root = try TemporaryDirectory()
        try Self.configure(root, [server.folderYAML(id: "remote", folder: "inbox", partnerId: 42, poll: 0.25, stable: 0.3)])
        try server.put("before.ics", Self.calendar(events: 1), in: "inbox")
        let daemon = try start(root, server)
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("\"msg\":\"file ingested\"")

        try await offPool { server.fail() }
        try await daemon.waitForOutput("\"code\":\"folder.unreachable\"", count: 3, timeout: .seconds(60))
        try root.write("drop/during.ics", largeCalendar(events: 2, uidPrefix: "local"))
        try await daemon.waitForOutput("during.ics", timeout: .seconds(30))
        try await daemon.waitForOutput("\"msg\":\"file ingested\"", count: 2)
        let waits = daemon.output.split(separator: "\n").filter { $0.contains("folder listing failed") }.compactMap { line in
            line.components(separatedBy: "\"retry_in_ms\":\"").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        }
        #expect(waits.count >= 3 && waits[2] > waits[0], "the waits grow: \(waits)")
        #expect(waits.allSatisfy { $0 <= 4000 }, "and stay under maxBackoff: \(waits)")
        let status = try Daemon(
            ["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.json",
            environment: server.environment())
        status.process.waitUntilExit()
        #expect(status.output.contains("\"code\" : \"folder.unreachable\""), "the outage is in status: \(status.output)")
        #expect(status.output.range(of: #""consecutiveFailures" : [1-9]"#, options: .regularExpression) != nil, "\(status.output)")
        #expect(status.output.contains("\"nextPollAt\""), "\(status.output)")

        try await offPool { try server.recover() }
        try server.put("after.ics", Self.calendar(events: 1).replacingOccurrences(of: "UID:e1", with: "UID:after"), in: "inbox")
        try await daemon.waitForOutput("folder listing works again", timeout: .seconds(30))
        try await daemon.waitForOutput("\"msg\":\"file ingested\"", count: 3, timeout: .seconds(30))
        #expect(daemon.output.contains("after.ics"))
    }

    @Test func aChangedSSHHostKeyIsRefusedAfterTheFirstWasPinnedInTheStore() async throws {
        let server = try await offPool { try RemoteServer(.sftp) }
        let ssh = try #require(server.sshServer)
        let root = try TemporaryDirectory()
        let folder = server.folderYAML(id: "remote", folder: "inbox", partnerId: 42)
            .replacingOccurrences(of: "    knownHostsFile: \(ssh.knownHosts)\n", with: "    hostKeyPolicy: acceptNew\n")
        try Self.configure(root, [folder])
        try server.put("a.ics", Self.calendar(events: 1), in: "inbox")
        let daemon = try start(root, server)
        try await daemon.waitForOutput("\"msg\":\"file ingested\"")
        #expect(daemon.output.contains("host key trusted on first use and pinned"))
        _ = daemon.stop(SIGTERM)

        try await offPool { try ssh.changeHostKey() }
        let restarted = try start(root, server, log: "daemon2.log")
        defer { _ = restarted.stop(SIGTERM) }
        try await restarted.waitForOutput("\"code\":\"folder.hostKeyRejected\"")
        #expect(restarted.output.contains("not the one pinned on first use"), "\(restarted.output)")
        #expect(!restarted.output.contains("host key trusted on first use and pinned"), "the new key is not pinned")
    }

    @Test func s3KeysComeFromASharedCredentialsFileProfile() async throws {
        let server = try await offPool { try RemoteServer(.s3) }
        let root = try TemporaryDirectory()
        let folder =
            server.folderYAML(id: "remote", folder: "inbox", partnerId: 42)
            .replacingOccurrences(of: "    accessKeyEnv: REMOTE_KEY\n    secretKeyEnv: REMOTE_SECRET\n", with: "")
            + "    credentialsFile: \(root.path)/credentials\n    profile: drop\n"
        try Self.configure(root, [folder])
        let keys = server.environment()
        try root.write(
            "credentials",
            "[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n\n[drop]\n"
                + "aws_access_key_id = \(keys["REMOTE_KEY"] ?? "")\naws_secret_access_key = \(server.secret)\n")
        try server.put("a.ics", Self.calendar(events: 1), in: "inbox")
        let daemon = try Daemon(["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log")
        defer { _ = daemon.stop(SIGTERM) }
        try await daemon.waitForOutput("\"msg\":\"file ingested\"")
        #expect(!daemon.output.contains(server.secret))
    }

    @Test func checkConfigNamesWhatARemoteFolderLacks() async throws {
        let root = try TemporaryDirectory()
        try """
        folders:
          - id: a
            type: sftp
            host: sftp.example
            username: u
            passwordEnv: P
          - id: b
            type: sftp
            host: sftp.example
            username: u
          - id: c
            type: s3
            prefix: in/
          - id: d
            type: s3
            bucket: drop
            endpoint: "not a url"
          - id: e
            type: ftp
            host: ftp.example
            username: u
            passwordEnv: P
            pollInterval: 60
            maxBackoff: 30
            timeout: 99999
        """.write(toFile: root.path + "/c.yaml", atomically: true, encoding: .utf8)
        let check = try Daemon(["check-config", "--config", "c.yaml"], in: root.path, logPath: root.path + "/out")
        check.process.waitUntilExit()
        #expect(check.process.terminationStatus == 1)
        for expected in [
            "folders[0].knownHostsFile (line 2): an SFTP folder needs a known_hosts file, or hostKeyPolicy: acceptNew",
            "folders[1] (line 7): a folder of type sftp needs passwordEnv, passwordFile or privateKeyFile",
            "folders[2].bucket (line 11): an S3 folder needs its bucket's name",
            "folders[3].endpoint (line 17): not a url is not a URL",
            "folders[4].maxBackoff (line 24): must be at least the poll interval",
            "folders[4].timeout (line 25): must be 1…3600 seconds",
        ] {
            #expect(check.output.contains(expected), "\(expected) in \(check.output)")
        }
    }
}

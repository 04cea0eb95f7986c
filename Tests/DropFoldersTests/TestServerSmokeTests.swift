import Foundation
import TestSupport
import Testing

/// The SFTP and S3 test servers, driven with OpenSSH's sftp and curl: files put are seen, host keys and signatures are
/// checked, and a stopped or paused server is unreachable until started or resumed.
struct TestServerSmokeTests {
    /// Runs `executable` to its end; returns its exit status and its output and errors together.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func sshServer() async throws {
        let server = try await offPool { try SSHServer() }
        try server.put("a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        #expect(server.files() == ["a.ics"])
        let client = try TemporaryDirectory()
        try client.write("batch", "ls inbox\n")
        func list(knownHosts: String) throws -> (status: Int32, output: String) {
            try Self.run(
                "/usr/bin/sftp",
                [
                    "-F", "/dev/null", "-P", String(server.port), "-i", server.clientKey, "-o", "IdentitiesOnly=yes",
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes", "-b", client.path + "/batch",
                    server.username + "@127.0.0.1",
                ])
        }
        let listed = try list(knownHosts: server.knownHosts)
        #expect(listed.status == 0 && listed.output.contains("inbox/a.ics"), "\(listed.output)")

        try await offPool { try server.changeHostKey() }
        let changed = try list(knownHosts: server.knownHosts)
        #expect(changed.status != 0 && changed.output.contains("Host key verification failed"), "\(changed.output)")
        try client.write("known_hosts", "[127.0.0.1]:\(server.port) \(server.hostKeyLine)\n")
        #expect(try list(knownHosts: client.path + "/known_hosts").status == 0)

        try await offPool { server.stop() }
        let stopped = try list(knownHosts: client.path + "/known_hosts")
        #expect(stopped.status != 0 && stopped.output.contains("Connection refused"), "\(stopped.output)")
        try await offPool { try server.start() }
        #expect(try list(knownHosts: client.path + "/known_hosts").status == 0)
    }

    @Test func s3Server() async throws {
        let server = try await offPool { try S3Server() }
        try server.put("inbox/a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        try server.put("inbox/term 2026+1.ics", "x")
        try server.put("other/b.ics", "x")
        #expect(try server.keys(prefix: "inbox/") == ["inbox/a.ics", "inbox/term 2026+1.ics"])
        #expect(try server.keys(prefix: "inbox/term 2026+") == ["inbox/term 2026+1.ics"])
        #expect(try server.keys() == ["inbox/a.ics", "inbox/term 2026+1.ics", "other/b.ics"])

        let url = server.endpoint + "/" + server.bucket + "/inbox/a.ics"
        func get(secret: String, timeout: Int = 10) throws -> (status: Int32, output: String) {
            try Self.run(
                "/usr/bin/curl",
                [
                    "-sS", "--max-time", String(timeout), "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:\(server.region):s3",
                    "--user", server.accessKey + ":" + secret, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", url,
                ])
        }
        #expect(try get(secret: server.secretKey).output == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\n200")
        let wrong = try get(secret: "wrong" + server.secretKey)
        #expect(wrong.output.contains("<Code>SignatureDoesNotMatch</Code>") && wrong.output.hasSuffix("\n403"), "\(wrong.output)")
        let unsigned = try Self.run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", url])
        #expect(unsigned.output != "200", "an unsigned request is refused")

        server.pause()
        let paused = try get(secret: server.secretKey, timeout: 2)
        #expect(paused.status == 28, "curl timed out: \(paused.output)")
        server.resume()
        #expect(try get(secret: server.secretKey).output.hasSuffix("\n200"))
    }
}

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// No credential ever appears in anything the daemon writes or answers: a run with a partner token (and its
/// hash in the configuration) is driven through the feed, a drop folder and every reading command, and all of
/// it (logs, command output, responses, report files, the store's reports) is searched for the secrets.
@Suite struct SecretGrepTests {
    @Test func noCredentialInAnyOutputOfARun() async throws {
        let root = try TemporaryDirectory()
        let token = "grep-me-\(UUID().uuidString)"
        let hash = sha256Hex(token)
        let (daemon, port) = try await Daemon.withFeed(in: root, token: token, logLevel: "debug")
        defer { _ = daemon.stop(SIGTERM) }
        try largeCalendar(events: 2).write(toFile: root.path + "/drop/dropped.ics", atomically: true, encoding: .utf8)
        try await daemon.waitForOutput("file ingested")

        var answers: [String] = []
        func call(_ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)" + path)!)
            if let body {
                request.httpMethod = "POST"
                request.httpBody = body
            }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await URLSession(configuration: .ephemeral).data(for: request)
            answers.append(String(decoding: data, as: UTF8.self) + "\((response as? HTTPURLResponse)?.allHeaderFields ?? [:])")
        }
        let list = "/api_v3/service/schedule_scheduleevent/action/list"
        try await call(list + "?format=1&ks=\(token)")
        try await call(list + "/format/ical/ks/\(token)/filter:noSuchFilter/1")
        try await call(list + "?format=2", headers: ["Authorization": "Bearer \(token)"])
        try await call(list + "?format=1&ks=\(token)x")
        try await call(list + "?format=1&ks=\(hash)")
        try await call(
            "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1&ks=\(token)",
            body: Data(largeCalendar(events: 1, uidPrefix: "pushed").utf8), headers: ["Content-Type": "text/calendar"])
        try await call("/api_v3/service/bulkupload_bulk/action/list?format=1&ks=\(token)")
        try await call("/metrics")
        try await waitUntil("the pushed file is ingested") { daemon.output.components(separatedBy: "file ingested").count > 2 }

        for arguments in [["check-config"], ["status", "--json"], ["status"], ["reports", "--json"], ["reports"], ["events", "--json"]] {
            let command = try Daemon(
                arguments + ["--config", "config.yaml"], in: root.path, logPath: root.path + "/\(arguments.joined(separator: "-")).out")
            command.process.waitUntilExit()
            #expect(command.process.terminationStatus == 0, "\(arguments)")
            answers.append(command.output)
        }
        _ = daemon.stop(SIGTERM)
        var written: [(String, Data)] = []
        let data = root.path + "/data"
        for case let file as String in FileManager.default.enumerator(atPath: data) ?? .init() {
            if let bytes = FileManager.default.contents(atPath: data + "/" + file) { written.append((file, bytes)) }
        }
        #expect(
            written.contains { $0.0.hasPrefix("scheduledrop.sqlite") && $0.1.range(of: Data("pushed1".utf8)) != nil },
            "the store (its file or its write-ahead log) is searched")
        #expect(written.contains { $0.0.hasSuffix("dropped.ics.json") })
        let texts = (answers + [daemon.output]).map { ("output", Data($0.utf8)) }
        for secret in [token, hash] {
            for (name, bytes) in written + texts {
                #expect(
                    bytes.range(of: Data(secret.utf8)) == nil, "a secret in \(name): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
            }
        }
        #expect(answers.count == 14)
    }
}

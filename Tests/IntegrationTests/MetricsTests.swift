import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The running daemon's `/metrics`: files, items, job durations, folder state, events and feed requests.
@Suite struct MetricsTests {
    @Test func metricsCountFilesItemsJobsFoldersEventsAndRequests() async throws {
        let root = try TemporaryDirectory()
        let token = "metrics-test-token-\(UUID().uuidString)"
        let (daemon, port) = try await Daemon.withFeed(in: root, token: token)
        defer { _ = daemon.stop(SIGTERM) }
        try largeCalendar(events: 3).write(toFile: root.path + "/drop/good.ics", atomically: true, encoding: .utf8)
        try "not a calendar".write(toFile: root.path + "/drop/bad.ics", atomically: true, encoding: .utf8)
        try await daemon.waitForOutput("file failed")
        try await daemon.waitForOutput("file ingested")

        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession(configuration: .ephemeral).data(
                from: URL(string: "http://127.0.0.1:\(port)" + path)!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        #expect(try await get("/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=\(token)").0 == 200)
        #expect(try await get("/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=wrong").1.contains("INVALID_KS"))
        let (status, metrics) = try await get("/metrics")
        #expect(status == 200)
        let lines = Set(metrics.split(separator: "\n").map(String.init))
        for expected in [
            #"scheduledrop_files_total{folder="inbox",outcome="handled"} 1"#,
            #"scheduledrop_files_total{folder="inbox",outcome="error"} 1"#,
            #"scheduledrop_items_total{result="added"} 3"#,
            #"scheduledrop_job_duration_seconds_count{kind="ical"} 2"#,
            #"scheduledrop_folder_consecutive_failures{folder="inbox"} 0.0"#,
            #"scheduledrop_folder_queue_depth{folder="inbox"} 0.0"#,
            #"scheduledrop_events{partner="42"} 3.0"#,
            #"scheduledrop_feed_requests_total{action="schedule_scheduleevent.list",status="200",error="none"} 1"#,
            #"scheduledrop_feed_requests_total{action="schedule_scheduleevent.list",status="200",error="INVALID_KS"} 1"#,
        ] {
            #expect(lines.contains(expected), "\(expected) not in:\n\(metrics)")
        }
        #expect(!metrics.contains(token) && !daemon.output.contains(token), "no token in metrics or logs")
    }
}

/// The lower-case hex SHA-256 of a text, by the system's `sha256sum`.
func sha256Hex(_ text: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}

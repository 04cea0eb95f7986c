import Foundation
import TestSupport
import Testing

/// `scheduledrop ingest` shows how far a large file has been read: plain lines when standard error is not a
/// terminal, a bar redrawn in place on one; small files show nothing.
@Suite struct IngestProgressTests {
    @Test func aLargeFileShowsPlainLinesWhenNotOnATerminal() async throws {
        let root = try TemporaryDirectory()
        let calendar = largeCalendar(events: 24_000)
        #expect(calendar.utf8.count > 4 << 20)
        try calendar.write(toFile: root.path + "/big.ics", atomically: true, encoding: .utf8)
        try largeCalendar(events: 3, uidPrefix: "s").write(toFile: root.path + "/small.ics", atomically: true, encoding: .utf8)
        let ingest = try Daemon(
            ["ingest", "--data", "data", "big.ics", "small.ics"], in: root.path, logPath: root.path + "/err", stdoutPath: root.path + "/out"
        )
        ingest.process.waitUntilExit()
        #expect(ingest.process.terminationStatus == 0)
        let lines = ingest.output.split(separator: "\n").filter { $0.hasPrefix("big.ics: ") }
        #expect(lines.count >= 2 && lines.count <= 11, "\(ingest.output)")
        #expect(lines.last?.hasSuffix("MB read") == true)
        #expect(lines.last?.contains("100%") == true, "\(lines)")
        #expect(!ingest.output.contains("\r"))
        #expect(!ingest.output.contains("small.ics:"), "a small file shows no progress")
    }

    @Test func aTerminalGetsABarRedrawnInPlace() async throws {
        let root = try TemporaryDirectory()
        try largeCalendar(events: 24_000).write(toFile: root.path + "/big.ics", atomically: true, encoding: .utf8)
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        script.arguments = ["-q", "-e", "-c", "'\(Daemon.binary)' ingest --data data big.ics > /dev/null", root.path + "/typescript"]
        script.currentDirectoryURL = URL(fileURLWithPath: root.path)
        script.standardOutput = FileHandle.nullDevice
        try script.run()
        script.waitUntilExit()
        #expect(script.terminationStatus == 0)
        let typescript = try String(contentsOfFile: root.path + "/typescript", encoding: .utf8)
        #expect(typescript.contains("\rbig.ics ["), "\(typescript.debugDescription)")
        #expect(typescript.contains("[####################] 100%"))
    }
}

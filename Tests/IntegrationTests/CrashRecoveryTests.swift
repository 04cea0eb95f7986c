import Foundation
import Ingestion
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// Starts the real daemon, kills it with SIGKILL in the middle of a large job, and checks exactly-once ingestion.
@Suite(.serialized) struct CrashRecoveryTests {
    static let eventCount = 40_000

    /// Writes `config.yaml` in `root` for one folder `inbox` of partner 42 at `root/drop`, and returns the folder's path.
    static func inbox(in root: TemporaryDirectory) throws -> String {
        let drop = root.path + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try """
        dataDirectory: \(root.path)/data
        log: { format: json }
        feed: { port: 0 }
        folders:
          - id: inbox
            path: \(drop)
            partnerId: 42
            fileSizeCheckInterval: 0.2
            pollInterval: 1
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
        return drop
    }

    @Test func killedMidJobTheFileIsCommittedExactlyOnceAfterRestart() async throws {
        let root = try TemporaryDirectory()
        let drop = try Self.inbox(in: root)
        try largeCalendar(events: Self.eventCount).write(toFile: drop + "/big.ics", atomically: true, encoding: .utf8)
        let arguments = ["run", "--config", root.path + "/config.yaml"]
        let logPath = root.path + "/daemon.log"

        // First run: kill it as its job starts.
        let first = try Daemon(arguments, in: root.path, logPath: logPath)
        try await first.stop(SIGKILL, whenOutputShows: "\"msg\":\"job started\"")
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        let interrupted = try #require(try await store.versions(folderId: "inbox", path: "big.ics").first)
        #expect(interrupted.state == .processing, "the job was cut off before it committed")
        #expect(try await store.eventCount(partnerId: 42) == 0, "nothing of an uncommitted job is visible")
        #expect(try await store.finishedJobCount(fileId: interrupted.id) == 0)

        // Second run: the unfinished job runs again and commits once.
        let second = try Daemon(arguments, in: root.path, logPath: logPath)
        try await waitUntil("big.ics is handled", timeout: .seconds(120)) {
            try await store.versions(folderId: "inbox", path: "big.ics").first?.state == .handled
        }
        #expect(try await store.eventCount(partnerId: 42) == Self.eventCount)
        #expect(Set(try await store.events(partnerId: 42).map(\.referenceId)).count == Self.eventCount)
        #expect(try await store.versions(folderId: "inbox", path: "big.ics").map(\.id) == [interrupted.id])
        #expect(try await store.finishedJobCount(fileId: interrupted.id) == 1)
        #expect(try await store.reports(fileId: interrupted.id).first?.counts.added == Self.eventCount)
        #expect(second.stop(SIGTERM) == 0, "SIGTERM is a clean exit")

        // Third run: nothing is ingested again.
        let third = try Daemon(arguments, in: root.path, logPath: logPath)
        try await third.waitForOutput("scheduledrop started", count: 3)
        try await Task.sleep(for: .seconds(2))
        #expect(third.stop(SIGTERM) == 0)
        #expect(try await store.versions(folderId: "inbox", path: "big.ics").count == 1)
        #expect(try await store.finishedJobCount(fileId: interrupted.id) == 1)
        #expect(try await store.eventCount(partnerId: 42) == Self.eventCount)

        let log = first.output
        #expect(log.contains("\"msg\":\"resuming unfinished job\""))
        #expect(log.components(separatedBy: "\"msg\":\"file ingested\"").count - 1 == 1, "one log line per file outcome")
    }

    @Test func aFileWhoseJobIsCutOffThreeTimesFailsAndTheQueueMovesOn() async throws {
        let root = try TemporaryDirectory()
        let drop = try Self.inbox(in: root)
        try largeCalendar(events: Self.eventCount).write(toFile: drop + "/big.ics", atomically: true, encoding: .utf8)
        let arguments = ["run", "--config", root.path + "/config.yaml"]
        let logPath = root.path + "/daemon.log"
        try FileManager.default.createDirectory(atPath: root.path + "/data", withIntermediateDirectories: true)
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        // Each run dies while the job is in hand, as under a memory limit that the job exceeds.
        for run in 0..<JobRunner.defaultCutOffLimit {
            let daemon = try Daemon(arguments, in: root.path, logPath: logPath)
            try await daemon.stop(SIGKILL, whenOutputShows: "\"cut_off\":\"\(run)\"")
            #expect(try await store.versions(folderId: "inbox", path: "big.ics").first?.state == .processing, "run \(run) was cut off")
        }
        try largeCalendar(events: 10, uidPrefix: "n").write(toFile: drop + "/next.ics", atomically: true, encoding: .utf8)

        let last = try Daemon(arguments, in: root.path, logPath: logPath)
        try await last.explainingFailure {
            try await waitUntil("next.ics is handled", timeout: .seconds(120)) {
                try await store.versions(folderId: "inbox", path: "next.ics").first?.state == .handled
            }
        }
        #expect(last.stop(SIGTERM) == 0)
        let big = try #require(try await store.versions(folderId: "inbox", path: "big.ics").first)
        #expect(big.state == .error)
        #expect(big.errorCode == JobError.Code.cutOffRepeatedly.rawValue)
        let report = try #require(try await store.reports(fileId: big.id).first)
        #expect(report.code == JobError.Code.cutOffRepeatedly.rawValue)
        #expect(report.message?.contains("reprocess \(big.id)") == true)
        #expect(try await store.eventCount(partnerId: 42) == 10, "only the next file's events")
        #expect(try await store.unfinishedJobs(folderId: "inbox").isEmpty)
    }

    @Test func sigtermDuringALargeJobExitsCleanlyWithNothingHalfCommitted() async throws {
        let root = try TemporaryDirectory()
        let drop = try Self.inbox(in: root)
        try largeCalendar(events: Self.eventCount).write(toFile: drop + "/big.ics", atomically: true, encoding: .utf8)
        let arguments = ["run", "--config", root.path + "/config.yaml"]
        let daemon = try Daemon(arguments, in: root.path, logPath: root.path + "/daemon.log")
        try await daemon.waitForOutput("scheduledrop started")
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        try await waitUntil("big.ics is processing") {
            try await store.latestFiles(folderId: "inbox").contains { $0.state == .processing }
        }
        // A file that arrives during the job, and is stable before the job ends, must not be started after SIGTERM.
        try largeCalendar(events: 10, uidPrefix: "n").write(toFile: drop + "/next.ics", atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(500))
        let stopped = ContinuousClock.now
        #expect(daemon.stop(SIGTERM) == 0)
        #expect(ContinuousClock.now - stopped < .seconds(60))
        let events = try await store.eventCount(partnerId: 42)
        let handled = try await store.latestFiles(folderId: "inbox").filter { $0.state == .handled }.map(\.identity.path)
        #expect(handled == ["big.ics"], "the job in hand finished and no other started")
        #expect(events == Self.eventCount, "all of the job's events")
        #expect(try await store.unfinishedJobs(folderId: "inbox").isEmpty)

        let again = try Daemon(arguments, in: root.path, logPath: root.path + "/daemon.log")
        try await waitUntil("both files are handled", timeout: .seconds(120)) {
            try await store.latestFiles(folderId: "inbox").filter { $0.state == .handled }.count == 2
        }
        #expect(again.stop(SIGTERM) == 0)
        #expect(try await store.eventCount(partnerId: 42) == Self.eventCount + 10)
    }

    @Test func sighupAddsAFolderWhileAnotherIsBusyAndRemovesOne() async throws {
        let root = try TemporaryDirectory()
        for folder in ["busy", "added"] {
            try FileManager.default.createDirectory(atPath: root.path + "/" + folder, withIntermediateDirectories: true)
        }
        func configure(_ folders: [String], extra: String = "") throws {
            var text = "dataDirectory: \(root.path)/data\nlog: { format: json }\nfeed: { port: 0 }\n\(extra)folders:\n"
            for folder in folders {
                text += "  - id: \(folder)\n    path: \(root.path)/\(folder)\n    partnerId: 42\n    fileSizeCheckInterval: 0.2\n"
            }
            try text.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
        }
        let big = 60_000
        try configure(["busy"])
        try largeCalendar(events: big).write(toFile: root.path + "/busy/big.ics", atomically: true, encoding: .utf8)
        try largeCalendar(events: 3, uidPrefix: "a").write(toFile: root.path + "/added/small.ics", atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log")
        try await daemon.waitForOutput("scheduledrop started")
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        try await waitUntil("the busy folder's job runs") {
            try await store.latestFiles(folderId: "busy").first?.state == .processing
        }

        try configure(["busy", "added"])
        kill(daemon.process.processIdentifier, SIGHUP)
        try await daemon.waitForOutput("configuration reloaded")
        #expect(
            try await store.latestFiles(folderId: "busy").first?.state == .processing,
            "the reload took effect while the busy folder's job went on undisturbed")
        // SQLite has one writer: the added folder's first write waits for the busy job's commit.
        try await waitUntil("both folders' files are handled", timeout: .seconds(120)) {
            let busy = try await store.latestFiles(folderId: "busy").first?.state
            let added = try await store.latestFiles(folderId: "added").first?.state
            return busy == .handled && added == .handled
        }
        let bigFile = try #require(try await store.latestFiles(folderId: "busy").first)
        #expect(try await store.finishedJobCount(fileId: bigFile.id) == 1)
        #expect(try await store.eventCount(partnerId: 42) == big + 3)

        try configure(["busy", "added"], extra: "unknownSetting: 1\n")
        kill(daemon.process.processIdentifier, SIGHUP)
        try await daemon.waitForOutput("configuration not reloaded")
        try configure(["added"])
        kill(daemon.process.processIdentifier, SIGHUP)
        try await daemon.waitForOutput("folder removed")
        try await daemon.waitForOutput("configuration reloaded", count: 2)
        #expect(daemon.stop(SIGTERM) == 0)
        #expect(daemon.output.contains("\"folders\":\"added\""), "the last reload runs the added folder alone")
        #expect(try await store.finishedJobCount(fileId: bigFile.id) == 1, "nothing was ingested again")
    }

    @Test func ingestCommandPrintsTheJSONReportAndRejectsBadInputWithoutCrashing() async throws {
        let root = try TemporaryDirectory()
        try largeCalendar(events: 3).write(toFile: root.path + "/good.ics", atomically: true, encoding: .utf8)
        try "not a calendar".write(toFile: root.path + "/bad.ics", atomically: true, encoding: .utf8)
        let good = try Daemon(
            ["ingest", "--json", "--partner", "9", "good.ics"], in: root.path, logPath: root.path + "/good.log",
            stdoutPath: root.path + "/good.json")
        good.process.waitUntilExit()
        #expect(good.process.terminationStatus == 0)
        let json = try Data(contentsOf: URL(fileURLWithPath: root.path + "/good.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["partnerId"] as? Int == 9)
        #expect((object["counts"] as? [String: Int])?["added"] == 3)

        let dry = try Daemon(
            ["ingest", "--dry-run", "--partner", "9", "good.ics"], in: root.path, logPath: root.path + "/dry.log",
            stdoutPath: root.path + "/dry.txt")
        dry.process.waitUntilExit()
        let dryText = try String(contentsOfFile: root.path + "/dry.txt", encoding: .utf8)
        #expect(dryText.hasPrefix("scheduledrop report, dry run (nothing was stored)"))
        #expect(dryText.contains("unchanged 3"))

        let bad = try Daemon(["ingest", "bad.ics"], in: root.path, logPath: root.path + "/bad.txt")
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus == 1)
        #expect(bad.output.contains("ical.notICalendar"))
        #expect(FileManager.default.fileExists(atPath: root.path + "/data/scheduledrop.sqlite"), "the default data folder is ./data")
    }

    @Test func statusShowsEveryFolderAsATableAndAsJSON() async throws {
        let root = try TemporaryDirectory()
        try """
        dataDirectory: \(root.path)/data
        log: { format: json }
        feed: { port: 0 }
        folders:
          - id: inbox
            path: \(root.path)/inbox
            fileSizeCheckInterval: 0.2
          - id: quiet
            path: \(root.path)/quiet
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log")
        try await daemon.waitForOutput("scheduledrop started")
        try largeCalendar(events: 2).write(toFile: root.path + "/inbox/good.ics", atomically: true, encoding: .utf8)
        try "garbage".write(toFile: root.path + "/inbox/bad.ics", atomically: true, encoding: .utf8)
        try "x".write(toFile: root.path + "/inbox/.hidden.ics", atomically: true, encoding: .utf8)
        try await daemon.waitForOutput("\"msg\":\"file ingested\"")
        try await daemon.waitForOutput("\"msg\":\"file failed\"")
        #expect(daemon.stop(SIGTERM) == 0)

        let json = try Daemon(
            ["status", "--json", "--config", "config.yaml"], in: root.path, logPath: root.path + "/status.log",
            stdoutPath: root.path + "/status.json")
        json.process.waitUntilExit()
        #expect(json.process.terminationStatus == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root.path + "/status.json"))) as? [String: Any])
        let folders = try #require(object["folders"] as? [[String: Any]])
        #expect(folders.map { $0["id"] as? String } == ["inbox", "quiet"])
        let inbox = folders[0]
        #expect(inbox["kind"] as? String == "local")
        #expect(inbox["configured"] as? Bool == true)
        #expect(inbox["consecutiveFailures"] as? Int == 0)
        #expect((inbox["lastPollAt"] as? String)?.hasSuffix("Z") == true)
        let files = try #require(inbox["files"] as? [String: Int])
        #expect(files["handled"] == 1)
        #expect(files["error"] == 1)
        #expect(files["ignored"] == 1)

        let table = try Daemon(["status", "--config", "config.yaml"], in: root.path, logPath: root.path + "/table.txt")
        table.process.waitUntilExit()
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("FOLDER") == true)
        #expect(lines.count == 3)
        let columns = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(columns.first == "inbox")
        #expect(Array(columns[4...8]) == ["0", "1", "1", "1", "0"], "in work, handled, error, ignored, failures")
    }

    @Test func reportsListsFiltersAndShowsReports() async throws {
        let root = try TemporaryDirectory()
        try largeCalendar(events: 2).write(toFile: root.path + "/good.ics", atomically: true, encoding: .utf8)
        try "garbage".write(toFile: root.path + "/bad.ics", atomically: true, encoding: .utf8)
        try "1,Room,location,r1\n4,Odd,location,r2\n".write(toFile: root.path + "/rooms.csv", atomically: true, encoding: .utf8)
        for file in ["good.ics", "bad.ics", "rooms.csv"] {
            let ingest = try Daemon(["ingest", file], in: root.path, logPath: root.path + "/ingest.log")
            ingest.process.waitUntilExit()
        }
        func run(_ arguments: [String]) throws -> String {
            let name = "/out-\(UUID().uuidString)"
            let command = try Daemon(arguments, in: root.path, logPath: root.path + name + ".log", stdoutPath: root.path + name)
            command.process.waitUntilExit()
            #expect(command.process.terminationStatus == 0, "\(arguments): \(command.output)")
            return (try? String(contentsOfFile: root.path + name, encoding: .utf8)) ?? ""
        }
        let table = try run(["reports"]).split(separator: "\n").map(String.init)
        #expect(table.first?.hasPrefix("ID") == true)
        #expect(table.count == 4)
        #expect(table[1].contains("rooms.csv"), "newest first")

        let failed = try JSONSerialization.jsonObject(with: Data(try run(["reports", "--failed", "--json"]).utf8)) as? [String: Any]
        let failedPaths = (failed?["reports"] as? [[String: Any]])?.compactMap {
            ($0["path"] as? String)?.split(separator: "/").last.map(String.init)
        }
        #expect(failedPaths == ["rooms.csv", "bad.ics"], "a failed file, and a file with a rejected row")

        let byFile = try run(["reports", "--file", "good", "--folder", "cli", "--since", "1d", "--json"])
        let objects = (try JSONSerialization.jsonObject(with: Data(byFile.utf8)) as? [String: Any])?["reports"] as? [[String: Any]]
        #expect(objects?.count == 1)
        let id = try #require(objects?.first?["id"] as? Int)
        #expect((objects?.first?["counts"] as? [String: Int])?["added"] == 2)
        #expect(try run(["reports", "--since", "2999-01-01"]).split(separator: "\n").count == 1, "only the header")

        let text = try run(["reports", "show", String(id)])
        #expect(text.contains("counts:  added 2"))
        let json = try run(["reports", "show", "--json", String(id)])
        let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "handled")

        let missing = try Daemon(["reports", "show", "999"], in: root.path, logPath: root.path + "/missing.log")
        missing.process.waitUntilExit()
        #expect(missing.process.terminationStatus != 0)
        #expect(missing.output.contains("no report 999"))
    }

    @Test func reprocessRunsAFailedFileAgainAfterItsParentWasAdded() async throws {
        let root = try TemporaryDirectory()
        try """
        dataDirectory: \(root.path)/data
        log: { format: json }
        feed: { port: 0 }
        folders:
          - id: rooms
            path: \(root.path)/drop
            partnerId: 3
            strict: true
            afterProcessing: move
            fileSizeCheckInterval: 0.2
        """.write(toFile: root.path + "/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", "config.yaml"], in: root.path, logPath: root.path + "/daemon.log")
        try await daemon.waitForOutput("scheduledrop started")
        try "1,Front camera,camera,cam-1,,,location,room-1\n".write(
            toFile: root.path + "/drop/cameras.csv", atomically: true, encoding: .utf8)
        try await daemon.waitForOutput("\"msg\":\"file failed\"")
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        try await waitUntil("the failed file is quarantined") {
            FileManager.default.fileExists(atPath: root.path + "/drop/.failed/cameras.csv")
        }
        #expect(daemon.stop(SIGTERM) == 0)
        let failed = try #require(try await store.reportSummaries(ReportFilter()).first)
        #expect(failed.code == "job.strictRejection")

        try "1,Room 1,location,room-1\n".write(toFile: root.path + "/rooms.csv", atomically: true, encoding: .utf8)
        let fix = try Daemon(
            ["ingest", "--config", "config.yaml", "--partner", "3", "rooms.csv"], in: root.path, logPath: root.path + "/fix.log")
        fix.process.waitUntilExit()
        #expect(fix.process.terminationStatus == 0)

        let reprocess = try Daemon(
            ["reprocess", "--config", "config.yaml", String(failed.fileId)], in: root.path, logPath: root.path + "/reprocess.log",
            stdoutPath: root.path + "/reprocess.txt")
        reprocess.process.waitUntilExit()
        #expect(reprocess.process.terminationStatus == 0, "\(reprocess.output)")
        #expect(try String(contentsOfFile: root.path + "/reprocess.txt", encoding: .utf8).contains("added 1"))
        #expect(try await store.versions(folderId: "rooms", path: "cameras.csv").map(\.state) == [.handled])
        #expect(try await store.reports(fileId: failed.fileId).map(\.status) == [.error, .handled])
        let camera = try #require(try await store.resources(partnerId: 3).first { $0.systemName == "cam-1" })
        #expect(camera.parentId == (try await store.resources(partnerId: 3).first { $0.systemName == "room-1" }?.id))

        let missing = try Daemon(["reprocess", "--config", "config.yaml", "9999"], in: root.path, logPath: root.path + "/missing.log")
        missing.process.waitUntilExit()
        #expect(missing.process.terminationStatus != 0)
        #expect(missing.output.contains("no file version 9999"))
    }

    @Test func migrateCreatesTheStoreAndListsItsMigrations() async throws {
        let root = try TemporaryDirectory()
        let migrate = try Daemon(["migrate", "--data", "store"], in: root.path, logPath: root.path + "/out")
        migrate.process.waitUntilExit()
        #expect(migrate.process.terminationStatus == 0)
        #expect(
            migrate.output.split(separator: "\n").map(String.init) == [
                "v1: events, resources, files, jobs, reports", "v2: folder status", "v3: Kaltura event fields, series sources",
                "v4: data version", "v5: listing index", "v6: next poll", "v7: pinned host keys",
                "v8: owner, priority, resource lookups", "v9: partners, app tokens, ended sessions",
                "v10: job runs cut off", "v11: resource links with their times, report texts",
            ])
        #expect(FileManager.default.fileExists(atPath: root.path + "/store/scheduledrop.sqlite"))
    }

    @Test func partnerCommandsPrintSecretsOnceAndNeverList() async throws {
        let root = try TemporaryDirectory()
        func command(_ arguments: [String], _ name: String) throws -> (status: Int32, output: String) {
            let process = try Daemon(arguments + ["--data", "data"], in: root.path, logPath: root.path + "/" + name)
            process.process.waitUntilExit()
            return (process.process.terminationStatus, process.output)
        }
        let added = try command(["partner", "add", "7", "--json"], "add")
        #expect(added.status == 0)
        let secrets = try #require(try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any])
        let admin = try #require(secrets["adminSecret"] as? String)
        let user = try #require(secrets["secret"] as? String)
        #expect(secrets["id"] as? Int == 7 && admin.count == 32 && user.count == 32 && admin != user)
        let mode = try FileManager.default.attributesOfItem(atPath: root.path + "/data/scheduledrop.sqlite")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the store holds secrets: its owner's only")
        let again = try command(["partner", "add", "7"], "again")
        #expect(again.status != 0 && again.output.contains("exists already"))
        let rotated = try command(["partner", "rotate-secrets", "7"], "rotate")
        #expect(rotated.status == 0 && rotated.output.contains("adminSecret: ") && !rotated.output.contains(admin))
        #expect(try command(["partner", "rotate-secrets", "8"], "missing").status != 0)
        let listed = try command(["partner", "list", "--json"], "list")
        #expect(listed.status == 0 && listed.output.contains("\"id\": 7"))
        #expect(!listed.output.contains("Secret") && !listed.output.contains(admin))
    }

    @Test func logLinesCarryTheirPriorityWhenWrittenToTheJournal() async throws {
        let root = try TemporaryDirectory()
        try largeCalendar(events: 1).write(toFile: root.path + "/a.ics", atomically: true, encoding: .utf8)
        try "broken".write(toFile: root.path + "/b.ics", atomically: true, encoding: .utf8)
        let ingest = try Daemon(
            ["ingest", "a.ics", "b.ics"], in: root.path, logPath: root.path + "/log", stdoutPath: root.path + "/out",
            environment: ["JOURNAL_STREAM": "8:12345"])
        ingest.process.waitUntilExit()
        let lines = ingest.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("<6>{") && $0.contains("\"msg\":\"file ingested\"") })
        #expect(lines.contains { $0.hasPrefix("<4>{") && $0.contains("\"msg\":\"file failed\"") })
    }

    @Test(arguments: ["samples/config.yaml", "deploy/config.example.yaml"])
    func shippedConfigurationsAreValid(path: String) async throws {
        let root = try TemporaryDirectory()
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let check = try Daemon(
            ["check-config", "--config", repository.appendingPathComponent(path).path], in: root.path, logPath: root.path + "/out")
        check.process.waitUntilExit()
        #expect(check.process.terminationStatus == 0, "\(check.output)")
        #expect(check.output.contains("configuration OK"))
    }

    @Test func checkConfigNamesUnknownKeysWithTheirPath() async throws {
        let root = try TemporaryDirectory()
        try "folders:\n  - id: a\n    path: ./in\n    partnerID: 3\n".write(
            toFile: root.path + "/c.yaml", atomically: true, encoding: .utf8)
        let check = try Daemon(["check-config", "--config", "c.yaml"], in: root.path, logPath: root.path + "/out")
        check.process.waitUntilExit()
        #expect(check.process.terminationStatus == 1)
        #expect(check.output.contains("folders[0].partnerID (line 4): unknown setting"))

        try "folders:\n  - id: a\n    path: ./in\n    timeZone: Mars/Base\n".write(
            toFile: root.path + "/d.yaml", atomically: true, encoding: .utf8)
        let zone = try Daemon(["check-config", "--config", "d.yaml"], in: root.path, logPath: root.path + "/out2")
        zone.process.waitUntilExit()
        #expect(zone.process.terminationStatus == 1)
        #expect(zone.output.contains("folders[0].timeZone (line 4): Mars/Base is not an IANA time zone"))

        try "log:\n  level: info\nfolders:\n  - path: ./in\n".write(toFile: root.path + "/e.yaml", atomically: true, encoding: .utf8)
        let missing = try Daemon(["check-config", "--config", "e.yaml"], in: root.path, logPath: root.path + "/out4")
        missing.process.waitUntilExit()
        #expect(missing.process.terminationStatus == 1)
        #expect(missing.output.contains("folders[0].id (line 4): required, and missing"), "the line of the entry that lacks it")

        let fine = try Daemon(["check-config"], in: root.path, logPath: root.path + "/out3")
        fine.process.waitUntilExit()
        #expect(fine.process.terminationStatus == 0)
        #expect(fine.output.contains("configuration OK (embedded default)"))
    }
}

import Foundation
import FoundationXML
import ICalendar
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// `events`, `resources` and `export` over a store filled from the samples, through the real executable.
@Suite struct ListingCommandTests {
    @Test func eventsAndResourcesListTheStoreWithTheFeedsFiltersAndShape() async throws {
        let root = try TemporaryDirectory()
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples").path
        for file in ["resources.csv", "semester.ics"] {
            let ingest = try Daemon(["ingest", samples + "/" + file], in: root.path, logPath: root.path + "/ingest.log")
            ingest.process.waitUntilExit()
            #expect(ingest.process.terminationStatus == 0)
        }
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let name = "/out-\(UUID().uuidString)"
            let command = try Daemon(arguments, in: root.path, logPath: root.path + name + ".log", stdoutPath: root.path + name)
            command.process.waitUntilExit()
            return (
                command.process.terminationStatus, ((try? String(contentsOfFile: root.path + name, encoding: .utf8)) ?? "") + command.output
            )
        }
        func list(_ arguments: [String]) throws -> [String: Any] {
            let result = try run(arguments + ["--json"])
            #expect(result.status == 0, "\(arguments): \(result.output)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        }
        let occurrences = try list(["events", "--recurrence-type", "2", "--page-size", "1000"])
        #expect(occurrences["objectType"] as? String == "KalturaScheduleEventListResponse")
        #expect(occurrences["totalCount"] as? Int == 30)
        let objects = try #require(occurrences["objects"] as? [[String: Any]])
        #expect(objects.count == 30, "a page of 1000 is clamped to 500, which holds all 30")
        #expect(objects.first?["startDate"] as? Int == 1_792_394_100, "2026-10-19 09:15 Berlin, the first lecture")
        #expect(objects.allSatisfy { $0["recurrenceType"] as? Int == 2 && $0["parentId"] is Int })
        let guest = try list(["events", "--uid", "cs101-lecture-thursday@example.edu", "--start-from", "2026-11-19", "--page-size", "1"])
        #expect(guest["totalCount"] as? Int == 11)
        let first = try #require((guest["objects"] as? [[String: Any]])?.first)
        #expect(first["objectType"] as? String == "KalturaLiveStreamScheduleEvent")
        #expect(first["summary"] as? String == "CS 101 guest lecture: algorithms in industry")
        let upcoming = try list(["events", "--start-from", "0", "--recurrence-type", "0"])
        let revisionSession: Double = 1_802_682_000
        #expect(
            upcoming["totalCount"] as? Int == (Date().timeIntervalSince1970 < revisionSession ? 1 : 0),
            "0 is now: the revision session on 2027-02-15 is listed while it is ahead")
        let resources = try list(["resources"])
        #expect(resources["totalCount"] as? Int == 12)
        let types = (resources["objects"] as? [[String: Any]])?.compactMap { $0["objectType"] as? String } ?? []
        #expect(Set(types) == ["KalturaLocationScheduleResource", "KalturaCameraScheduleResource"])

        let table = try run(["events", "--resource", "10"]).output.split(separator: "\n").map(String.init)
        #expect(table.first?.hasPrefix("ID") == true)
        #expect(table.last == "1-1 of 1 (page 1, 30 to a page)", "only the guest lecture uses the H1.04 camera")
        let beyond = try run(["events", "--page-size", "500", "--page", "21"])
        #expect(beyond.status != 0)
        #expect(beyond.output.contains("starts past result 10000"))
    }

    @Test func controlCharactersReachTheTerminalEscapedNeverRaw() async throws {
        let root = try TemporaryDirectory()
        let outputs = try TemporaryDirectory()
        try """
        BEGIN:VCALENDAR\r
        BEGIN:VEVENT\r
        UID:bad\u{1B}]0;owned\u{7}\r
        DTSTART:20270101T090000Z\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:good\r
        DTSTART:20270101T090000Z\r
        SUMMARY:\u{1B}[2J\u{9B}31m cleared\r
        END:VEVENT\r
        END:VCALENDAR\r

        """.write(toFile: root.path + "/escapes.ics", atomically: true, encoding: .utf8)
        // An event stored before values were cleaned at ingestion, as an older store may hold.
        try FileManager.default.createDirectory(atPath: root.path + "/data", withIntermediateDirectories: true)
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        _ = try await store.write { transaction in
            try transaction.insert(
                ScheduleEvent(
                    partnerId: 1, referenceId: "old\u{1B}[5m", summary: "old\u{1B}[2J", startDate: 1_800_000_000, endDate: 1_800_003_600))
        }
        let ingest = try Self.command(["ingest", "escapes.ics"], in: root.path, outputs: outputs)
        let shown = try Self.command(["reports", "show", "1"], in: root.path, outputs: outputs)
        let events = try Self.command(["events", "--start-from", "2020-01-01"], in: root.path, outputs: outputs)
        let json = try Self.command(["events", "--start-from", "2020-01-01", "--json"], in: root.path, outputs: outputs)
        for (name, output) in [
            ("ingest", ingest.stdout), ("reports show", shown.stdout), ("events", events.stdout), ("events --json", json.stdout),
        ] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(name): \(output)")
        }
        #expect(ingest.stdout.contains("bad\\u{1B}]0;owned\\u{7}: rejected, event.invalidUID"))
        #expect(shown.stdout.contains("bad\\u{1B}]0;owned\\u{7}: rejected, event.invalidUID"))
        #expect(events.stdout.contains("old\\u{1B}[2J"))
        #expect(events.stdout.contains("\u{FFFD}[2J\u{FFFD}31m cleared"), "cleaned when it was ingested")
        #expect(json.stdout.contains("old\\u001b[2J"))
    }

    @Test func filesTheCommandsCreateAreNotForOtherUsersWhateverTheUmask() async throws {
        let root = try TemporaryDirectory()
        try largeCalendar(events: 2).write(toFile: root.path + "/a.ics", atomically: true, encoding: .utf8)
        let ingest = try SpawnedProcess(
            "/bin/sh", ["-c", "umask 022; exec \"$0\" ingest a.ics", Daemon.binary], directory: root.path,
            environment: ProcessInfo.processInfo.environment, output: root.path + "/out", errors: root.path + "/out")
        ingest.waitUntilExit()
        #expect(ingest.terminationStatus == 0)
        let created = try #require(FileManager.default.subpaths(atPath: root.path + "/data"))
        #expect(created.contains { $0.hasSuffix(".json") } && created.contains("scheduledrop.sqlite"))
        for path in created {
            let mode = try #require(
                try FileManager.default.attributesOfItem(atPath: root.path + "/data/" + path)[.posixPermissions] as? Int)
            #expect(mode & 0o007 == 0, "\(path) is mode \(String(mode, radix: 8))")
        }
    }

    @Test func exportGivesTheStoreAsICalJSONAndXML() async throws {
        let root = try TemporaryDirectory()
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples").path
        for file in ["resources.csv", "semester.ics"] {
            let ingest = try Daemon(["ingest", samples + "/" + file], in: root.path, logPath: root.path + "/ingest.log")
            ingest.process.waitUntilExit()
        }
        func export(_ format: String) throws -> Data {
            let name = "/export-\(format)"
            let command = try Daemon(
                ["export", "--format", format], in: root.path, logPath: root.path + name + ".log", stdoutPath: root.path + name)
            command.process.waitUntilExit()
            #expect(command.process.terminationStatus == 0, "\(command.output)")
            return try Data(contentsOf: URL(fileURLWithPath: root.path + name))
        }
        let store = try SQLiteStore(path: root.path + "/data/scheduledrop.sqlite")
        let stored = try await store.events(partnerId: 1, filter: EventFilter())
        #expect(stored.count == 33, "2 series, 30 occurrences, 1 single event")

        var reader = CalendarReader(BufferByteSource(Array(try export("ical"))))
        var components: [Component] = []
        while let item = try reader.next() { components.append(item.component) }
        // The sample's events are in Europe/Berlin: the calendar defines that zone first, and gives times in it.
        #expect(components.first?.name == "VTIMEZONE")
        var zones = ZoneResolver()
        for zone in components where zone.name == "VTIMEZONE" { try zones.register(zone) }
        func instant(_ line: ContentLine?) throws -> Int64 {
            try zones.instant(of: DateTimeValue(#require(line)), floatingZone: TimeZone(identifier: "UTC")!)
        }
        let vevents = components.filter { $0.name == "VEVENT" }
        #expect(vevents.map { $0.property("X-KALTURA-ID")?.value } == stored.map { $0.id.map(String.init) })
        for (vevent, event) in zip(vevents, stored) {
            #expect(vevent.property("UID").map { TextValue.unescape($0.value) } == event.referenceId)
            #expect(try instant(vevent.property("DTSTART")) == event.startDate)
            #expect(try instant(vevent.property("DTEND")) == event.endDate)
            #expect(vevent.property("SUMMARY").map { TextValue.unescape($0.value) } == event.summary)
            if event.recurrenceType == .recurrence {
                #expect(
                    try instant(vevent.property("RECURRENCE-ID")) == instant(ContentLine(name: "RECURRENCE-ID", value: event.recurrenceKey))
                )
            } else {
                #expect(vevent.property("RECURRENCE-ID") == nil)
            }
            #expect(vevent.property("X-KALTURA-TAGS").map { TextValue.unescape($0.value) } == event.tags)
        }
        let monday = try #require(vevents.first { $0.property("RRULE") != nil })
        #expect(monday.properties(named: "EXDATE").count == 1, "the series keeps its holidays")

        let json = try #require(try JSONSerialization.jsonObject(with: export("json")) as? [String: Any])
        #expect(json["totalCount"] as? Int == 33)
        #expect((json["objects"] as? [[String: Any]])?.compactMap { $0["id"] as? Int64 } == stored.compactMap(\.id))

        let xml = try XMLDocument(data: export("xml"))
        let ids = try xml.nodes(forXPath: "/xml/result/objects/item/id").compactMap { $0.stringValue.flatMap { Int64($0) } }
        #expect(ids == stored.compactMap(\.id))
        #expect(try xml.nodes(forXPath: "/xml/result/totalCount").first?.stringValue == "33")
    }

    @Test func readingCommandsOnAMissingStoreShowAnEmptyResultAndCreateNoStore() async throws {
        let root = try TemporaryDirectory()
        let outputs = try TemporaryDirectory()
        for dataDirectoryExists in [false, true] {
            if dataDirectoryExists {
                try FileManager.default.createDirectory(atPath: root.path + "/data", withIntermediateDirectories: true)
            }
            for arguments in [["status"], ["reports"], ["events", "--partner", "1"], ["resources", "--partner", "1"]] {
                let table = try Self.command(arguments, in: root.path, outputs: outputs)
                #expect(table.status == 0, "\(arguments): \(table.stderr)")
                #expect(
                    table.stderr
                        == "no store yet at ./data/scheduledrop.sqlite: nothing has been ingested; "
                        + "start the daemon (scheduledrop run) or ingest a file (scheduledrop ingest FILE)\n", "\(arguments)")
                let lines = table.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first?.hasPrefix(arguments == ["status"] ? "FOLDER" : "ID") == true, "\(arguments): \(table.stdout)")
                let json = try Self.command(arguments + ["--json"], in: root.path, outputs: outputs)
                #expect(json.status == 0, "\(arguments): \(json.stderr)")
                #expect(json.stderr.contains("./data/scheduledrop.sqlite"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
                switch arguments[0] {
                case "status":
                    #expect(lines.count == 2 && lines[1].hasPrefix("local "), "the configured folder, with nothing counted")
                    let folders = try #require(object["folders"] as? [[String: Any]])
                    #expect(folders.map { $0["id"] as? String } == ["local"])
                    #expect(folders.first?["kind"] as? String == "local")
                    #expect((folders.first?["files"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true)
                case "reports":
                    #expect(lines.count == 1)
                    #expect((object["reports"] as? [Any])?.isEmpty == true)
                default:
                    #expect(lines.count == (arguments[0] == "events" ? 2 : 1), "\(lines)")
                    #expect((object["objects"] as? [Any])?.isEmpty == true)
                    #expect(object["totalCount"] as? Int == 0)
                    #expect((object["objectType"] as? String)?.hasPrefix("KalturaSchedule") == true)
                }
            }
            let export = try Self.command(["export", "--format", "json"], in: root.path, outputs: outputs)
            #expect(export.status == 0, "\(export.stderr)")
            let exported = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
            #expect(exported["totalCount"] as? Int == 0)
            let show = try Self.command(["reports", "show", "7"], in: root.path, outputs: outputs)
            #expect(show.status == 1)
            #expect(show.stderr.contains("no report 7"), "\(show.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/data/scheduledrop.sqlite"))
        }
    }

    @Test func aStoreThatCannotBeOpenedIsNamedWithTheReason() async throws {
        let root = try TemporaryDirectory()
        let outputs = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root.path + "/data/scheduledrop.sqlite", withIntermediateDirectories: true)
        let status = try Self.command(["status"], in: root.path, outputs: outputs)
        #expect(status.status == 1)
        #expect(status.stderr.contains("cannot open the store at ./data/scheduledrop.sqlite: it is a directory"), "\(status.stderr)")
        #expect(!status.stderr.contains("SQLite error"))
    }

    /// Runs the executable with `arguments` in `directory`, its output kept in `outputs`.
    private static func command(_ arguments: [String], in directory: String, outputs: TemporaryDirectory) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let name = outputs.path + "/" + UUID().uuidString
        let command = try Daemon(arguments, in: directory, logPath: name + ".err", stdoutPath: name + ".out")
        command.process.waitUntilExit()
        return (command.process.terminationStatus, (try? String(contentsOfFile: name + ".out", encoding: .utf8)) ?? "", command.output)
    }
}

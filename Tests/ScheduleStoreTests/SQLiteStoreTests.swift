import Foundation
import GRDB
import Schedule
import TestSupport
import Testing

@testable import ScheduleStore

@Suite struct SQLiteStoreTests {
    @Test func aVersionIsClaimedOnceEvenAfterReopening() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path + "/s.sqlite"
        let first = try SQLiteStore(path: database)
        #expect(try await first.claim(identity(), kind: .ical) != nil)
        #expect(try await first.claim(identity(), kind: .ical) == nil)
        let reopened = try SQLiteStore(path: database)
        #expect(try await reopened.claim(identity(), kind: .ical) == nil)
        #expect(try await reopened.claim(identity(modified: 2), kind: .ical) != nil, "a new mtime is a new version")
        #expect(try await reopened.versions(folderId: "f", path: "a.ics").count == 2)
    }

    /// From memory (false) or from the report file it was streamed to (true).
    @Test(arguments: [false, true])
    func aReportOfManyMegabytesIsStoredWholeAndReadBackAsText(_ fromFile: Bool) async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        let ticket = try #require(try await store.claim(identity(), kind: .ical))
        // Spooled, as a large job's items are.
        var items = ItemList.Writer(memoryLimit: 1_000)
        for line in 1...40_000 {
            try items.append(ItemReport(line: line, uid: "event-\(line)-é", action: "upsert", result: .added, id: Int64(line)))
        }
        let large = IngestionReport(
            file: FileReport(folderId: "f", path: "a.ics", size: 10, mtime: nil, sha256: nil), partnerId: 1, kind: .ical,
            startedAt: "s", finishedAt: "e", status: .handled, items: try items.finish())
        let json = large.json()
        #expect(json.count > 3 << 20, "written in more than one piece")
        var streamed = Data()
        large.writeJSON { streamed.append(contentsOf: $0) }
        #expect(streamed == json, "streamed, the text is the same")
        let path = directory.path + "/report.json"
        try json.write(to: URL(fileURLWithPath: path))
        try await store.write { transaction in
            try transaction.finish(
                ticket, report: large, json: fromFile ? .file(path: path) : .bytes(json), fileState: .handled, sha256: "ab")
        }
        #expect(try await store.reports(fileId: ticket.file.id) == [large])
        let text = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT \(SQLiteStore.reportJSON) FROM reports WHERE file_id = ?", arguments: [ticket.file.id])
        }
        #expect(text.map { Data($0.utf8) } == json)
    }

    @Test func perItemLookupsSearchAnIndexInsteadOfScanning() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        let resourcePlan = try await store.queryPlan(StoreStatements.sqlite.resourceBySystemName, arguments: [1, 1, "room"])
        #expect(resourcePlan.contains("USING INDEX resources_by_system_name"), "\(resourcePlan)")
        let eventPlan = try await store.queryPlan(StoreStatements.sqlite.eventByReference, arguments: [1, "uid"])
        #expect(eventPlan.contains("USING COVERING INDEX") || eventPlan.contains("USING INDEX"), "\(eventPlan)")
        #expect(!resourcePlan.contains("SCAN") && !eventPlan.contains("SCAN"))
    }

    @Test func listingsCountFromTheListingIndexAndReadItInOrder() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        let query = EventQuery(partnerId: 1, filter: EventFilter())
        let count = try await store.queryPlan(query.count, arguments: query.arguments)
        #expect(count.contains("USING COVERING INDEX events_listing (partner_id=?)"), "\(count)")
        let page = try await store.queryPlan(query.selection + " LIMIT 500 OFFSET 9500", arguments: query.arguments)
        #expect(page.contains("USING INDEX events_listing (partner_id=?)"), "\(page)")
        #expect(!page.contains("TEMP B-TREE") && !page.contains("SCAN"), "\(page)")
    }

    /// `resourceIdsLike` (false) or `resourceIdEqual` (true).
    @Test(arguments: [false, true])
    func aDevicePollReadsTheLinksOfItsResourceByStart(_ equal: Bool) async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        var filter = EventFilter()
        filter.startDateGreaterThanOrEqual = 1_800_000_000
        filter.startDateLessThanOrEqual = 1_800_604_800
        filter.typeIn = [.record]
        if equal { filter.resourceIdEqual = 3 } else { filter.resourceIds = ItemMatch(all: [3]) }
        let query = EventQuery(partnerId: 1, filter: filter)
        for sql in [query.count, query.selection + " LIMIT 30"] {
            let plan = try await store.queryPlan(sql, arguments: query.arguments)
            #expect(
                plan.contains("USING COVERING INDEX event_resources_by_resource_start (resource_id=? AND start_date>? AND start_date<?)"),
                "\(plan)")
            #expect(plan.contains("USING INTEGER PRIMARY KEY (rowid=?)"), "\(plan)")
            #expect(!plan.contains("SCAN"), "\(plan)")
        }
    }

    @Test func conflictLookupsSearchIndexesByTime() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        let plans = [
            (
                try await store.queryPlan(ConflictStatements.sqlite.eventsOnResourceDuring, arguments: [3, 1, 0, 100, 50, 7, 7]),
                "event_resources_by_resource_start (resource_id=? AND start_date>? AND start_date<?)"
            ),
            (
                try await store.queryPlan(ConflictStatements.sqlite.blackoutsDuring, arguments: [1, 0, 100, 50, 7, 7]),
                "events_blackouts (partner_id=? AND start_date>? AND start_date<?)"
            ),
            (
                try await store.queryPlan(ConflictStatements.sqlite.eventsDuring, arguments: [1, 0, 100, 50, 7, 7]),
                "events_listing (partner_id=? AND start_date>? AND start_date<?)"
            ),
        ]
        for (plan, index) in plans {
            #expect(plan.contains(index), "\(plan)")
            #expect(!plan.contains("SCAN"), "\(plan)")
        }
    }

    @Test func databaseIsInWALMode() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        withExtendedLifetime(store) {
            #expect(FileManager.default.fileExists(atPath: directory.path + "/s.sqlite-wal"))
        }
    }
}

@Suite struct SchemaMigrationTests {
    @Test func resourceLinksKeepTheirEventsAndTimesWhenTheyLoseTheirRowid() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sqlite"
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "v10: job runs cut off")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO resources (id, partner_id, type, status, name, created_at, updated_at) VALUES (7, 1, 1, 2, 'a', 0, 0), (8, 1, 1, 2, 'b', 0, 0);
                    INSERT INTO events (id, partner_id, reference_id, type, status, start_date, end_date, created_at, updated_at)
                    VALUES (3, 1, 'u', 1, 2, 100, 200, 0, 0);
                    INSERT INTO event_resources (event_id, resource_id, start_date) VALUES (3, 8, 100), (3, 7, 100);
                    INSERT INTO files (id, folder_id, path, size, modified, state, first_seen_at, updated_at)
                    VALUES (1, 'f', 'a.ics', 10, 1, 'handled', 0, 0);
                    INSERT INTO jobs (id, file_id, kind, created_at, finished_at) VALUES (1, 1, 'ical', 0, 0);
                    """)
            try db.execute(
                sql: """
                    INSERT INTO reports (job_id, file_id, folder_id, partner_id, status, added, updated, cancelled, deleted, unchanged,
                    rejected, warnings, json, created_at) VALUES (1, 1, 'f', 1, 'handled', 0, 0, 0, 0, 0, 0, 0, ?, 0)
                    """, arguments: [String(decoding: report().json(), as: UTF8.self)])
        }
        try queue.close()
        let store = try SQLiteStore(path: path)
        #expect(try await store.events(partnerId: 1).map(\.resourceIds) == [[7, 8]])
        let links = try await store.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT event_id, resource_id, start_date, end_date, candidate FROM event_resources ORDER BY resource_id"
            ).map { [$0[0], $0[1], $0[2], $0[3], $0[4]] as [Int64] }
        }
        #expect(links == [[3, 7, 100, 200, 1], [3, 8, 100, 200, 1]], "each link has its event's times and is a candidate")
        let withoutRowid = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'event_resources'")
        }
        #expect(withoutRowid?.contains("WITHOUT ROWID") == true)
        #expect(try await store.reports(fileId: 1) == [report()], "a report stored in its row before v11 is read as before")
    }
}

import Foundation
import Schedule
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

@Suite struct ResourceJobTests {
    @Test func theSeedsExampleIngestsAsACameraUnderALocationDefinedAfterIt() async throws {
        let harness = try Harness()
        let text = """
            1,my resource name,camera,my-camera1,my example camera,”tag1,tag2”,location,my-parent1
            1,My parent room,location,my-parent1,The room the camera is in
            """
        let report = try await ingest(harness, "rooms.csv", text, modified: 1)
        #expect(report.kind == .resourceCsv)
        #expect(report.status == .handled)
        #expect(report.items.map(\.result) == [.added, .added])
        #expect(report.items.map(\.line) == [1, 2], "reported in file order")
        #expect(report.items[0].warnings.map(\.code) == ["csv.typographicQuotes"])
        let resources = try await harness.store.resources(partnerId: 5)
        let camera = try #require(resources.first { $0.systemName == "my-camera1" })
        let room = try #require(resources.first { $0.systemName == "my-parent1" })
        #expect(camera.type == .camera)
        #expect(camera.name == "my resource name")
        #expect(camera.tags == "tag1,tag2")
        #expect(camera.parentId == room.id)
        #expect(room.type == .location)
        #expect(report.items[0].id == camera.id)
    }

    @Test func mixedHeaderOrdersInOneFile() async throws {
        let harness = try Harness()
        let text = """
            *systemName,name,type
            north,North building,location
            *parentSystemName,type,name,systemName,description
            north,location,Room N1,n1,Seminar room
            n1,camera,N1 camera,n1-cam,
            """
        let report = try await ingest(harness, "campus.csv", text, modified: 1)
        #expect(report.counts.added == 3)
        let resources = try await harness.store.resources(partnerId: 5)
        let byName = Dictionary(uniqueKeysWithValues: resources.map { ($0.systemName, $0) })
        #expect(byName["n1"]?.parentId == byName["north"]?.id)
        #expect(byName["n1-cam"]?.parentId == byName["n1"]?.id)
        #expect(byName["n1"]?.description == "Seminar room")
    }

    @Test func updateByIdDeleteBySystemNameAndAddOrUpdateTwice() async throws {
        let harness = try Harness()
        let first = try await ingest(harness, "a.csv", "1,Room A,location,room-a\n1,Room B,location,room-b\n", modified: 1)
        let roomA = try #require(first.items[0].id)
        let text = """
            *action,resourceId,name,systemName,description
            2,\(roomA),Room A (renovated),,Now with a camera
            3,,,room-b
            6,,Room C,room-c,
            6,,Room C,room-c,
            """
        let report = try await ingest(harness, "b.csv", text, modified: 2)
        #expect(report.items.map(\.result) == [.updated, .deleted, .added, .unchanged])
        #expect(report.items.map(\.action) == ["update", "delete", "addOrUpdate", "addOrUpdate"])
        let resources = try await harness.store.resources(partnerId: 5)
        let a = try #require(resources.first { $0.id == roomA })
        #expect(a.name == "Room A (renovated)")
        #expect(a.description == "Now with a camera")
        #expect(a.systemName == "room-a", "an empty cell keeps the stored value")
        #expect(resources.first { $0.systemName == "room-b" }?.status == .deleted, "delete is soft")
        #expect(resources.count == 3)
        let again = try await ingest(harness, "b.csv", text, modified: 3)
        #expect(again.items.map(\.result) == [.unchanged, .unchanged, .unchanged, .unchanged])
    }

    @Test func rowErrorsCarryTheirCodeAndLineAndValidRowsStillCommit() async throws {
        let harness = try Harness()
        let text = """
            1,Good room,location,good
            1,,camera,nameless
            4,Odd action,location,odd
            1,Projector,projector,proj
            1,Loop one,location,loop-1,,,location,loop-2
            1,Loop two,location,loop-2,,,location,loop-1
            1,Orphan camera,camera,orphan,,,location,nowhere
            1,Under the loop,camera,below,,,location,loop-1
            1,Good camera,camera,good-cam,,,location,good
            """
        let report = try await ingest(harness, "mixed.csv", text, modified: 1)
        #expect(report.status == .handled)
        let expected: [(Int, String?)] = [
            (1, nil), (2, "resource.missingName"), (3, "resource.unknownAction"), (4, "resource.unknownType"),
            (5, "resource.parentCycle"), (6, "resource.parentCycle"), (7, "resource.parentMissing"), (8, "resource.parentMissing"),
            (9, nil),
        ]
        #expect(report.items.map(\.line) == expected.map(\.0))
        #expect(report.items.map(\.code) == expected.map(\.1))
        #expect(report.items.filter { $0.result == .rejected }.allSatisfy { $0.message?.isEmpty == false })
        #expect(Set(try await harness.store.resources(partnerId: 5).map(\.systemName)) == ["good", "good-cam"])
    }

    @Test func duplicatesAndStoreParentsAndStoreCycles() async throws {
        let harness = try Harness()
        _ = try await ingest(harness, "a.csv", "1,Building,location,bldg\n1,Room,location,room,,,location,bldg\n", modified: 1)
        let text = """
            1,Another building,location,bldg
            1,Cam,camera,cam-1,,,location,room
            1,Cam again,camera,cam-1,,,location,room
            *action,systemName,parentSystemName
            2,bldg,room
            2,room,room
            """
        let report = try await ingest(harness, "b.csv", text, modified: 2)
        #expect(
            report.items.map(\.code) == [
                "resource.duplicateSystemName", nil, "resource.duplicateSystemName", "resource.parentCycle", "resource.parentCycle",
            ])
        let resources = try await harness.store.resources(partnerId: 5)
        #expect(resources.first { $0.systemName == "cam-1" }?.parentId == resources.first { $0.systemName == "room" }?.id)
    }

    @Test func kalturaLogHasEveryRowWithItsResult() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "log.csv", "1,Room,location,r1\n4,Bad,location,r2\n", modified: 1)
        let directory = harness.data + "/reports/drop"
        let log = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".log.csv") })
        let text = try String(contentsOfFile: directory + "/" + log, encoding: .utf8)
        let lines = text.split(separator: "\r\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0] == "1,Room,location,r1,2,\(report.items[0].id!),2,")
        #expect(lines[1].hasPrefix("4,Bad,location,r2,1,,,"))
        #expect(lines[1].contains("is not 1 (add)"))
    }

    @Test func anEventsCSVFailsAsAWholeWithAClearError() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "events.csv", "*title,startDate,endDate\nLecture,2025-01-01,2025-01-02\n", modified: 1)
        #expect(report.status == .error)
        #expect(report.code == "csv.unknownColumn")
        #expect(report.message?.contains("line 1, column 1") == true)
        #expect(try await harness.store.resources(partnerId: 5).isEmpty)
    }

    @Test func dependencyOrderPutsParentsFirstAndLeavesCyclesOut() {
        // 0 -> 2 (parent), 1 free, 2 free, 3 <-> 4 cycle, 5 -> 3
        let parents: [Int: Int] = [0: 2, 3: 4, 4: 3, 5: 3]
        let order = ResourceJob.dependencyOrder(Array(0...5)) { parents[$0] }
        #expect(order == [1, 2, 0])
        #expect(ResourceJob.isInCycle(3) { parents[$0] })
        #expect(!ResourceJob.isInCycle(5) { parents[$0] })
    }
}

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
            1,Room on a camera,location,on-cam,,,camera,good-cam
            1,Camera on a camera,camera,cam-on-cam,,,camera,good-cam
            """
        let report = try await ingest(harness, "mixed.csv", text, modified: 1)
        #expect(report.status == .handled)
        let expected: [(Int, String?)] = [
            (1, nil), (2, "resource.missingName"), (3, "resource.unknownAction"), (4, "resource.unknownType"),
            (5, "resource.parentCycle"), (6, "resource.parentCycle"), (7, "resource.parentMissing"), (8, "resource.parentMissing"),
            (9, nil), (10, "resource.parentKind"), (11, "resource.parentKind"),
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

    @Test func kalturaLogCellsCannotBeTakenForFormulasOrControlSequences() async throws {
        let harness = try Harness()
        let text = "1,=HYPERLINK(\"http://x\"),location,r1\n1,+1,location,@r2,-desc\n1,Ok,location,r3\n"
        _ = try await ingest(harness, "formulas.csv", text, modified: 1)
        let directory = harness.data + "/reports/drop"
        let log = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".log.csv") })
        let lines = try String(contentsOfFile: directory + "/" + log, encoding: .utf8).split(separator: "\r\n").map(String.init)
        #expect(lines[0].hasPrefix("1,\"'=HYPERLINK(\"\"http://x\"\")\",location,r1,2,"))
        #expect(lines[1].hasPrefix("1,'+1,location,'@r2,'-desc,2,"))
        #expect(lines[2].hasPrefix("1,Ok,location,r3,2,"))
    }

    @Test func controlCharactersAreReplacedInCellsAndRefusedInSystemNames() async throws {
        let harness = try Harness()
        let text = "6,Room\u{0}A,location,r1,\"line one\r\nline\u{1B}[2J two\"\n1,Room B,location,r\u{0}2\n"
        let report = try await ingest(harness, "nul.csv", text, modified: 1)
        #expect(report.items.map(\.result) == [.added, .rejected])
        #expect(report.items[0].warnings.map(\.code) == ["csv.controlCharacter", "csv.controlCharacter"])
        #expect(report.items[1].code == "resource.invalidSystemName")
        let room = try #require(try await harness.store.resources(partnerId: 5).first)
        #expect(room.name == "Room\u{FFFD}A", "the text after the NUL is kept")
        #expect(room.description == "line one\nline\u{FFFD}[2J two")
        let again = try await ingest(harness, "nul.csv", text, modified: 2)
        #expect(again.items.map(\.result) == [.unchanged, .rejected])
        let directory = harness.data + "/reports/drop"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            #expect(!bytes.contains(0) && !bytes.contains(0x1B), "\(name) holds no NUL and no escape")
        }
    }

    @Test func aLineBreakInAQuotedCellIsNoControlCharacter() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "rooms.csv", "1,Room,location,r1,\"line one\r\nline two\"\n", modified: 1)
        #expect(report.items.map(\.result) == [.added])
        #expect(report.items[0].warnings.isEmpty)
        let stored = try await harness.store.resources(partnerId: 5).first?.description
        #expect(stored == "line one\nline two", "the CSV reader gives a quoted line break as a line feed")
    }

    @Test func anEventsCSVFailsAsAWholeWithAClearError() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "events.csv", "*title,startDate,endDate\nLecture,2025-01-01,2025-01-02\n", modified: 1)
        #expect(report.status == .error)
        #expect(report.code == "csv.unknownColumn")
        #expect(report.message?.contains("line 1, column 1") == true)
        #expect(try await harness.store.resources(partnerId: 5).isEmpty)
    }

    @Test func rowsAboutOneResourceKeepTheirFileOrder() async throws {
        let harness = try Harness()
        let text = """
            1,Room,location,room1,,,location,bldg
            *action,name,systemName
            2,Renamed room,room1
            6,Renamed again,room1
            *action,name,type,systemName
            1,Building,location,bldg
            """
        let report = try await ingest(harness, "a.csv", text, modified: 1)
        #expect(report.items.map(\.result) == [.added, .updated, .updated, .added])
        let room = try #require(try await harness.store.resources(partnerId: 5).first { $0.systemName == "room1" })
        #expect(room.name == "Renamed again", "the last row about a resource wins")

        let deleting = "1,Hall,location,hall,,,location,campus\n3,,location,hall\n1,Campus,location,campus\n"
        let deleted = try await ingest(harness, "b.csv", deleting, modified: 1)
        #expect(deleted.items.map(\.result) == [.added, .deleted, .added])
        #expect(try await harness.store.resources(partnerId: 5).first { $0.systemName == "hall" }?.status == .deleted)
    }

    @Test func aSecondAddSucceedsWhenTheFirstWasRejected() async throws {
        let harness = try Harness()
        let report = try await ingest(
            harness, "a.csv", "1,Room,location,r1,,,location,missing\n1,Room,location,r1\n1,Room,location,r1\n", modified: 1)
        #expect(report.items.map(\.code) == ["resource.parentMissing", nil, "resource.duplicateSystemName"])
    }

    @Test func deepTreesAreNotMistakenForCycles() async throws {
        let harness = try Harness()
        var text = "6,Root,location,n0\n"
        for depth in 1...150 { text += "6,Node \(depth),location,n\(depth),,,location,n\(depth - 1)\n" }
        let first = try await ingest(harness, "a.csv", text, modified: 1)
        #expect(first.counts.added == 151)
        let again = try await ingest(harness, "a.csv", text, modified: 2)
        #expect(again.counts.unchanged == 151, "re-ingesting a deep tree changes nothing")
        let reparent = "*action,systemName,parentSystemName\n2,n0,n150\n2,n150,n0\n"
        let moved = try await ingest(harness, "b.csv", reparent, modified: 1)
        #expect(moved.items.map(\.code) == ["resource.parentCycle", nil], "n150 below n0 would be a cycle; n150 moved up to n0 is not")
        #expect(moved.items.last?.result == .updated)
    }

    @Test func cycleMembersAndRowsBelowThemAreToldApart() async throws {
        let harness = try Harness()
        var text = "1,A,location,a,,,location,b\n1,B,location,b,,,location,a\n"
        for index in 1...2000 { text += "1,C\(index),location,c\(index),,,location,\(index == 1 ? "a" : "c\(index - 1)")\n" }
        let report = try await ingest(harness, "a.csv", text, modified: 1)
        #expect(report.items.prefix(2).map(\.code) == ["resource.parentCycle", "resource.parentCycle"])
        #expect(report.items.dropFirst(2).allSatisfy { $0.code == "resource.parentMissing" })
        #expect(report.items[3].message?.contains("line 3") == true, "names the row it waited for")
    }

    @Test func deletedResourceIsNotRevivedThroughItsId() async throws {
        let harness = try Harness()
        let added = try await ingest(harness, "a.csv", "1,Old hall,location,old\n1,Hall,location,hall\n", modified: 1)
        let oldId = try #require(added.items[0].id)
        _ = try await ingest(harness, "b.csv", "3,,location,old\n", modified: 1)
        let text = "*action,resourceId,name,type,systemName\n6,\(oldId),Hall,camera,hall\n1,\(oldId),Old hall,location,old\n"
        let report = try await ingest(harness, "c.csv", text, modified: 1)
        #expect(report.items.map(\.code) == ["resource.notFound", nil])
        #expect(report.items[1].id == oldId, "an add by system name revives the deleted resource")
        let resources = try await harness.store.resources(partnerId: 5)
        #expect(resources.first { $0.id == oldId }?.type == .location)
        #expect(resources.first { $0.id == oldId }?.status == .active)
    }

    @Test func dependencyOrderPutsPrerequisitesFirstAndFindsCycles() {
        // 0 waits for 2; 1 and 2 are free; 3 and 4 wait for each other; 5 waits for 3; 6 waits for 0 and 1.
        let prerequisites: [Int: [Int]] = [0: [2], 3: [4], 4: [3], 5: [3], 6: [0, 1]]
        let (order, blocked) = ResourceJob.dependencyOrder(Array(0...6), prerequisites: prerequisites)
        #expect(order == [1, 2, 0, 6])
        #expect(blocked == [3, 4, 5])
        #expect(ResourceJob.cycleMembers(blocked, prerequisites: prerequisites) == [3, 4])
    }
}

import Foundation
import Schedule
import TestSupport
import Testing

@testable import ScheduleStore

/// A store with a room and a camera, and six events of partner 1 (one deleted, a series with two
/// occurrences) plus one of partner 2; ids are given by name.
private struct Listing {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let ids: [String: Int64]
    let room: Int64
    let camera: Int64

    init() async throws {
        directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        self.store = store
        (ids, room, camera) = try await store.write { transaction in
            let room = try transaction.insert(ScheduleResource(partnerId: 1, name: "Room"))
            let camera = try transaction.insert(ScheduleResource(partnerId: 1, type: .camera, name: "Camera", parentId: room))
            var ids: [String: Int64] = [:]
            func add(_ name: String, _ start: Int64, partner: Int = 1, _ change: (inout ScheduleEvent) -> Void = { _ in }) throws {
                var event = ScheduleEvent(partnerId: partner, referenceId: name, startDate: start, endDate: start + 3_600)
                change(&event)
                ids[name] = try transaction.insert(event)
            }
            try add("single", 2_000_000_000) {
                $0.resourceIds = [room]
                $0.tags = "math,first year"
                $0.categoryIds = [7, 30]
                $0.templateEntryId = "0_template"
            }
            try add("cancelled", 2_000_100_000) { $0.status = .cancelled }
            try add("deleted", 2_000_000_000) { $0.status = .deleted }
            try add("series", 1_999_000_000) {
                $0.recurrenceType = .recurring
                $0.resourceIds = [camera]
                $0.categoryIds = [3]
            }
            for (index, start) in [Int64(1_999_000_000), 1_999_600_000].enumerated() {
                try add("occurrence-\(index)", start) {
                    $0.referenceId = "series"
                    $0.recurrenceType = .recurrence
                    $0.recurrenceKey = "k\(index)"
                    $0.parentId = ids["series"]
                    $0.resourceIds = [camera]
                }
            }
            try add("foreign", 2_000_000_000, partner: 2)
            return (ids, room, camera)
        }
    }

    /// The names of the events a filter lists for partner 1, in order.
    func names(_ change: (inout EventFilter) -> Void, pager: Pager? = nil) async throws -> [String] {
        var filter = EventFilter()
        change(&filter)
        let page = try await store.events(partnerId: 1, filter: filter, pager: pager ?? Pager(pageSize: 500))
        let byId = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
        return page.events.map { byId[$0.id!]! }
    }
}

@Suite struct EventQueryTests {
    @Test func everyEventButDeletedAndForeignInOrderOfStart() async throws {
        let listing = try await Listing()
        #expect(try await listing.names { _ in } == ["series", "occurrence-0", "occurrence-1", "single", "cancelled"])
    }

    @Test func eachFilterSelects() async throws {
        let listing = try await Listing()
        #expect(try await listing.names { $0.startDateGreaterThanOrEqual = 2_000_000_000 } == ["single", "cancelled"])
        #expect(try await listing.names { $0.startDateLessThanOrEqual = 1_999_000_000 } == ["series", "occurrence-0"])
        #expect(try await listing.names { $0.endDateGreaterThanOrEqual = 2_000_100_000 } == ["cancelled"])
        #expect(try await listing.names { $0.endDateLessThanOrEqual = 1_999_003_600 } == ["series", "occurrence-0"])
        #expect(try await listing.names { $0.referenceIdIn = ["single", "cancelled"] } == ["single", "cancelled"])
        #expect(try await listing.names { $0.idIn = [listing.ids["single"]!, listing.ids["foreign"]!] } == ["single"])
        #expect(try await listing.names { $0.parentIdIn = [listing.ids["series"]!] } == ["occurrence-0", "occurrence-1"])
        #expect(try await listing.names { $0.statusIn = [.cancelled] } == ["cancelled"])
        #expect(
            try await listing.names { $0.recurrenceTypeIn = [.none, .recurring] } == ["series", "single", "cancelled"],
            "series and single events")
        #expect(
            try await listing.names { $0.recurrenceTypeIn = [.none, .recurrence] }
                == ["occurrence-0", "occurrence-1", "single", "cancelled"], "single events and occurrences")
        #expect(try await listing.names { $0.templateEntryIdEqual = "0_template" } == ["single"])
        #expect(
            try await listing.names { $0.resourceIds = ItemMatch(any: [listing.camera]) } == ["series", "occurrence-0", "occurrence-1"])
        #expect(try await listing.names { $0.resourceIds = ItemMatch(any: [listing.room, 999]) } == ["single"])
        #expect(try await listing.names { $0.categoryIds = ItemMatch(any: [3]) } == ["series"], "3 is not read inside 30")
        #expect(try await listing.names { $0.categoryIds = ItemMatch(any: [30, 3]) } == ["series", "single"])
        #expect(try await listing.names { $0.tags = ItemMatch(all: ["first"]) } == ["single"])
        #expect(try await listing.names { $0.tags = ItemMatch(all: ["fir"]) } == [], "tags match whole words")
        #expect(try await listing.names { $0.tags = ItemMatch(all: ["%"]) }.count == 5, "a value without words matches")
        #expect(try await listing.names { $0.idIn = [] } == [])
        #expect(
            try await listing.names {
                $0.recurrenceTypeIn = [.recurrence]
                $0.startDateGreaterThanOrEqual = 1_999_500_000
            } == ["occurrence-1"], "filters combine")
    }

    @Test func timesUpdatedAndCreatedAreFiltered() async throws {
        let listing = try await Listing()
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try await listing.names { $0.updatedAtGreaterThanOrEqual = now + 3_600 } == [])
        #expect(try await listing.names { $0.createdAtGreaterThanOrEqual = now - 3_600 }.count == 5)
        #expect(try await listing.names { $0.updatedAtLessThanOrEqual = now - 3_600 } == [])
    }

    @Test func relativeTimesCountFromNow() {
        var filter = EventFilter()
        filter.startDateGreaterThanOrEqual = 0
        filter.endDateLessThanOrEqual = -60
        filter.updatedAtGreaterThanOrEqual = 315_532_800
        filter.createdAtGreaterThanOrEqual = 315_532_799
        let resolved = filter.resolvingRelativeTimes(now: 1_800_000_000)
        #expect(resolved.startDateGreaterThanOrEqual == 1_800_000_000)
        #expect(resolved.endDateLessThanOrEqual == 1_799_999_940)
        #expect(resolved.updatedAtGreaterThanOrEqual == 315_532_800, "1980 and later is absolute")
        #expect(resolved.createdAtGreaterThanOrEqual == Int64(2_115_532_799), "a time just before 1980 is still relative")
    }

    @Test func pagesAreClampedCountedAndBounded() async throws {
        let listing = try await Listing()
        #expect(try Pager(pageSize: 1000).pageSize == 500)
        #expect(try Pager().pageSize == 30 && Pager().pageIndex == 1)
        #expect(try Pager(pageSize: 0, pageIndex: 0) == Pager(pageSize: 30, pageIndex: 1))
        #expect(try Pager(pageSize: 500, pageIndex: 20).offset == 9_500)
        #expect(throws: PagerError.self) { try Pager(pageSize: 500, pageIndex: 21) }
        #expect(throws: PagerError.self) { try Pager(pageSize: 1, pageIndex: 10_001) }
        let second = try await listing.store.events(partnerId: 1, filter: EventFilter(), pager: Pager(pageSize: 2, pageIndex: 2))
        #expect(second.totalCount == 5)
        #expect(second.events.map(\.referenceId) == ["series", "single"], "the second occurrence, then the single event")
        var pages: [Int64] = []
        for index in 1...3 {
            pages += try await listing.store.events(partnerId: 1, filter: EventFilter(), pager: Pager(pageSize: 2, pageIndex: index))
                .events.map { $0.id! }
        }
        #expect(pages.count == 5 && Set(pages).count == 5, "pages neither skip nor repeat")
    }
}

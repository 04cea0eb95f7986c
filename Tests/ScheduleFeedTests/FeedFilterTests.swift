import Foundation
import GRDB
import Logging
import Schedule
import ScheduleFeed
import ScheduleStore
import TestSupport
import Testing

/// Partner 5's resources and events with every field a filter reads set, in a real SQLite store, answered through
/// `ScheduleFeed.respond` (no socket). Events and resources are named; created and updated times are set apart.
///
/// Resources: building `B` ⊃ room `R` (`room-r`) ⊃ camera `C` (`cam-c`); room `R2` (`room-2`) ⊃ camera `C2` (`cam-2`);
/// `D` deleted; partner 6's `X`. Events: `alpha` (C), `beta` (live stream, R2), `gamma` (cancelled, C and C2),
/// `blackout` (three days long), `series` (R) with its `occurrence`, `deleted`; partner 6's `foreign`.
struct FilterFixture: Sendable {
    private static let sharedFixture = Task { try await FilterFixture() }

    /// The one fixture every case reads: the cases only read it, and a store built per case (some 120 of them) kept
    /// both threads of the pool busy on a loaded two-core machine until the clock-driven watcher tests timed out.
    static func shared() async throws -> FilterFixture { try await sharedFixture.value }

    static let day: Int64 = 2_000_000_000
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let feed: ScheduleFeed
    let events: [String: Int64]
    let resources: [String: Int64]

    init() async throws {
        directory = try TemporaryDirectory()
        let path = directory.path + "/store.sqlite"
        store = try SQLiteStore(path: path)
        let (resources, events) = try await store.write { transaction in
            var resources: [String: Int64] = [:]
            func resource(_ name: String, _ type: ResourceType, parent: String? = nil, systemName: String = "", tags: String = "") throws {
                resources[name] = try transaction.insert(
                    ScheduleResource(
                        partnerId: 5, type: type, name: name, systemName: systemName, tags: tags, parentId: parent.flatMap { resources[$0] }
                    ))
            }
            try resource("B", .location, tags: "building")
            try resource("R", .location, parent: "B", systemName: "room-r", tags: "room,small")
            try resource("C", .camera, parent: "R", systemName: "cam-c", tags: "camera,ptz")
            try resource("R2", .location, systemName: "room-2", tags: "room,big hall")
            try resource("C2", .camera, parent: "R2", systemName: "cam-2", tags: "camera")
            resources["D"] = try transaction.insert(ScheduleResource(partnerId: 5, status: .deleted, name: "D"))
            resources["X"] = try transaction.insert(ScheduleResource(partnerId: 6, name: "X"))
            var events: [String: Int64] = [:]
            func event(_ name: String, _ start: Int64, _ end: Int64, partner: Int = 5, _ change: (inout ScheduleEvent) -> Void = { _ in })
                throws
            {
                var event = ScheduleEvent(partnerId: partner, referenceId: name, startDate: Self.day + start, endDate: Self.day + end)
                change(&event)
                events[name] = try transaction.insert(event)
            }
            try event("alpha", 0, 3_600) {
                $0.resourceIds = [resources["C"]!]
                $0.tags = "math,first year"
                $0.categoryIds = [7, 30]
                $0.entryIds = ["0_aaaaaaaa"]
                $0.templateEntryId = "0_template"
                $0.ownerId = "alice"
                $0.priority = 1
                $0.summary = "Alpha"
            }
            try event("beta", 86_400, 86_400 + 7_200) {
                $0.type = .liveStream
                $0.resourceIds = [resources["R2"]!]
                $0.tags = "physics"
                $0.categoryIds = [3]
                $0.entryIds = ["0_bbbbbbbb", "0_cccccccc"]
                $0.ownerId = "bob"
                $0.priority = 5
                $0.summary = "Beta"
            }
            try event("gamma", 2 * 86_400, 2 * 86_400 + 3_600) {
                $0.status = .cancelled
                $0.resourceIds = [resources["C"]!, resources["C2"]!]
                $0.tags = "math"
                $0.ownerId = "alice"
                $0.priority = 9
            }
            try event("blackout", 3 * 86_400, 6 * 86_400) {
                $0.type = .blackout
                $0.summary = "Holiday"
            }
            try event("series", 4 * 86_400, 4 * 86_400 + 3_600) {
                $0.recurrenceType = .recurring
                $0.resourceIds = [resources["R"]!]
                $0.summary = "Series"
            }
            try event("occurrence", 4 * 86_400, 4 * 86_400 + 3_600) {
                $0.referenceId = "series"
                $0.recurrenceType = .recurrence
                $0.recurrenceKey = "k0"
                $0.parentId = events["series"]
                $0.resourceIds = [resources["R"]!]
                $0.summary = "Series"
            }
            try event("deleted", 0, 3_600) { $0.status = .deleted }
            try event("foreign", 0, 3_600, partner: 6) { $0.resourceIds = [resources["X"]!] }
            return (resources, events)
        }
        self.resources = resources
        self.events = events
        // Created and updated times apart, so that their bounds and orders tell the events apart.
        let times: [String: (Int64, Int64)] = [
            "alpha": (1, 9), "beta": (3, 7), "gamma": (2, 8), "blackout": (5, 6), "series": (4, 5), "occurrence": (4, 5),
            "B": (1, 5), "R": (2, 4), "C": (3, 3), "R2": (4, 2), "C2": (5, 1),
        ]
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            for (name, (created, updated)) in times {
                let table = events[name] != nil ? "events" : "resources"
                try db.execute(
                    sql: "UPDATE \(table) SET created_at = ?, updated_at = ? WHERE id = ?",
                    arguments: [Self.stamp(created), Self.stamp(updated), events[name] ?? resources[name]])
            }
        }
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        feed = ScheduleFeed(
            store: store, tokens: { FeedHarness.tokens }, maximumUploadBytes: 1 << 20,
            submit: { _, _, _, _ in throw FeedError(.internalError, "no uploads here") }, folderPartners: { [:] }, logger: quiet)
    }

    /// The created or updated time of step `step`: an hour apart from 2030 on.
    static func stamp(_ step: Int64) -> Int64 { 1_900_000_000 + step * 3_600 }

    /// The reply to a GET of `service.action` with `query` (and the partner 5 token) in JSON.
    func get(_ service: String, _ action: String, _ query: String, token: String = "token-five") async -> FeedResponse {
        await feed.respond(
            to: FeedRequest(method: "GET", path: "/api_v3/service/\(service)/action/\(action)", query: "format=1&ks=\(token)&" + query))
    }

    /// The names of the objects a listing gives, in order; `query` names objects as `{name}`, replaced by their ids.
    func listed(_ service: String, _ query: String) async throws -> [String] {
        let reply = await get(service, "list", withIds(query) + "&pager[pageSize]=500")
        #expect(reply.status == 200, "\(query): \(String(decoding: reply.body, as: UTF8.self))")
        return try names(reply)
    }

    /// The names of a list response's objects, in order.
    func names(_ reply: FeedResponse) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        let objects = try #require(object["objects"] as? [[String: Any]], "\(object)")
        let named = (object["objectType"] as? String) == "KalturaScheduleEventListResponse" ? events : resources
        let names = Dictionary(uniqueKeysWithValues: named.map { ($1, $0) })
        return objects.compactMap { ($0["id"] as? NSNumber).flatMap { names[$0.int64Value] } }
    }

    /// `query` with every `{name}` replaced by the id of the event or resource of that name.
    func withIds(_ query: String) -> String {
        var text = query
        for (name, id) in events.merging(resources, uniquingKeysWith: { event, _ in event }) {
            text = text.replacingOccurrences(of: "{\(name)}", with: String(id))
        }
        return text
    }
}

@Suite("Every Kaltura filter field and order")
struct FeedFilterTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var query: String
        var expected: [String]
        var testDescription: String { query }
    }

    static let all = ["alpha", "beta", "gamma", "blackout", "series", "occurrence"]
    static let day = FilterFixture.day

    static let eventCases: [Case] = [
        Case(query: "", expected: all),
        Case(query: "filter[idEqual]={alpha}", expected: ["alpha"]),
        Case(query: "filter[idIn]={beta},{alpha},{foreign}", expected: ["alpha", "beta"]),
        Case(query: "filter[idNotIn]={alpha},{beta}", expected: ["gamma", "blackout", "series", "occurrence"]),
        Case(query: "filter[parentIdEqual]={series}", expected: ["occurrence"]),
        Case(query: "filter[parentIdIn]={series},999", expected: ["occurrence"]),
        Case(query: "filter[parentIdNotIn]={series}", expected: ["alpha", "beta", "gamma", "blackout", "series"]),
        Case(query: "filter[statusEqual]=1", expected: ["gamma"]),
        Case(query: "filter[statusIn]=1,2", expected: all),
        Case(query: "filter[startDateGreaterThanOrEqual]=\(day + 3 * 86_400)", expected: ["blackout", "series", "occurrence"]),
        Case(query: "filter[startDateLessThanOrEqual]=\(day + 86_400)", expected: ["alpha", "beta"]),
        Case(query: "filter[endDateGreaterThanOrEqual]=\(day + 4 * 86_400 + 3_600)", expected: ["blackout", "series", "occurrence"]),
        Case(query: "filter[endDateLessThanOrEqual]=\(day + 86_400 + 7_200)", expected: ["alpha", "beta"]),
        Case(query: "filter[referenceIdEqual]=beta", expected: ["beta"]),
        Case(query: "filter[referenceIdIn]=alpha,series", expected: ["alpha", "series", "occurrence"]),
        Case(query: "filter[ownerIdEqual]=alice", expected: ["alpha", "gamma"]),
        Case(query: "filter[ownerIdIn]=bob,carol", expected: ["beta"]),
        Case(query: "filter[priorityEqual]=5", expected: ["beta"]),
        Case(query: "filter[priorityIn]=1,9", expected: ["alpha", "gamma"]),
        Case(query: "filter[priorityGreaterThanOrEqual]=5", expected: ["beta", "gamma"]),
        Case(query: "filter[priorityLessThanOrEqual]=5", expected: ["alpha", "beta"]),
        Case(query: "filter[recurrenceTypeEqual]=1", expected: ["series"]),
        Case(query: "filter[recurrenceTypeIn]=0,2", expected: ["alpha", "beta", "gamma", "blackout", "occurrence"]),
        Case(query: "filter[tagsLike]=math", expected: ["alpha", "gamma"]),
        Case(query: "filter[tagsLike]=YEAR", expected: ["alpha"]),
        Case(query: "filter[tagsLike]=yea", expected: []),
        Case(query: "filter[tagsLike]=physics,math", expected: []),
        Case(query: "filter[tagsLike]=first%20year", expected: ["alpha"]),
        Case(query: "filter[tagsMultiLikeOr]=physics,first%20year", expected: ["alpha", "beta"]),
        Case(query: "filter[tagsMultiLikeAnd]=math,year", expected: ["alpha"]),
        Case(query: "filter[createdAtGreaterThanOrEqual]=\(FilterFixture.stamp(4))", expected: ["blackout", "series", "occurrence"]),
        Case(query: "filter[createdAtLessThanOrEqual]=\(FilterFixture.stamp(2))", expected: ["alpha", "gamma"]),
        Case(query: "filter[updatedAtGreaterThanOrEqual]=\(FilterFixture.stamp(8))", expected: ["alpha", "gamma"]),
        Case(query: "filter[updatedAtLessThanOrEqual]=\(FilterFixture.stamp(6))", expected: ["blackout", "series", "occurrence"]),
        Case(query: "filter[resourceIdEqual]={C}", expected: ["alpha"]),
        Case(query: "filter[resourceIdEqual]={R}", expected: ["series", "occurrence"]),
        Case(query: "filter[resourceIdsLike]={C}", expected: ["alpha", "gamma"]),
        Case(query: "filter[resourceIdsLike]={C},{C2}", expected: ["gamma"]),
        Case(query: "filter[resourceIdsMultiLikeOr]={R2},{R}", expected: ["beta", "series", "occurrence"]),
        Case(query: "filter[resourceIdsMultiLikeAnd]={C},{C2}", expected: ["gamma"]),
        Case(query: "filter[parentResourceIdsLike]={R}", expected: ["alpha", "gamma"]),
        Case(query: "filter[parentResourceIdsLike]={B}", expected: ["alpha", "gamma", "series", "occurrence"]),
        Case(query: "filter[parentResourceIdsMultiLikeOr]={R2},999", expected: ["gamma"]),
        Case(query: "filter[parentResourceIdsMultiLikeAnd]={R},{R2}", expected: ["gamma"]),
        Case(query: "filter[resourceSystemNamesLike]=cam-c", expected: ["alpha", "gamma"]),
        Case(query: "filter[resourceSystemNamesMultiLikeOr]=room-2,room-r", expected: ["beta", "series", "occurrence"]),
        Case(query: "filter[resourceSystemNamesMultiLikeAnd]=cam-c,cam-2", expected: ["gamma"]),
        Case(query: "filter[categoryIdsLike]=3", expected: ["beta"]),
        Case(query: "filter[categoryIdsMultiLikeOr]=30,3", expected: ["alpha", "beta"]),
        Case(query: "filter[categoryIdsMultiLikeAnd]=7,30", expected: ["alpha"]),
        Case(query: "filter[entryIdsLike]=0_bbbbbbbb", expected: ["beta"]),
        Case(query: "filter[entryIdsMultiLikeOr]=0_aaaaaaaa,0_cccccccc", expected: ["alpha", "beta"]),
        Case(query: "filter[entryIdsMultiLikeAnd]=0_bbbbbbbb,0_cccccccc", expected: ["beta"]),
        Case(query: "filter[templateEntryIdEqual]=0_template", expected: ["alpha"]),
        Case(query: "filter[objectType]=KalturaScheduleEventFilter", expected: all),
        Case(query: "filter[objectType]=KalturaRecordScheduleEventFilter", expected: ["alpha", "gamma", "series", "occurrence"]),
        Case(query: "filter[objectType]=KalturaLiveStreamScheduleEventFilter", expected: ["beta"]),
        Case(query: "filter[objectType]=KalturaBlackoutScheduleEventFilter", expected: ["blackout"]),
        Case(query: "filter[objectType]=KalturaMeetingScheduleEventFilter", expected: []),
        Case(
            query: "filter[objectType]=KalturaRecordScheduleEventFilter&filter[resourceIdsLike]={C}&filter[statusEqual]=2",
            expected: ["alpha"]),
    ]

    @Test("each event filter field selects what it should", arguments: eventCases)
    func eventFilter(_ filterCase: Case) async throws {
        let fixture = try await FilterFixture.shared()
        #expect(try await fixture.listed("schedule_scheduleevent", filterCase.query) == filterCase.expected)
    }

    static let orderCases: [Case] = [
        Case(query: "+startDate", expected: all),
        Case(query: "-startDate", expected: ["series", "occurrence", "blackout", "gamma", "beta", "alpha"]),
        Case(query: "+endDate", expected: ["alpha", "beta", "gamma", "series", "occurrence", "blackout"]),
        Case(query: "-endDate", expected: ["blackout", "series", "occurrence", "gamma", "beta", "alpha"]),
        Case(query: "+createdAt", expected: ["alpha", "gamma", "beta", "series", "occurrence", "blackout"]),
        Case(query: "-createdAt", expected: ["blackout", "series", "occurrence", "beta", "gamma", "alpha"]),
        Case(query: "+updatedAt", expected: ["series", "occurrence", "blackout", "beta", "gamma", "alpha"]),
        Case(query: "-updatedAt", expected: ["alpha", "gamma", "beta", "blackout", "series", "occurrence"]),
        Case(query: "+summary", expected: ["gamma", "alpha", "beta", "blackout", "series", "occurrence"]),
        Case(query: "-summary", expected: ["series", "occurrence", "blackout", "beta", "alpha", "gamma"]),
        Case(query: "+priority", expected: ["blackout", "series", "occurrence", "alpha", "beta", "gamma"]),
        Case(query: "-priority", expected: ["gamma", "beta", "alpha", "blackout", "series", "occurrence"]),
        Case(query: "-priority,-startDate", expected: ["gamma", "beta", "alpha", "series", "occurrence", "blackout"]),
        Case(query: "%20startDate", expected: all),
        Case(query: "%2BendDate", expected: ["alpha", "beta", "gamma", "series", "occurrence", "blackout"]),
        Case(query: "+bogus", expected: all),
        Case(query: "startDate", expected: all),
        Case(query: "+bogus,-startDate", expected: ["series", "occurrence", "blackout", "gamma", "beta", "alpha"]),
    ]

    @Test("each event order sorts as it should; a raw + reads as a space, an unknown order is ignored", arguments: orderCases)
    func eventOrder(_ orderCase: Case) async throws {
        let fixture = try await FilterFixture.shared()
        // A `+` written raw in a query string is a space once decoded: `+endDate` is ` endDate`.
        #expect(try await fixture.listed("schedule_scheduleevent", "filter[orderBy]=" + orderCase.query) == orderCase.expected)
    }

    static let resourceCases: [Case] = [
        Case(query: "", expected: ["B", "R", "C", "R2", "C2"]),
        Case(query: "filter[idEqual]={R}", expected: ["R"]),
        Case(query: "filter[idIn]={C},{X},{B}", expected: ["B", "C"]),
        Case(query: "filter[idNotIn]={B},{R}", expected: ["C", "R2", "C2"]),
        Case(query: "filter[parentIdEqual]={R}", expected: ["C"]),
        Case(query: "filter[parentIdIn]={R},{R2}", expected: ["C", "C2"]),
        Case(query: "filter[nameEqual]=R2", expected: ["R2"]),
        Case(query: "filter[systemNameEqual]=cam-c", expected: ["C"]),
        Case(query: "filter[systemNameIn]=cam-c,room-2", expected: ["C", "R2"]),
        Case(query: "filter[statusEqual]=3", expected: ["D"]),
        Case(query: "filter[statusIn]=2,3", expected: ["B", "R", "C", "R2", "C2", "D"]),
        Case(query: "filter[tagsLike]=room", expected: ["R", "R2"]),
        Case(query: "filter[tagsLike]=big%20hall", expected: ["R2"]),
        Case(query: "filter[tagsMultiLikeOr]=ptz,building", expected: ["B", "C"]),
        Case(query: "filter[tagsMultiLikeAnd]=room,small", expected: ["R"]),
        Case(query: "filter[createdAtGreaterThanOrEqual]=\(FilterFixture.stamp(4))", expected: ["R2", "C2"]),
        Case(query: "filter[createdAtLessThanOrEqual]=\(FilterFixture.stamp(2))", expected: ["B", "R"]),
        Case(query: "filter[updatedAtGreaterThanOrEqual]=\(FilterFixture.stamp(4))", expected: ["B", "R"]),
        Case(query: "filter[updatedAtLessThanOrEqual]=\(FilterFixture.stamp(1))", expected: ["C2"]),
        Case(query: "filter[objectType]=KalturaCameraScheduleResourceFilter", expected: ["C", "C2"]),
        Case(query: "filter[objectType]=KalturaLocationScheduleResourceFilter", expected: ["B", "R", "R2"]),
        Case(query: "filter[objectType]=KalturaLiveEntryScheduleResourceFilter", expected: []),
        Case(query: "filter[objectType]=KalturaScheduleResourceFilter", expected: ["B", "R", "C", "R2", "C2"]),
        Case(query: "filter[orderBy]=%2BcreatedAt", expected: ["B", "R", "C", "R2", "C2"]),
        Case(query: "filter[orderBy]=-createdAt", expected: ["C2", "R2", "C", "R", "B"]),
        Case(query: "filter[orderBy]=+updatedAt", expected: ["C2", "R2", "C", "R", "B"]),
        Case(query: "filter[orderBy]=-updatedAt", expected: ["B", "R", "C", "R2", "C2"]),
        Case(query: "filter[orderBy]=-bogus", expected: ["B", "R", "C", "R2", "C2"]),
    ]

    @Test("each resource filter field and order selects and sorts what it should", arguments: resourceCases)
    func resourceFilter(_ filterCase: Case) async throws {
        let fixture = try await FilterFixture.shared()
        #expect(try await fixture.listed("schedule_scheduleresource", filterCase.query) == filterCase.expected)
    }

    @Test(
        "fields we cannot apply, and unknown ones, are refused naming them",
        arguments: [
            "filter[templateEntryCategoriesIdsLike]=1", "filter[templateEntryCategoriesIdsMultiLikeOr]=1",
            "filter[templateEntryCategoriesIdsMultiLikeAnd]=1", "filter[parentCategoryIdsLike]=1", "filter[parentCategoryIdsMultiLikeOr]=1",
            "filter[parentCategoryIdsMultiLikeAnd]=1", "filter[sourceEntryIdEqual]=0_aaaaaaaa",
            "filter[advancedSearch][objectType]=KalturaSearchItem", "filter[summaryLike]=Alpha", "filter[statusNotIn]=1",
        ])
    func unsupported(_ query: String) async throws {
        let fixture = try await FilterFixture.shared()
        let reply = await fixture.get("schedule_scheduleevent", "list", query)
        #expect(reply.headers["X-Kaltura"]?.hasPrefix("error-") == true, "refused as Kaltura refuses")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        #expect(object["code"] as? String == "feed.unknownFilter")
        let field = String(query.prefix { $0 != "=" }).replacingOccurrences(of: "[", with: ":").replacingOccurrences(of: "]", with: "")
        #expect((object["message"] as? String)?.contains(field.replacingOccurrences(of: ":objectType", with: "")) == true, "\(object)")
    }

    @Test("an object type that is no schedule filter is refused")
    func unknownObjectType() async throws {
        let fixture = try await FilterFixture.shared()
        for (service, type) in [
            ("schedule_scheduleevent", "KalturaMediaEntryFilter"), ("schedule_scheduleresource", "KalturaRecordScheduleEventFilter"),
        ] {
            let reply = await fixture.get(service, "list", "filter[objectType]=\(type)")
            #expect(reply.headers["X-Kaltura"]?.hasPrefix("error-") == true, "refused as Kaltura refuses")
            #expect(String(decoding: reply.body, as: UTF8.self).contains("feed.invalidParameter"))
        }
    }
}

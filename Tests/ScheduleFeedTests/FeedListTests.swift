import Foundation
import ICalendar
import Ingestion
import Schedule
import ScheduleStore
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Partner 5's resources and events, and partner 6's, stored through real jobs.
struct Seed {
    var camera: Int64 = 0
    var room: Int64 = 0

    /// Stores resources, then a calendar for partner 5 (three singles, one cancelled, and a weekly series of four)
    /// and one event for partner 6.
    static func store(in harness: FeedHarness) async throws -> Seed {
        var seed = Seed()
        (seed.room, seed.camera) = try await harness.store.write { transaction in
            let room = try transaction.insert(ScheduleResource(partnerId: 5, type: .location, name: "Room", systemName: "room"))
            let camera = try transaction.insert(
                ScheduleResource(partnerId: 5, type: .camera, name: "Camera", systemName: "cam", parentId: room))
            _ = try transaction.insert(ScheduleResource(partnerId: 6, type: .location, name: "Elsewhere"))
            return (room, camera)
        }
        let day = FeedListTests.day
        try await harness.ingest(
            partnerId: 5, "seed.ics",
            calendar([
                [
                    "UID:single-a", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 3600))", "SUMMARY:Alpha",
                    "X-KALTURA-RESOURCE-IDS:\(seed.camera)", "X-KALTURA-TAGS:alpha,lecture", "X-KALTURA-CATEGORY-IDS:11",
                    "X-KALTURA-TEMPLATE-ENTRY-ID:0_tpl12345",
                ],
                [
                    "UID:single-b", "DTSTART:\(utc(day + 86_400))", "DTEND:\(utc(day + 86_400 + 7200))", "SUMMARY:Beta",
                    "X-KALTURA-RESOURCE-IDS:\(seed.room)", "X-KALTURA-TAGS:beta",
                ],
                [
                    "UID:series-s", "DTSTART:\(utc(day + 2 * 86_400 + 3600))", "DTEND:\(utc(day + 2 * 86_400 + 7200))",
                    "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Series", "X-KALTURA-RESOURCE-IDS:\(seed.camera)", "X-KALTURA-CATEGORY-IDS:12,13",
                ],
                [
                    "UID:single-c", "DTSTART:\(utc(day + 3 * 86_400))", "DTEND:\(utc(day + 3 * 86_400 + 3600))", "SUMMARY:Gamma",
                    "STATUS:CANCELLED",
                ],
            ]))
        try await harness.ingest(
            partnerId: 6, "six.ics",
            calendar([["UID:six-only", "DTSTART:\(utc(day))", "DTEND:\(utc(day + 3600))", "SUMMARY:Six"]]))
        return seed
    }
}

extension FeedHarness {
    /// Runs a job over `text` for `partnerId`, as a dropped file's job runs, and requires it handled.
    func ingest(partnerId: Int, _ name: String, _ text: String) async throws {
        let path = root.path + "/" + UUID().uuidString
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let identity = FileIdentity(
            folderId: "seed-\(partnerId)", path: name, size: Int64(text.utf8.count), modified: Int64.random(in: 1...1 << 60))
        let ticket = try await store.openJob(for: identity, kind: .ical)
        let report = try await runner.run(ticket, stagedFile: path, settings: JobSettings(partnerId: partnerId))
        #expect(report.status == .handled && report.counts.rejected == 0, "\(report.items.filter { $0.result == .rejected })")
    }

    /// The ids a filter query selects, from the list call in JSON.
    func listedIds(_ query: String, token: String = "token-five") async throws -> [Int64] {
        let reply = try await get("/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=\(token)&pager[pageSize]=500&" + query)
        #expect(reply.status == 200, "\(query): \(reply.text)")
        return try reply.ids()
    }
}

/// The ids of `events` that `keep` selects, in listing order (start, then id), never deleted ones.
func expected(_ events: [ScheduleEvent], _ keep: (ScheduleEvent) -> Bool) -> [Int64] {
    events.filter { $0.status != .deleted && keep($0) }.sorted { ($0.startDate, $0.id ?? 0) < ($1.startDate, $1.id ?? 0) }.compactMap(\.id)
}

@Suite("Event listings over HTTP")
struct FeedListTests {
    @Test("each format parses back and equals what the store holds")
    func formatsParseBack() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        _ = try await Seed.store(in: harness)
        let stored = try await harness.storedEvents()
        #expect(stored.count == 8)  // 3 singles, the series row and its 4 occurrences

        let json = try await harness.get(
            "/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=token-five&pager%5BpageSize%5D=100")
        #expect(json.status == 200)
        #expect(json.headers["content-type"] == "application/json; charset=utf-8")
        let object = try json.json()
        #expect(object["objectType"] as? String == "KalturaScheduleEventListResponse")
        #expect((object["totalCount"] as? NSNumber)?.intValue == stored.count)
        let objects = try #require(object["objects"] as? [[String: Any]])
        #expect(objects.count == stored.count)
        for (listed, event) in zip(objects, stored) {
            #expect((listed["id"] as? NSNumber)?.int64Value == event.id)
            #expect(listed["referenceId"] as? String == event.referenceId)
            #expect((listed["startDate"] as? NSNumber)?.int64Value == event.startDate)
            #expect((listed["endDate"] as? NSNumber)?.int64Value == event.endDate)
            #expect((listed["status"] as? NSNumber)?.intValue == event.status.rawValue)
            #expect((listed["recurrenceType"] as? NSNumber)?.intValue == event.recurrenceType.rawValue)
            #expect((listed["parentId"] as? NSNumber)?.int64Value == event.parentId)
            #expect(listed["summary"] as? String == event.summary)
            #expect(
                listed["resourceIds"] as? String
                    == (event.resourceIds.isEmpty ? nil : event.resourceIds.map(String.init).joined(separator: ",")))
        }

        let xml = try await harness.get("/api_v3/service/schedule_scheduleevent/action/list/ks/token-five/format/2")
        #expect(xml.status == 200)
        let document = try XMLDocument(data: xml.body)
        #expect(try document.nodes(forXPath: "/xml/result/totalCount").first?.stringValue == String(stored.count))
        let items = try document.nodes(forXPath: "/xml/result/objects/item")
        #expect(items.count == stored.count)
        for (item, event) in zip(items, stored) {
            func field(_ name: String) throws -> String? { try item.nodes(forXPath: name).first?.stringValue }
            #expect(try field("id") == event.id.map(String.init))
            #expect(try field("referenceId") == event.referenceId)
            #expect(try field("startDate") == String(event.startDate))
            #expect(try field("endDate") == String(event.endDate))
            #expect(try field("objectType") == "KalturaRecordScheduleEvent")
        }

        let ical = try await harness.get(
            "/api_v3/service/schedule_scheduleevent/action/list/format/ical", headers: ["Authorization": "Bearer token-five"])
        #expect(ical.status == 200)
        #expect(ical.headers["content-type"] == "text/calendar; charset=utf-8")
        var reader = CalendarReader(BufferByteSource(ical.text))
        var components: [Component] = []
        while let item = try reader.next() { components.append(item.component) }
        #expect(components.count == stored.count)
        for (component, event) in zip(components, stored) {
            #expect(component.property("X-KALTURA-ID")?.value == event.id.map(String.init))
            #expect(component.property("UID")?.value == event.referenceId)
            #expect(component.property("DTSTART")?.value == utc(event.startDate))
            #expect(component.property("DTEND")?.value == utc(event.endDate))
            #expect(component.property("STATUS")?.value == (event.status == .active ? "CONFIRMED" : "CANCELLED"))
            #expect((component.property("RRULE") != nil) == (event.recurrenceType == .recurring))
            #expect((component.property("RECURRENCE-ID") != nil) == (event.recurrenceType == .recurrence))
        }
        #expect(ical.text.contains("X-KALTURA-TOTAL-COUNT:\(stored.count)\r\n"))
        await harness.stop()
    }

    /// A filter in the query form, and which stored events it must select.
    struct Case: Sendable, CustomTestStringConvertible {
        var query: @Sendable (Seed, [ScheduleEvent]) -> String
        var keep: @Sendable (Seed, ScheduleEvent) -> Bool
        var name: String
        var testDescription: String { name }
    }

    /// 09:00Z a week from today: near enough for a series' occurrences to be stored (within the horizon).
    static let day: Int64 = (Int64(Date().timeIntervalSince1970) / 86_400 + 7) * 86_400 + 9 * 3600

    static let cases: [Case] = [
        Case(
            query: { _, _ in "filter[startDateGreaterThanOrEqual]=\(day + 86_400)" }, keep: { $1.startDate >= day + 86_400 },
            name: "start ≥"),
        Case(
            query: { _, _ in "filter[startDateLessThanOrEqual]=\(day + 86_400)" }, keep: { $1.startDate <= day + 86_400 }, name: "start ≤"),
        Case(
            query: { _, _ in "filter[endDateGreaterThanOrEqual]=\(day + 86_400 + 7200)" }, keep: { $1.endDate >= day + 86_400 + 7200 },
            name: "end ≥"),
        Case(
            query: { _, _ in "filter[endDateLessThanOrEqual]=\(day + 86_400 + 7200)" }, keep: { $1.endDate <= day + 86_400 + 7200 },
            name: "end ≤"),
        Case(query: { _, _ in "filter[referenceIdEqual]=single-b" }, keep: { $1.referenceId == "single-b" }, name: "reference id equal"),
        Case(
            query: { _, _ in "filter[referenceIdIn]=single-a,series-s" }, keep: { ["single-a", "series-s"].contains($1.referenceId) },
            name: "reference id in"),
        Case(
            query: { _, events in "filter[idEqual]=\(events[1].id!)" }, keep: { _, event in event.referenceId == "single-b" },
            name: "id equal"),
        Case(
            query: { _, events in "filter[idIn]=\(events[0].id!),\(events[2].id!)" },
            keep: { _, event in ["single-a", "series-s"].contains(event.referenceId) && event.recurrenceType != .recurrence },
            name: "id in"),
        Case(
            query: { _, events in "filter[parentIdEqual]=\(events.first { $0.recurrenceType == .recurring }!.id!)" },
            keep: { $1.recurrenceType == .recurrence }, name: "parent id equal"),
        Case(query: { _, _ in "filter[statusEqual]=1" }, keep: { $1.status == .cancelled }, name: "status equal"),
        Case(query: { _, _ in "filter[statusIn]=1,2" }, keep: { _, _ in true }, name: "status in"),
        Case(
            query: { _, _ in "filter[recurrenceTypeIn]=0,1" }, keep: { $1.recurrenceType != .recurrence }, name: "series and single events"),
        Case(
            query: { _, _ in "filter[recurrenceTypeIn]=0,2" }, keep: { $1.recurrenceType != .recurring },
            name: "single events and occurrences"),
        Case(query: { _, _ in "filter[recurrenceTypeEqual]=1" }, keep: { $1.recurrenceType == .recurring }, name: "series only"),
        Case(
            query: { _, _ in "filter[templateEntryIdEqual]=0_tpl12345" }, keep: { $1.templateEntryId == "0_tpl12345" },
            name: "template entry id"),
        Case(
            query: { seed, _ in "filter[resourceIdEqual]=\(seed.room)" }, keep: { seed, event in event.resourceIds.contains(seed.room) },
            name: "resource id equal"),
        Case(
            query: { seed, _ in "filter[resourceIdsMultiLikeOr]=\(seed.room),\(seed.camera)" },
            keep: { _, event in !event.resourceIds.isEmpty },
            name: "resource ids match-or"),
        Case(
            query: { _, _ in "filter[categoryIdsMultiLikeOr]=13,99" }, keep: { $1.categoryIds.contains(13) }, name: "category ids match-or"),
        Case(query: { _, _ in "filter[tagsLike]=lecture" }, keep: { $1.tags?.contains("lecture") ?? false }, name: "tags like"),
        Case(
            query: { _, _ in
                "filter[recurrenceTypeIn]=0,2&filter[resourceIdsMultiLikeOr]=1,2&filter[startDateLessThanOrEqual]=\(day + 3 * 86_400)"
            },
            keep: { _, event in event.recurrenceType != .recurring && !event.resourceIds.isEmpty && event.startDate <= day + 3 * 86_400 },
            name: "several filters together"),
        Case(
            query: { _, _ in "filter[updatedAtGreaterThanOrEqual]=2000000000" }, keep: { _, _ in false }, name: "updated at in the future"),
        Case(query: { _, _ in "filter[createdAtGreaterThanOrEqual]=315532800" }, keep: { _, _ in true }, name: "created after 1980"),
    ]

    @Test("each filter selects what the store holds", arguments: cases)
    func filter(_ filterCase: Case) async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let seed = try await Seed.store(in: harness)
        let stored = try await harness.storedEvents()
        let all = try await harness.store.events(partnerId: 5)
        let listed = try await harness.listedIds(filterCase.query(seed, stored))
        #expect(listed == expected(all) { filterCase.keep(seed, $0) })
        #expect(!listed.isEmpty || filterCase.name == "updated at in the future")
        await harness.stop()
    }

    @Test("the path form reads the same filters as the query form")
    func pathForm() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        _ = try await Seed.store(in: harness)
        let viaQuery = try await harness.listedIds("filter[recurrenceTypeIn]=0,1&filter[statusEqual]=2")
        let reply = try await harness.get(
            "/api_v3/service/schedule_scheduleevent/action/list/format/1/ks/token-five/filter:objectType/KalturaScheduleEventFilter"
                + "/filter:recurrenceTypeIn/0,1/filter:statusEqual/2")
        #expect(reply.status == 200)
        #expect(try reply.ids() == viaQuery)
        #expect(viaQuery.count == 3)
        await harness.stop()
    }

    @Test("times below 1980 are relative to now")
    func relativeTimes() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let now = Int64(Date().timeIntervalSince1970)
        try await harness.ingest(
            partnerId: 5, "now.ics",
            calendar(
                [("past", -7200), ("soon", 7200), ("later", 2 * 86_400)].map { uid, offset in
                    ["UID:\(uid)", "DTSTART:\(utc(now + offset))", "DTEND:\(utc(now + offset + 1800))", "SUMMARY:\(uid)"]
                }))
        let all = try await harness.store.events(partnerId: 5)
        func uids(_ ids: [Int64]) -> [String] { ids.compactMap { id in all.first { $0.id == id }?.referenceId } }
        #expect(uids(try await harness.listedIds("filter[startDateGreaterThanOrEqual]=0")) == ["soon", "later"])
        #expect(uids(try await harness.listedIds("filter[startDateLessThanOrEqual]=86400")) == ["past", "soon"])
        #expect(
            uids(try await harness.listedIds("filter[startDateGreaterThanOrEqual]=-10800&filter[endDateLessThanOrEqual]=0")) == ["past"])
        await harness.stop()
    }

    @Test("pages: 30 by default, at most 500, none past the 10,000th result, never skipping or repeating")
    func pager() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let start: Int64 = 1_893_920_400
        try await harness.ingest(
            partnerId: 5, "many.ics",
            calendar(
                (0..<520).map {
                    ["UID:e\($0)", "DTSTART:\(utc(start + Int64($0 / 2) * 3600))", "DTEND:\(utc(start + Int64($0 / 2) * 3600 + 1800))"]
                }))
        let path = "/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=token-five"
        #expect(try await harness.get(path).ids().count == 30)
        let clamped = try await harness.get(path + "&pager[pageSize]=1000")
        #expect(try clamped.ids().count == 500)
        #expect((try clamped.json()["totalCount"] as? NSNumber)?.intValue == 520)
        var paged: [Int64] = []
        for index in 1...6 { paged += try await harness.get(path + "&pager[pageSize]=100&pager[pageIndex]=\(index)").ids() }
        let stored = try await harness.storedEvents().compactMap(\.id)
        #expect(paged == stored)
        #expect(Set(paged).count == 520)
        let last = try await harness.get(path + "&pager[pageSize]=500&pager[pageIndex]=20")
        #expect(last.status == 200)
        #expect(try last.ids().isEmpty)
        let beyond = try await harness.get(path + "&pager[pageSize]=500&pager[pageIndex]=21")
        #expect(beyond.status == 200 && beyond.errorCode == "feed.pageBeyondLimit", "refused as Kaltura refuses: HTTP 200")
        #expect(try beyond.json()["code"] as? String == "feed.pageBeyondLimit")
        #expect(try (beyond.json()["message"] as? String)?.contains("narrow the filter") == true)
        await harness.stop()
    }

    @Test("an unchanged poll gets 304; a poll after an ingest that changed events gets 200 and a new ETag")
    func entityTags() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        _ = try await Seed.store(in: harness)
        let path = "/api_v3/service/schedule_scheduleevent/action/list/format/ical/ks/token-five"
        let first = try await harness.get(path)
        let tag = try #require(first.headers["etag"])
        let unchanged = try await harness.get(path, headers: ["If-None-Match": tag])
        #expect(unchanged.status == 304)
        #expect(unchanged.body.isEmpty)
        #expect(try await harness.get(path + "/pager:pageSize/5", headers: ["If-None-Match": tag]).status == 200)

        try await harness.ingest(
            partnerId: 5, "again.ics",
            calendar([["UID:single-a", "DTSTART:\(utc(Self.day))", "DTEND:\(utc(Self.day + 3600))", "SUMMARY:Alpha"]]))
        let afterNoChange = try await harness.get(path, headers: ["If-None-Match": tag])
        #expect(afterNoChange.status == 200, "the re-ingest changed single-a's resources and tags")

        let current = try #require(afterNoChange.headers["etag"])
        try await harness.ingest(
            partnerId: 5, "same.ics",
            calendar([["UID:single-a", "DTSTART:\(utc(Self.day))", "DTEND:\(utc(Self.day + 3600))", "SUMMARY:Alpha"]]))
        #expect(
            try await harness.get(path, headers: ["If-None-Match": current]).status == 304, "an ingest that changed nothing keeps the tag")

        try await harness.ingest(
            partnerId: 5, "new.ics",
            calendar([["UID:new", "DTSTART:\(utc(Self.day + 40 * 86_400))", "DTEND:\(utc(Self.day + 40 * 86_400 + 3600))"]]))
        let changed = try await harness.get(path, headers: ["If-None-Match": current])
        #expect(changed.status == 200)
        #expect(changed.headers["etag"] != current)
        #expect(changed.text.contains("UID:new\r\n"))
        await harness.stop()
    }

    @Test("a token sees its own partner's data only; missing, wrong and expired tokens are refused with Kaltura's codes in every format")
    func partnersAndTokens() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        _ = try await Seed.store(in: harness)
        let five = try await harness.storedEvents(partnerId: 5)
        let six = try await harness.storedEvents(partnerId: 6)
        #expect(try await harness.listedIds("", token: "token-six") == six.compactMap(\.id))
        let foreign = try #require(five.first?.id)
        let get = "/api_v3/service/schedule_scheduleevent/action/get?format=1&scheduleEventId=\(foreign)"
        let notFound = try await harness.get(get + "&ks=token-six")
        #expect(notFound.errorCode == "SCHEDULE_EVENT_ID_NOT_FOUND")
        #expect(try notFound.json()["code"] as? String == "SCHEDULE_EVENT_ID_NOT_FOUND")
        let own = try await harness.get(get + "&ks=token-five")
        #expect(own.status == 200)
        #expect(try (own.json()["id"] as? NSNumber)?.int64Value == foreign)
        #expect(try await harness.listedIds("filter[idEqual]=\(foreign)", token: "token-six").isEmpty)

        let list = "/api_v3/service/schedule_scheduleevent/action/list"
        for (token, code) in [(nil, "MISSING_KS"), ("nonsense", "INVALID_KS"), ("token-old", "EXPIRED_KS")] {
            let query = token.map { "&ks=\($0)" } ?? ""
            let json = try await harness.get(list + "?format=1" + query)
            #expect(json.status == 200 && json.errorCode == code)
            #expect(try json.json()["objectType"] as? String == "KalturaAPIException")
            #expect(try json.json()["code"] as? String == code)
            let xml = try await harness.get(list + "?format=2" + query)
            #expect(xml.status == 200 && xml.errorCode == code)
            #expect(xml.text.contains("<error><objectType>KalturaAPIException</objectType><code>\(code)</code>"))
            let ical = try await harness.get(list + "?format=ical" + query)
            #expect(ical.text.contains("BEGIN:VERROR\r\nX-KALTURA-CODE:\(code)\r\n"))
            for reply in [json, xml, ical] { #expect(!reply.text.contains("token-") && !reply.text.contains("nonsense")) }
        }
        await harness.stop()
    }

    @Test("an unknown or unsupported filter name is refused naming it; an unreadable value is refused too")
    func unknownFilters() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let path = "/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=token-five&"
        let unknown = try await harness.get(path + "filter[startDateGreaterThan]=5")
        #expect(unknown.errorCode == "feed.unknownFilter")
        #expect(try unknown.json()["code"] as? String == "feed.unknownFilter")
        #expect(try (unknown.json()["message"] as? String)?.contains("filter:startDateGreaterThan") == true)
        let unsupported = try await harness.get(path + "filter[sourceEntryIdEqual]=0_aaaaaaaa")
        #expect(try unsupported.json()["code"] as? String == "feed.unknownFilter")
        let pager = try await harness.get(path + "pager[pageSise]=5")
        #expect(try (pager.json()["message"] as? String)?.contains("pager:pageSise") == true)
        let value = try await harness.get(path + "filter[idIn]=1,x")
        #expect(value.errorCode == "feed.invalidParameter")
        #expect(try value.json()["code"] as? String == "feed.invalidParameter")
        let format = try await harness.get(path + "format=7")
        #expect(format.errorCode == "feed.invalidParameter")
        let action = try await harness.get("/api_v3/service/schedule_scheduleevent/action/clone?ks=token-five&format=1")
        #expect(action.errorCode == "ACTION_DOES_NOT_EXISTS")
        #expect(try action.json()["code"] as? String == "ACTION_DOES_NOT_EXISTS")
        let service = try await harness.get("/api_v3/service/nothing/action/list?ks=token-five&format=1")
        #expect(try service.json()["code"] as? String == "SERVICE_DOES_NOT_EXISTS")
        await harness.stop()
    }

    @Test("resources list in JSON and XML with the pager, deleted ones left out, each partner its own")
    func resources() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let seed = try await Seed.store(in: harness)
        _ = try await harness.store.write { transaction in
            try transaction.insert(ScheduleResource(partnerId: 5, type: .location, status: .deleted, name: "Gone"))
        }
        let path = "/api_v3/service/schedule_scheduleresource/action/list?format=1&ks=token-five"
        let all = try await harness.get(path)
        #expect(try all.ids() == [seed.room, seed.camera])
        #expect(try all.json()["objectType"] as? String == "KalturaScheduleResourceListResponse")
        #expect(try await harness.get(path + "&pager[pageSize]=1&pager[pageIndex]=2").ids() == [seed.camera])
        #expect(try await harness.get(path + "&filter[parentIdEqual]=\(seed.room)").ids() == [seed.camera])
        let xml = try XMLDocument(data: try await harness.get("/api_v3/service/schedule_scheduleresource/action/list?ks=token-five").body)
        #expect(
            try xml.nodes(forXPath: "/xml/result/objects/item/objectType").compactMap(\.stringValue) == [
                "KalturaLocationScheduleResource", "KalturaCameraScheduleResource",
            ])
        #expect(try await harness.get("/api_v3/service/schedule_scheduleresource/action/list?format=1&ks=token-six").ids().count == 1)
        await harness.stop()
    }
}

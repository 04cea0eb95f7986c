import Foundation
import Schedule
import ScheduleFeed
import Testing

@Suite("scheduleEvent.getConflicts")
struct FeedConflictTests {
    static let day = FilterFixture.day

    /// The names of the events getConflicts gives for a time on resources (names as `{name}`) and the extra parameters.
    func conflicts(_ fixture: FilterFixture, _ resources: String, from: Int64, to: Int64, _ extra: String = "") async throws -> [String] {
        let query =
            "resourceIds=\(resources)&scheduleEvent[objectType]=KalturaRecordScheduleEvent&scheduleEvent[startDate]=\(Self.day + from)"
            + "&scheduleEvent[endDate]=\(Self.day + to)" + extra
        let reply = await fixture.get("schedule_scheduleevent", "getConflicts", fixture.withIds(query))
        #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        return try fixture.names(reply)
    }

    @Test("an event on the same resource clashes; a cancelled one and one that only touches do not")
    func sharedResource() async throws {
        let fixture = try await FilterFixture.shared()
        #expect(try await conflicts(fixture, "{C}", from: 1_800, to: 5_400) == ["alpha"])
        #expect(try await conflicts(fixture, "{C2}", from: 2 * 86_400, to: 2 * 86_400 + 60) == [], "gamma is cancelled")
        #expect(try await conflicts(fixture, "{C}", from: 3_600, to: 7_200) == [], "alpha ends as this starts")
        #expect(try await conflicts(fixture, "{R2},{C}", from: 0, to: 86_400 + 60) == ["alpha", "beta"])
    }

    @Test("a camera clashes with an event on its room, and a room with an event on its camera; series rows never clash")
    func cameraAndRoom() async throws {
        let fixture = try await FilterFixture.shared()
        #expect(try await conflicts(fixture, "{R}", from: 1_800, to: 5_400) == ["alpha"], "alpha is on R's camera")
        #expect(
            try await conflicts(fixture, "{C}", from: 4 * 86_400, to: 4 * 86_400 + 60) == ["occurrence"], "the occurrence is on C's room")
        #expect(try await conflicts(fixture, "{B}", from: 1_800, to: 5_400) == [], "only a resource's parent and children are related")
    }

    @Test("scheduleEventIdToIgnore leaves out that event and its occurrences")
    func ignored() async throws {
        let fixture = try await FilterFixture.shared()
        #expect(try await conflicts(fixture, "{C}", from: 0, to: 3_600, "&scheduleEventIdToIgnore={alpha}") == [])
        #expect(try await conflicts(fixture, "{R}", from: 4 * 86_400, to: 4 * 86_400 + 60, "&scheduleEventIdToIgnore={series}") == [])
        #expect(
            try await conflicts(fixture, "{R}", from: 4 * 86_400, to: 4 * 86_400 + 60, "&scheduleEventIdToIgnore={alpha}") == ["occurrence"]
        )
    }

    @Test("the conflict type asks for resource clashes (the default), blackouts, or both")
    func conflictType() async throws {
        let fixture = try await FilterFixture.shared()
        let (from, to) = (Int64(4 * 86_400), Int64(4 * 86_400 + 60))
        #expect(try await conflicts(fixture, "{C}", from: from, to: to) == ["occurrence"])
        #expect(try await conflicts(fixture, "{C}", from: from, to: to, "&scheduleEventConflictType=1") == ["occurrence"])
        #expect(try await conflicts(fixture, "{C}", from: from, to: to, "&scheduleEventConflictType=2") == ["blackout"])
        #expect(try await conflicts(fixture, "{C}", from: from, to: to, "&scheduleEventConflictType=3") == ["blackout", "occurrence"])
    }

    @Test("the event's time may be a duration, and is read from a JSON body as Kaltura's clients send it")
    func jsonBody() async throws {
        let fixture = try await FilterFixture.shared()
        let body = fixture.withIds(
            """
            {"ks": "token-five", "format": 1, "resourceIds": "{C}", "scheduleEventConflictType": 3,
             "scheduleEvent": {"objectType": "KalturaRecordScheduleEvent", "startDate": \(Self.day + 1_800), "duration": 3600,
             "summary": "New lecture"}}
            """)
        let reply = await fixture.feed.respond(
            to: FeedRequest(
                method: "POST", path: "/api_v3/service/schedule_scheduleevent/action/getConflicts",
                headers: ["content-type": "application/json"], body: Array(body.utf8)))
        #expect(reply.status == 200)
        #expect(try fixture.names(reply) == ["alpha"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        #expect(object["objectType"] as? String == "KalturaScheduleEventListResponse")
        #expect((object["totalCount"] as? NSNumber)?.intValue == 1)
    }

    @Test(
        "missing resources, a missing time, a series and an unknown conflict type are refused",
        arguments: [
            "scheduleEvent[startDate]=2000000000&scheduleEvent[endDate]=2000003600",
            "resourceIds=1&scheduleEvent[endDate]=2000003600",
            "resourceIds=1&scheduleEvent[startDate]=2000000000",
            "resourceIds=1&scheduleEvent[startDate]=2000000000&scheduleEvent[endDate]=2000003600&scheduleEvent[recurrenceType]=1",
            "resourceIds=1&scheduleEvent[startDate]=2000000000&scheduleEvent[endDate]=2000003600&scheduleEventConflictType=4",
            "resourceIds=x&scheduleEvent[startDate]=2000000000&scheduleEvent[endDate]=2000003600",
        ])
    func refused(_ query: String) async throws {
        let fixture = try await FilterFixture.shared()
        let reply = await fixture.get("schedule_scheduleevent", "getConflicts", query)
        #expect(reply.headers["X-Kaltura"]?.hasPrefix("error-") == true, "refused as Kaltura refuses")
        #expect(String(decoding: reply.body, as: UTF8.self).contains("feed.invalidParameter"))
    }
}

import Foundation
import Logging
import ScheduleFeed
import ScheduleStore
import Sessions
import Synchronization
import TestSupport
import Testing

/// Sessions, app tokens, roles and multirequests through `ScheduleFeed.respond`, without a socket, over a real
/// SQLite store, at a time the test sets.
@Suite("Sessions and app tokens") struct SessionTests {
    /// The time the feed reads, seconds since 1970, set by the test.
    final class Now: Sendable {
        let seconds = Atomic<Int64>(1_800_000_000)
    }

    /// A feed over a new store with partner 5 (and its secrets) and the clock at `now`.
    final class Bench: Sendable {
        let root: TemporaryDirectory
        let store: SQLiteStore
        let feed: ScheduleFeed
        let clock = Now()
        let partner = Partner(
            id: 5, adminSecret: "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0", secret: "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", createdAt: 0, updatedAt: 0)

        init() async throws {
            root = try TemporaryDirectory()
            store = try SQLiteStore(path: root.path + "/store.sqlite")
            _ = try await store.addPartner(partner)
            let clock = self.clock
            feed = ScheduleFeed(
                store: store, tokens: { TokenBook([]) }, maximumUploadBytes: 1 << 20, submit: { _, _, _, _ in 0 },
                folderPartners: { [:] }, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                now: { clock.seconds.load(ordering: .relaxed) })
        }

        /// Calls `service.action` with `parameters` (JSON body) and gives the JSON result.
        func call(_ service: String, _ action: String, _ parameters: [String: Any] = [:], ks: String? = nil) async throws -> Any? {
            var body = parameters
            body["format"] = 1
            if let ks { body["ks"] = ks }
            let response = await feed.respond(
                to: FeedRequest(
                    method: "POST", path: "/api_v3/service/\(service)/action/\(action)", headers: ["content-type": "application/json"],
                    body: Array(try JSONSerialization.data(withJSONObject: body))))
            #expect(response.status == 200)
            return try JSONSerialization.jsonObject(with: Data(response.body), options: .fragmentsAllowed)
        }

        /// The code of the error a call gets, nil when it succeeds.
        func refusal(_ service: String, _ action: String, _ parameters: [String: Any] = [:], ks: String? = nil) async throws -> String? {
            (try await call(service, action, parameters, ks: ks) as? [String: Any]).flatMap { object in
                object["objectType"] as? String == "KalturaAPIException" ? object["code"] as? String : nil
            }
        }

        func adminKS() async throws -> String {
            try #require(try await call("session", "start", ["secret": partner.adminSecret, "partnerId": 5, "type": 2]) as? String)
        }
    }

    @Test("session.start: the admin secret makes admin and user KSs, the user secret user KSs only; a wrong one is refused")
    func start() async throws {
        let bench = try await Bench()
        let admin = try await bench.adminKS()
        let info = try #require(try await bench.call("session", "get", ks: admin) as? [String: Any])
        #expect(info["sessionType"] as? Int == 2 && info["partnerId"] as? Int == 5)
        #expect(info["expiry"] as? Int == 1_800_000_000 + 86_400, "a day unless asked")
        let user = try #require(
            try await bench.call(
                "session", "start",
                ["secret": bench.partner.secret, "partnerId": 5, "userId": "lecturer", "expiry": 60, "privileges": "a:b"])
                as? String)
        let userInfo = try #require(try await bench.call("session", "get", ks: user) as? [String: Any])
        #expect(
            userInfo["sessionType"] as? Int == 0 && userInfo["userId"] as? String == "lecturer"
                && userInfo["privileges"] as? String == "a:b")
        #expect(userInfo["expiry"] as? Int == 1_800_000_060)
        let asked = try #require(try await bench.call("session", "get", ["session": user], ks: admin) as? [String: Any])
        #expect(asked["userId"] as? String == "lecturer" && asked["ks"] as? String == user, "session.get tells of the KS it is given")
        #expect(try await bench.refusal("session", "get", ["session": "djJ8OTk5fA"], ks: admin) == "INVALID_KS")
        #expect(
            try await bench.refusal("session", "start", ["secret": bench.partner.secret, "partnerId": 5, "type": 2])
                == "START_SESSION_ERROR")
        #expect(try await bench.refusal("session", "start", ["secret": "x", "partnerId": 5]) == "START_SESSION_ERROR")
        #expect(
            try await bench.refusal("session", "start", ["secret": bench.partner.adminSecret, "partnerId": 6]) == "START_SESSION_ERROR")
        #expect(try await bench.refusal("session", "start", ["partnerId": 5]) == "MISSING_MANDATORY_PARAMETER")
        #expect(try await bench.refusal("session", "start", ["secret": "x"]) == "MISSING_MANDATORY_PARAMETER")
        #expect(try await bench.refusal("session", "startWidgetSession", ["widgetId": "_6"]) == "INVALID_WIDGET_ID")
    }

    @Test("a KS past its expiry is EXPIRED_KS; an ended one and one of rotated secrets are INVALID_KS")
    func expiryAndEnd() async throws {
        let bench = try await Bench()
        let short = try #require(
            try await bench.call("session", "start", ["secret": bench.partner.adminSecret, "partnerId": 5, "type": 2, "expiry": 30])
                as? String)
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: short) == nil)
        bench.clock.seconds.store(1_800_000_030, ordering: .relaxed)
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: short) == "EXPIRED_KS")
        let ending = try await bench.adminKS()
        let other = try await bench.adminKS()
        #expect(try await bench.refusal("session", "end", ks: ending) == nil)
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: ending) == "INVALID_KS")
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: other) == nil, "ending one KS ends that one only")
        #expect(try await bench.store.replaceSecrets(partnerId: 5, adminSecret: String(repeating: "c", count: 32), secret: "d", at: 1))
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: other) == "INVALID_KS")
        #expect(try await bench.refusal("schedule_scheduleevent", "list") == "MISSING_KS")
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: "djJ8OTk5fA") == "INVALID_KS")
    }

    @Test("app tokens: admin only; the device's session is the token's type, user, length and privileges")
    func appTokens() async throws {
        let bench = try await Bench()
        let admin = try await bench.adminKS()
        let added = try #require(
            try await bench.call(
                "appToken", "add",
                [
                    "appToken": [
                        "hashType": "SHA1", "sessionType": 0, "sessionUserId": "camera-7", "sessionDuration": 600,
                        "sessionPrivileges": "disableentitlement,setrole:CAPTURE_DEVICE_ROLE", "expiry": 1_800_001_000,
                    ]
                ], ks: admin) as? [String: Any])
        let id = try #require(added["id"] as? String)
        let token = try #require(added["token"] as? String)
        #expect(token.count == 32 && added["status"] as? Int == 2 && added["hashType"] as? String == "SHA1")
        let widget =
            try #require(
                try await bench.call("session", "startWidgetSession", ["widgetId": "_5"]) as? [String: Any])["ks"] as? String
        let ks = try #require(widget)
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: ks) == "SERVICE_FORBIDDEN")
        #expect(try await bench.refusal("appToken", "add", ["appToken": ["sessionType": 2]], ks: ks) == "SERVICE_FORBIDDEN")
        let hash = AppTokenHash.sha1.digest(ks: ks, token: token)
        #expect(
            try await bench.refusal("appToken", "startSession", ["id": id, "tokenHash": hash + "0"], ks: ks) == "INVALID_APP_TOKEN_HASH")
        #expect(
            try await bench.refusal("appToken", "startSession", ["id": "0_nothing", "tokenHash": hash], ks: ks) == "APP_TOKEN_ID_NOT_FOUND")
        let session = try #require(
            try await bench.call(
                "appToken", "startSession",
                ["id": id, "tokenHash": hash, "type": 2, "userId": "someone", "expiry": 100_000, "sessionPrivileges": "setrole:ADMIN,x:y"],
                ks: ks) as? [String: Any])
        #expect(session["sessionType"] as? Int == 0, "a user token never makes an admin session")
        #expect(session["userId"] as? String == "camera-7", "the token's user id wins")
        #expect(session["expiry"] as? Int == 1_800_000_600, "at most the token's session duration")
        #expect(session["privileges"] as? String == "x:y,disableentitlement,setrole:CAPTURE_DEVICE_ROLE", "the token's privileges win")
        let device = try #require(session["ks"] as? String)
        #expect(try await bench.refusal("schedule_scheduleevent", "list", ks: device) == nil)
        #expect(try await bench.refusal("schedule_scheduleevent", "get", ["scheduleEventId": 1], ks: device) == "SERVICE_FORBIDDEN")
        #expect(try await bench.refusal("appToken", "list", ks: device) == "SERVICE_FORBIDDEN")
        bench.clock.seconds.store(1_800_000_700, ordering: .relaxed)
        let late = try #require(
            try await bench.call("appToken", "startSession", ["id": id, "tokenHash": hash], ks: ks) as? [String: Any])
        #expect(late["expiry"] as? Int == 1_800_001_000, "never past the token's expiry")
        bench.clock.seconds.store(1_800_001_000, ordering: .relaxed)
        #expect(try await bench.refusal("appToken", "startSession", ["id": id, "tokenHash": hash], ks: ks) == "APP_TOKEN_EXPIRED")

        let updated = try #require(
            try await bench.call("appToken", "update", ["id": id, "appToken": ["description": "room 7", "expiry": 0]], ks: admin)
                as? [String: Any])
        #expect(updated["description"] as? String == "room 7" && updated["expiry"] == nil)
        let listed = try #require(try await bench.call("appToken", "list", ks: admin) as? [String: Any])
        #expect(listed["totalCount"] as? Int == 1)
        #expect(try await bench.refusal("appToken", "update", ["id": id, "appToken": ["color": "red"]], ks: admin) == "feed.unknownFilter")
        #expect(try await bench.refusal("appToken", "delete", ["id": id], ks: admin) == nil)
        #expect(try await bench.refusal("appToken", "startSession", ["id": id, "tokenHash": hash], ks: ks) == "APP_TOKEN_NOT_ACTIVE")
        #expect((try await bench.call("appToken", "list", ks: admin) as? [String: Any])?["totalCount"] as? Int == 0)
    }

    @Test("a multirequest runs its calls in order, hands results on, and fails a call in its place")
    func multirequest() async throws {
        let bench = try await Bench()
        let body: [String: Any] = [
            "format": 1,
            "0": ["service": "session", "action": "startWidgetSession", "widgetId": "_5"],
            "1": ["service": "session", "action": "get", "ks": "{1:result:ks}"],
            "2": ["service": "schedule_scheduleevent", "action": "list", "ks": "{1:result:ks}"],
            "3": [
                "service": "session", "action": "start", "secret": bench.partner.adminSecret, "partnerId": "{2:result:partnerId}",
                "type": 2,
            ],
            "4": ["service": "appToken", "action": "list", "ks": "{4:result}"],
        ]
        let response = await bench.feed.respond(
            to: FeedRequest(
                method: "POST", path: "/api_v3/service/multirequest", headers: ["content-type": "application/json"],
                body: Array(try JSONSerialization.data(withJSONObject: body))))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [Any])
        #expect(results.count == 5)
        let widget = try #require((results[0] as? [String: Any])?["ks"] as? String)
        #expect((results[1] as? [String: Any])?["ks"] as? String == widget)
        #expect((results[2] as? [String: Any])?["code"] as? String == "SERVICE_FORBIDDEN")
        #expect(results[3] is String)
        #expect((results[4] as? [String: Any])?["objectType"] as? String == "KalturaAppTokenListResponse")

        let xml = await bench.feed.respond(
            to: FeedRequest(
                method: "GET", path: "/api_v3/service/multirequest",
                query: "format=2&1:service=session&1:action=startWidgetSession&1:widgetId=_5&2:service=nothing&2:action=list"))
        let text = String(decoding: xml.body, as: UTF8.self)
        #expect(
            text.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result><item><objectType>KalturaStartWidgetSessionResponse</objectType><ks>"
            ))
        #expect(text.contains("<item><error><objectType>KalturaAPIException</objectType><code>SERVICE_DOES_NOT_EXISTS</code>"))
    }
}

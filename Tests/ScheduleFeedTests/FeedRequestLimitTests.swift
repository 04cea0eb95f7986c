import Foundation
import Logging
import ScheduleFeed
import ScheduleStore
import TestSupport
import Testing

/// What one request may ask for: lists, parameters, and how much of it an error answer or a log line quotes.
@Suite("Request limits")
struct FeedRequestLimitTests {
    static let list = "/api_v3/service/schedule_scheduleevent/action/list?format=1&ks=token-five"

    @Test("a list over maxListValues is refused with feed.listTooLong naming the filter and the limit")
    func longListIsRefused() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let ids = (1...1_001).map(String.init).joined(separator: ",")
        let reply = try await harness.post(
            Self.list, body: Data("filter[idIn]=\(ids)".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 200)
        #expect(reply.errorCode == "feed.listTooLong")
        let message = try #require(try reply.json()["message"] as? String)
        #expect(message.contains("filter:idIn") && message.contains("1001") && message.contains("1000"), "\(message)")
        let words = (1...1_001).map { "w\($0)" }.joined(separator: " ")
        let tags = try await harness.get(
            "/api_v3/service/schedule_scheduleresource/action/list?format=1&ks=token-five&filter[tagsMultiLikeOr]="
                + words.replacingOccurrences(of: " ", with: ","))
        #expect(tags.errorCode == "feed.listTooLong")
        let allowed = (1...1_000).map(String.init).joined(separator: ",")
        let fine = try await harness.post(
            Self.list, body: Data("filter[idIn]=\(allowed)".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(fine.errorCode == nil, "\(fine.text)")
        await harness.stop()
    }

    @Test("unknown filters are answered naming the first few and counting the rest; too many parameters are refused")
    func unknownFiltersAreBounded() async throws {
        let harness = try await FeedHarness(watchFolder: false)
        let unknown = (1...1_500).map { "filter[unknown\($0)]=1" }.joined(separator: "&")
        let reply = try await harness.post(Self.list, body: Data(unknown.utf8), contentType: "application/x-www-form-urlencoded")
        #expect(reply.errorCode == "feed.unknownFilter")
        let message = try #require(try reply.json()["message"] as? String)
        #expect(message.contains("filter:unknown1,") && message.contains("and 1495 more"), "\(message)")
        #expect(reply.body.count < 1_024, "an error body of \(reply.body.count) bytes")
        let more = (1...2_001).map { "filter[unknown\($0)]=1" }.joined(separator: "&")
        let refused = try await harness.post(Self.list, body: Data(more.utf8), contentType: "application/x-www-form-urlencoded")
        #expect(refused.errorCode == "feed.tooManyParameters")
        #expect(refused.body.count < 1_024)
        await harness.stop()
    }

    @Test("an internal error's log line quotes at most 500 characters of the error, and says how long it was")
    func internalErrorLogIsCapped() async throws {
        let root = try TemporaryDirectory()
        let store = try SQLiteStore(path: root.path + "/store.sqlite")
        let logs = LogRecorder()
        var limits = FeedLimits()
        limits.maximumListValues = 1_000_000
        let feed = ScheduleFeed(
            store: store, tokens: { FeedHarness.tokens }, maximumUploadBytes: 1 << 20, limits: limits, submit: { _, _, _, _ in 0 },
            folderPartners: { [:] }, logger: logs.logger)
        // More ids than SQLite takes variables (Debian's allows 250,000): the store's error quotes the whole statement.
        let ids = (1...300_000).map(String.init).joined(separator: ",")
        let response = await feed.respond(
            to: FeedRequest(
                method: "POST", path: "/api_v3/service/schedule_scheduleevent/action/list",
                headers: ["content-type": "application/x-www-form-urlencoded"],
                body: Array("format=1&ks=token-five&filter[idIn]=\(ids)".utf8)))
        #expect(
            response.headers["X-Kaltura"] == "error-INTERNAL_SERVERL_ERROR", "\(String(decoding: response.body.prefix(500), as: UTF8.self))"
        )
        let line = "\(try #require(logs.lines("feed request failed").first))"
        #expect(line.count < 1_000, "a log line of \(line.count) characters")
        #expect(line.contains("characters in all"), "\(line)")
    }
}

import Crypto
import Foundation
import ICalendar
import Ingestion
import Logging
import Schedule
import ScheduleStore
import Sessions

/// What the services share: the store and its editor, the upload inbox, the configured folders, the limits, the clock
/// and the logger.
struct FeedContext: Sendable {
    let store: any FeedStore
    let editor: ScheduleEditor
    let maximumUploadBytes: Int
    let limits: FeedLimits
    let submit: ScheduleFeed.Submit
    let folderPartners: @Sendable () -> [String: Int]
    let now: @Sendable () -> Int64
    let logger: Logger

    /// A strong ETag of the call for one data version: the service, action, format and every parameter but the KS.
    func entityTag(_ call: ServiceCall, partnerId: Int, version: Int64, minute: Int64?) -> String {
        var hasher = SHA256()
        var key = "\(partnerId)\n\(call.service)/\(call.action)\n\(call.format.rawValue)\n\(version)\n\(minute ?? -1)\n"
        for (name, value) in call.parameters.values.sorted(by: { $0.key < $1.key }) where name != "ks" && name != "kalsig" {
            key += "\(name)=\(value)\n"
        }
        hasher.update(data: Data(key.utf8))
        return "\"" + lowercaseHex(hasher.finalize().prefix(16)) + "\""
    }

    /// Whether an `If-None-Match` value names `tag` (weak forms and lists included, `*` matching any).
    static func matches(_ ifNoneMatch: String, _ tag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }

    /// Logs the `orderBy` items a listing left out because they name no known order (Kaltura ignores them too).
    func logIgnoredOrders(_ orders: [String], _ call: ServiceCall) {
        guard !orders.isEmpty else { return }
        logger.notice(
            "unknown orderBy ignored",
            metadata: [
                "orders": "\("\(orders)".excerpt(FeedContext.loggedCharacters))", "service": "\(call.service)", "action": "\(call.action)",
            ])
    }

    /// The most characters of a client's text quoted in one log line (the rest is counted, not written).
    static let loggedCharacters = 500

    /// A 304 with its tag.
    static func notModified(_ tag: String) -> ServiceResult {
        .response(FeedResponse(status: 304, headers: ["ETag": tag]))
    }

    /// Refuses iCalendar for what is not schedule events.
    static func refuseCalendar(_ format: FeedFormat, for what: String) throws(FeedError) {
        if format == .ical {
            throw FeedError(.invalidParameter, "format ical is for schedule events; \(what) are given as 1 (JSON) or 2 (XML)")
        }
    }

    /// Keeps an uploaded file as a job of `kind` and gives the bulk upload object.
    func upload(_ call: ServiceCall, kind: FileKind) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        try Self.refuseCalendar(call.format, for: "uploads")
        guard let file = call.file else {
            throw FeedError(.missingUpload, "no file: send it as the multipart part fileData, or as the body with its Content-Type")
        }
        guard file.bytes.count <= maximumUploadBytes else {
            throw FeedError(.uploadTooLarge, "the file has \(file.bytes.count) bytes; uploads may have at most \(maximumUploadBytes)")
        }
        guard String(validating: file.bytes, as: UTF8.self) != nil else {
            throw FeedError(.uploadNotUTF8, "the file is not UTF-8 text; save it as UTF-8 and upload it again")
        }
        let name = file.name ?? "upload" + kind.defaultSuffix
        let jobId = try await submit(partnerId, kind, name, Data(file.bytes))
        guard let status = try await store.job(id: jobId) else { throw FeedError(.internalError, "job \(jobId) vanished") }
        return .object(BulkUploadObject.make(status))
    }

    /// Runs an API write of the caller's partner (`ScheduleEditor`), turns a rejected item into its Kaltura exception,
    /// and logs the write with the partner, the KS's user, the action and the ids it touched.
    func write<T: Sendable>(
        _ call: ServiceCall, ids: (T) -> [Int64], _ body: @Sendable (ScheduleEditor) async throws -> T
    ) async throws -> T {
        let caller = try call.requireCaller()
        let result: T
        do {
            result = try await body(editor)
        } catch let rejection as EditRejection {
            throw FeedError(rejectedItem: rejection.code, rejection.message)
        }
        logger.info(
            "schedule written",
            metadata: [
                "partner": "\(caller.partnerId)", "user": "\(caller.session.userId.excerpt(FeedContext.loggedCharacters))",
                "action": "\(call.service).\(call.action)", "ids": "\(ids(result).map(String.init).joined(separator: ","))",
            ])
        return result
    }
}

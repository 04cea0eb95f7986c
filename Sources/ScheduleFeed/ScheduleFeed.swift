import Crypto
import Foundation
import Logging
import Metrics
import Schedule
import ScheduleStore

/// The schedule served back over HTTP the way Kaltura's API serves it (SPEC §6), independent of any HTTP server.
///
/// Calls are `/api_v3/service/<service>/action/<action>` with parameters in the path, the query, a form, a
/// JSON or a multipart body (`KalturaParameters`):
/// - `schedule_scheduleevent` `list`, `get` and `getConflicts`, `schedule_scheduleresource` `list`;
/// - `schedule_scheduleevent` and `schedule_scheduleresource` `addFromBulkUpload` (a pushed file becomes a job
///   like a dropped one), `bulkupload_bulk` `get`, `list` and `serveLog` (a job's state and report);
/// - `scheduledrop_folder` `list` (the partner's drop folders and how they are doing).
///
/// Every call needs a partner token and sees only that partner's data; another partner's object is "not found".
/// Lists carry an ETag made of the call, its parameters and the store's data version (and the minute, when a
/// filter time is relative to now), and `If-None-Match` gets 304 without reading the events.
/// `/healthz` answers `ok` while the store can be read, and `/metrics` gives the Prometheus text of `metrics`;
/// neither needs a token (they say nothing of any partner's schedule beyond counts).
public struct ScheduleFeed: Sendable {
    /// Keeps an uploaded file and opens its job: partner, kind, client's file name, bytes → job id.
    public typealias Submit = @Sendable (_ partnerId: Int, _ kind: FileKind, _ name: String, _ bytes: Data) async throws -> Int64

    private let store: any ScheduleStore
    private let tokens: @Sendable () -> TokenBook
    private let maximumUploadBytes: Int
    private let submit: Submit
    private let folderPartners: @Sendable () -> [String: Int]
    private let now: @Sendable () -> Int64
    private let metrics: @Sendable () async -> [UInt8]
    private let logger: Logger

    /// Creates a feed over `store`.
    ///
    /// `tokens` gives the partner tokens in force and `folderPartners` the partner of each configured drop folder
    /// (for folder status), both asked at each request so a reload takes effect; `metrics` writes the Prometheus
    /// exposition; `now` is the time in seconds since 1970.
    public init(
        store: any ScheduleStore, tokens: @escaping @Sendable () -> TokenBook, maximumUploadBytes: Int, submit: @escaping Submit,
        folderPartners: @escaping @Sendable () -> [String: Int], metrics: @escaping @Sendable () async -> [UInt8] = { [] },
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.metrics = metrics
        self.store = store
        self.tokens = tokens
        self.maximumUploadBytes = maximumUploadBytes
        self.submit = submit
        self.folderPartners = folderPartners
        self.logger = logger
        self.now = now
    }

    /// The most bytes a request body may have: the upload limit and room for a multipart envelope.
    public var maximumBodyBytes: Int { maximumUploadBytes + 64 * 1024 }

    /// Answers one request; every failure is a response in the requested format, never a thrown error.
    public func respond(to request: FeedRequest) async -> FeedResponse {
        let (action, response) = await answer(request)
        Counter(label: MetricName.feedRequests, dimensions: [("action", action), ("status", String(response.status))]).increment()
        return response
    }

    /// The response, and the action it answered for the request counter: `service.action` of a known call, else `other`.
    private func answer(_ request: FeedRequest) async -> (String, FeedResponse) {
        if request.path == "/metrics" {
            return (
                "metrics",
                FeedResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: await metrics())
            )
        }
        if request.path == "/healthz" {
            let healthy = (try? await store.dataVersion()) != nil
            return (
                "healthz",
                FeedResponse(
                    status: healthy ? 200 : 503, headers: ["Content-Type": "text/plain; charset=utf-8"],
                    body: Array((healthy ? "ok\n" : "store unavailable\n").utf8))
            )
        }
        var format = FeedFormat.xml
        var action = "other"
        do {
            let call = try FeedCall(request)
            let route = Route(rawValue: call.service + "." + call.action)
            action = route?.rawValue ?? action
            format = try FeedFormat(parameter: call.parameters["format"])
            let partnerId = try tokens().partner(for: call.token, now: now())
            guard let route else { throw FeedError(.unknownAction, "there is no action \(call.action) of service \(call.service)") }
            return (
                action, try await dispatch(route, call, partnerId: partnerId, format: format, ifNoneMatch: request.headers["if-none-match"])
            )
        } catch let error as FeedError {
            return (action, failure(error, format: format))
        } catch {
            logger.error("feed request failed", metadata: ["action": "\(action)", "error": "\(error)"])
            return (action, failure(FeedError(.internalError, "the request could not be answered; see the daemon's log"), format: format))
        }
    }

    /// The calls the feed answers, by their lower-cased `service.action` (also the request counter's `action` label).
    enum Route: String {
        case listEvents = "schedule_scheduleevent.list"
        case getEvent = "schedule_scheduleevent.get"
        case listResources = "schedule_scheduleresource.list"
        case uploadEvents = "schedule_scheduleevent.addfrombulkupload"
        case uploadResources = "schedule_scheduleresource.addfrombulkupload"
        case getJob = "bulkupload_bulk.get"
        case jobLog = "bulkupload_bulk.servelog"
        case listJobs = "bulkupload_bulk.list"
        case listFolders = "scheduledrop_folder.list"
        case getConflicts = "schedule_scheduleevent.getconflicts"
    }

    /// The answer to a request whose body passed `maximumBodyBytes`: `feed.uploadTooLarge`, in the requested format.
    public func refuseOversizeBody(_ request: FeedRequest) -> FeedResponse {
        let format = (try? FeedCall(request)).flatMap { try? FeedFormat(parameter: $0.parameters["format"]) } ?? .xml
        return failure(
            FeedError(.uploadTooLarge, "the request body is larger than an upload may be (\(maximumUploadBytes) bytes)"), format: format)
    }

    private func dispatch(
        _ route: Route, _ call: FeedCall, partnerId: Int, format: FeedFormat, ifNoneMatch: String?
    ) async throws -> FeedResponse {
        switch route {
        case .listEvents: try await listEvents(call, partnerId: partnerId, format: format, ifNoneMatch: ifNoneMatch)
        case .getEvent: try await event(call, partnerId: partnerId, format: format)
        case .listResources: try await listResources(call, partnerId: partnerId, format: format, ifNoneMatch: ifNoneMatch)
        case .uploadEvents: try await upload(call, kind: .ical, partnerId: partnerId, format: format)
        case .uploadResources: try await upload(call, kind: .resourceCsv, partnerId: partnerId, format: format)
        case .getJob: try await job(call, partnerId: partnerId, format: format)
        case .jobLog: try await jobLog(call, partnerId: partnerId)
        case .listJobs: try await jobs(call, partnerId: partnerId, format: format)
        case .listFolders: try await folders(partnerId: partnerId, format: format)
        case .getConflicts: try await conflicts(call, partnerId: partnerId, format: format)
        }
    }

    private func listEvents(_ call: FeedCall, partnerId: Int, format: FeedFormat, ifNoneMatch: String?) async throws -> FeedResponse {
        let request = try ListRequest(events: call.parameters)
        logIgnoredOrders(request.ignoredOrders, call)
        let minute = request.usesRelativeTimes ? now() / 60 * 60 : nil
        let tag = { (version: Int64) in self.entityTag(call, partnerId: partnerId, format: format, version: version, minute: minute) }
        if let ifNoneMatch {
            let current = tag(try await store.dataVersion())
            if Self.matches(ifNoneMatch, current) { return notModified(current) }
        }
        let filter = minute.map { request.filter.resolvingRelativeTimes(now: $0) } ?? request.filter
        let page = try await store.events(partnerId: partnerId, filter: filter, pager: request.pager)
        return FeedResponse(
            status: 200, headers: ["Content-Type": format.contentType, "ETag": tag(page.dataVersion)],
            body: try FeedEncoder.events(page.events, totalCount: page.totalCount, format: format))
    }

    private func event(_ call: FeedCall, partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        guard let id = call.parameters["scheduleEventId"].flatMap({ Int64($0) }) else {
            throw FeedError(.invalidParameter, "scheduleEventId must be an event id")
        }
        var filter = EventFilter()
        filter.idIn = [id]
        guard let event = try await store.events(partnerId: partnerId, filter: filter, pager: Pager()).events.first else {
            throw FeedError(.notFound, "schedule event \(id) not found")
        }
        let body =
            format == .ical
            ? try EventCalendar.calendar([event]) : FeedEncoder.object(KalturaObject(event), format: format)
        return FeedResponse(status: 200, headers: ["Content-Type": format.contentType], body: body)
    }

    private func listResources(_ call: FeedCall, partnerId: Int, format: FeedFormat, ifNoneMatch: String?) async throws -> FeedResponse {
        try Self.refuseCalendar(format, for: "resources")
        let request = try ListRequest(resources: call.parameters)
        logIgnoredOrders(request.ignoredOrders, call)
        let minute = request.usesRelativeTimes ? now() / 60 * 60 : nil
        let version = try await store.dataVersion()
        let tag = entityTag(call, partnerId: partnerId, format: format, version: version, minute: minute)
        if let ifNoneMatch, Self.matches(ifNoneMatch, tag) { return notModified(tag) }
        let filter = minute.map { request.filter.resolvingRelativeTimes(now: $0) } ?? request.filter
        let selected = filter.sorted(try await store.resources(partnerId: partnerId).filter(filter.selects))
        let page = selected.dropFirst(request.pager.offset).prefix(request.pager.pageSize)
        let response = KalturaListResponse(
            objects: page.map(KalturaObject.init), totalCount: selected.count, objectType: "KalturaScheduleResourceListResponse")
        return FeedResponse(
            status: 200, headers: ["Content-Type": format.contentType, "ETag": tag], body: FeedEncoder.list(response, format: format))
    }

    private func conflicts(_ call: FeedCall, partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        let request = try ConflictRequest(call.parameters).resolvingRelativeTimes(now: now())
        let events = try await store.conflicts(
            partnerId: partnerId, start: request.start, end: request.end, resourceIds: request.resourceIds, kinds: request.kinds,
            ignoring: request.ignoring)
        return FeedResponse(
            status: 200, headers: ["Content-Type": format.contentType],
            body: try FeedEncoder.events(events, totalCount: events.count, format: format))
    }

    /// Logs the `orderBy` items a listing left out because they name no known order (Kaltura ignores them too).
    private func logIgnoredOrders(_ orders: [String], _ call: FeedCall) {
        guard !orders.isEmpty else { return }
        logger.notice(
            "unknown orderBy ignored", metadata: ["orders": "\(orders)", "service": "\(call.service)", "action": "\(call.action)"])
    }

    private func upload(_ call: FeedCall, kind: FileKind, partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        try Self.refuseCalendar(format, for: "uploads")
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
        return FeedResponse(
            status: 200, headers: ["Content-Type": format.contentType],
            body: FeedEncoder.object(BulkUploadObject.make(status), format: format))
    }

    private func job(_ call: FeedCall, partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        try Self.refuseCalendar(format, for: "bulk uploads")
        let status = try await ownJob(call, partnerId: partnerId)
        let extra = status.report.map { ["report": $0.json()] } ?? [:]
        return FeedResponse(
            status: 200, headers: ["Content-Type": format.contentType],
            body: FeedEncoder.object(BulkUploadObject.make(status), format: format, extra: extra))
    }

    private func jobLog(_ call: FeedCall, partnerId: Int) async throws -> FeedResponse {
        let status = try await ownJob(call, partnerId: partnerId)
        guard let report = status.report else { throw FeedError(.notFound, "job \(status.jobId) has no report yet") }
        return FeedResponse(
            status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(report.summary(jobId: status.jobId).utf8))
    }

    private func jobs(_ call: FeedCall, partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        try Self.refuseCalendar(format, for: "bulk uploads")
        let pager = try Pager(call.parameters)
        var filter = ReportFilter()
        filter.partnerId = partnerId
        filter.limit = pager.offset + pager.pageSize
        let summaries = try await store.reportSummaries(filter).dropFirst(pager.offset)
        let response = KalturaListResponse(
            objects: summaries.map(BulkUploadObject.make), totalCount: summaries.count, objectType: "KalturaBulkUploadListResponse")
        return FeedResponse(status: 200, headers: ["Content-Type": format.contentType], body: FeedEncoder.list(response, format: format))
    }

    private func folders(partnerId: Int, format: FeedFormat) async throws -> FeedResponse {
        try Self.refuseCalendar(format, for: "folders")
        let own = Set(folderPartners().filter { $0.value == partnerId }.keys)
        let statuses = try await store.folderStatuses().filter { own.contains($0.folderId) }
        let response = KalturaListResponse(
            objects: statuses.map(BulkUploadObject.folder), totalCount: statuses.count, objectType: "ScheduledropFolderListResponse")
        return FeedResponse(status: 200, headers: ["Content-Type": format.contentType], body: FeedEncoder.list(response, format: format))
    }

    /// The job named by the `id` parameter, if it is the partner's: an upload of theirs, or a job with their report.
    private func ownJob(_ call: FeedCall, partnerId: Int) async throws -> JobStatus {
        guard let id = call.parameters["id"].flatMap({ Int64($0) }) else {
            throw FeedError(.invalidParameter, "id must be a bulk upload (job) id")
        }
        guard let status = try await store.job(id: id),
            status.file.identity.folderId == FileIdentity.uploadFolderId(partnerId: partnerId) || status.report?.partnerId == partnerId
        else { throw FeedError(.notFound, "bulk upload \(id) not found") }
        return status
    }

    /// A strong ETag of the call for one data version: the service, action, format and every parameter but the token.
    private func entityTag(_ call: FeedCall, partnerId: Int, format: FeedFormat, version: Int64, minute: Int64?) -> String {
        var hasher = SHA256()
        var key = "\(partnerId)\n\(call.service)/\(call.action)\n\(format.rawValue)\n\(version)\n\(minute ?? -1)\n"
        for (name, value) in call.parameters.values.sorted(by: { $0.key < $1.key }) where name != "ks" && name != "kalsig" {
            key += "\(name)=\(value)\n"
        }
        hasher.update(data: Data(key.utf8))
        return "\"" + hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Whether an `If-None-Match` value names `tag` (weak forms and lists included, `*` matching any).
    static func matches(_ ifNoneMatch: String, _ tag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }

    private static func refuseCalendar(_ format: FeedFormat, for what: String) throws(FeedError) {
        if format == .ical {
            throw FeedError(.invalidParameter, "format ical is for schedule events; \(what) are given as 1 (JSON) or 2 (XML)")
        }
    }

    private func notModified(_ tag: String) -> FeedResponse {
        FeedResponse(status: 304, headers: ["ETag": tag])
    }

    private func failure(_ error: FeedError, format: FeedFormat) -> FeedResponse {
        var headers = ["Content-Type": format.contentType]
        if error.code.httpStatus == 401 { headers["WWW-Authenticate"] = "Bearer" }
        return FeedResponse(status: error.code.httpStatus, headers: headers, body: FeedEncoder.error(error, format: format))
    }
}

import Foundation
import Ingestion
import Logging
import Metrics
import Schedule
import ScheduleStore
import Sessions

/// What the feed reads and writes: the schedule, and the partners' secrets, app tokens and ended sessions.
public typealias FeedStore = CredentialStore & ScheduleWriting & ScheduleReading & ReportReading & FolderStatusReading

/// The schedule served back over HTTP the way Kaltura's API serves it (SPEC §6), independent of any HTTP server.
///
/// This type is the plumbing: it reads the call (`/api_v3/service/<service>/action/<action>`, parameters in the
/// path, query, form, JSON or multipart body, see `KalturaParameters`), finds the caller from the KS
/// (`SessionGate`), checks that the KS's role allows the action (`Role`), runs multirequests, and writes the
/// result in the requested format. Each Kaltura service is one type listed in `services`.
///
/// Every call but `session.start` and `session.startWidgetSession` needs a KS and sees only its partner's data;
/// another partner's object is "not found". Lists carry an ETag made of the call, its parameters and the store's
/// data version (and the minute, when a filter time is relative to now), and `If-None-Match` gets 304 without
/// reading the events. `/healthz` answers `ok` while the store can be read, and `/metrics` gives the Prometheus
/// text of `metrics`; neither is a Kaltura service or needs a KS (they say nothing of any partner's schedule
/// beyond counts).
public struct ScheduleFeed: Sendable {
    /// Keeps an uploaded file and opens its job: partner, kind, client's file name, bytes → job id.
    public typealias Submit = @Sendable (_ partnerId: Int, _ kind: FileKind, _ name: String, _ bytes: Data) async throws -> Int64

    private let context: FeedContext
    private let gate: SessionGate
    private let services: [String: any KalturaService]
    private let metrics: @Sendable () async -> [UInt8]

    /// Creates a feed over `store`.
    ///
    /// `tokens` gives the pre-shared partner tokens in force and `folderPartners` the partner of each configured
    /// drop folder (for folder status), both asked at each request so a reload takes effect; `limits` bounds what a
    /// client may make the feed hold; `metrics` writes the Prometheus exposition; `now` is the time in seconds since 1970.
    /// `jobSettings` gives a partner's settings for the writes made over the API, as for its uploads.
    public init(
        store: any FeedStore, tokens: @escaping @Sendable () -> TokenBook, maximumUploadBytes: Int, limits: FeedLimits = FeedLimits(),
        submit: @escaping Submit, jobSettings: @escaping @Sendable (Int) -> JobSettings = { JobSettings(partnerId: $0) },
        folderPartners: @escaping @Sendable () -> [String: Int],
        metrics: @escaping @Sendable () async -> [UInt8] = { [] }, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        let context = FeedContext(
            store: store, editor: ScheduleEditor(store: store, settings: jobSettings, now: now), maximumUploadBytes: maximumUploadBytes,
            limits: limits, submit: submit, folderPartners: folderPartners, now: now,
            logger: logger)
        self.context = context
        self.metrics = metrics
        let gate = SessionGate(store: store, tokens: tokens, now: now)
        self.gate = gate
        let services: [any KalturaService] = [
            SessionService(context: context, gate: gate), AppTokenService(context: context), ScheduleEventService(context: context),
            ScheduleResourceService(context: context), ScheduleEventResourceService(context: context), BulkUploadService(context: context),
            FolderService(context: context),
        ]
        self.services = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
    }

    /// The most bytes a request body may have: the upload limit and room for a multipart envelope.
    public var maximumBodyBytes: Int { context.maximumUploadBytes + 64 * 1024 }

    /// What the feed bounds: connections, time, body bytes before the caller is known, parameters and lists.
    public var limits: FeedLimits { context.limits }

    /// Answers one request; every failure is a response in the requested format, never a thrown error.
    public func respond(to request: FeedRequest) async -> FeedResponse {
        let (action, response) = await answer(request)
        let error = response.headers["X-Kaltura"].map { String($0.dropFirst("error-".count)) } ?? "none"
        Counter(
            label: MetricName.feedRequests, dimensions: [("action", action), ("status", String(response.status)), ("error", error)]
        ).increment()
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
            let healthy = (try? await context.store.dataVersion()) != nil
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
            format = try FeedFormat(parameter: call.parameters["format"])
            guard call.parameters.values.count <= limits.maximumParameters else {
                throw FeedError(
                    .tooManyParameters,
                    "the request has \(call.parameters.values.count) parameters; a request may have at most \(limits.maximumParameters)")
            }
            if call.service == "multirequest" {
                action = "multirequest"
                return (action, try await multirequest(call, format: format, ifNoneMatch: request.headers["if-none-match"]))
            }
            if services[call.service]?.actions.contains(call.action) == true { action = call.service + "." + call.action }
            let result = try await perform(
                service: call.service, action: call.action, parameters: call.parameters, token: call.token, file: call.file, format: format,
                ifNoneMatch: request.headers["if-none-match"])
            return (action, try FeedEncoder.response(result, format: format))
        } catch {
            return (action, failure(feedError(error, action: action), format: format))
        }
    }

    /// Runs one call: finds its service and caller, checks the caller's role, and performs it.
    private func perform(
        service name: String, action: String, parameters: KalturaParameters, token: String?, file: (name: String?, bytes: [UInt8])?,
        format: FeedFormat, ifNoneMatch: String?
    ) async throws -> ServiceResult {
        guard !name.isEmpty else { throw FeedError(.unknownService, "Service name was not specified, please specify one") }
        guard let service = services[name] else { throw FeedError(.unknownService, "Service \"\(name)\" does not exists") }
        guard service.actions.contains(action) else {
            throw FeedError(.unknownAction, "Action \"\(action)\" does not exists for service \"\(name)\"")
        }
        var caller: Caller?
        if service.openActions.contains(action) {
            // A stale KS beside a call that needs none (session.start) is no reason to refuse it.
            caller = try? await token.asyncMap(gate.caller)
        } else {
            guard let token else { throw FeedError(.missingKS, "Missing KS, session not established") }
            let known = try await gate.caller(token)
            guard known.role.allows(service: name, action: action) else {
                context.logger.info(
                    "call refused by role",
                    metadata: ["partner": "\(known.partnerId)", "role": "\(known.role.name)", "action": "\(name).\(action)"])
                throw FeedError(.serviceForbidden, "The access to service [\(name)->\(action)] is forbidden")
            }
            caller = known
        }
        let call = ServiceCall(
            parameters: parameters, file: file, format: format, caller: caller, ifNoneMatch: ifNoneMatch, service: name, action: action)
        return try await service.perform(action, call)
    }

    /// Runs the calls of a multirequest in order and answers all their results in one response.
    private func multirequest(_ call: FeedCall, format: FeedFormat, ifNoneMatch: String?) async throws -> FeedResponse {
        var results: [Result<ServiceResult, FeedError>] = []
        for parameters in MultiRequest.calls(call.parameters) {
            let resolved = MultiRequest.resolve(parameters, results: results)
            let token = resolved["ks"].flatMap { $0.isEmpty ? nil : $0 } ?? call.token
            do {
                let result = try await perform(
                    service: (resolved["service"] ?? "").lowercased(), action: (resolved["action"] ?? "").lowercased(),
                    parameters: resolved,
                    token: token, file: nil, format: format, ifNoneMatch: nil)
                results.append(.success(result))
            } catch {
                results.append(.failure(feedError(error, action: "multirequest")))
            }
        }
        return FeedResponse(status: 200, headers: ["Content-Type": format.contentType], body: FeedEncoder.multi(results, format: format))
    }

    /// The answer to a request whose body passed `maximumBodyBytes`: `feed.uploadTooLarge`, in the requested format.
    public func refuseOversizeBody(_ request: FeedRequest) -> FeedResponse {
        failure(
            FeedError(.uploadTooLarge, "the request body is larger than an upload may be (\(context.maximumUploadBytes) bytes)"),
            format: Self.format(of: try? FeedCall(request, bodyIsWhole: false)))
    }

    /// The answer to a request whose body passed `limits.maximumUnauthenticatedBodyBytes`, or nil to read on.
    ///
    /// `prefix` is the request with the body read so far. Its caller is known when a KS (or feed token) that
    /// `SessionGate` accepts is in the path, the query, the `Authorization: Bearer` header, a whole form field or a
    /// multipart field complete in the prefix (Kaltura's clients send `ks` before the file); then nil. Otherwise
    /// `feed.unauthenticatedBodyTooLarge` (413), in the requested format.
    public func refuseUnknownCaller(_ prefix: FeedRequest) async -> FeedResponse? {
        let call = try? FeedCall(prefix, bodyIsWhole: false)
        let reason: String
        if let token = call?.token {
            do {
                _ = try await gate.caller(token)
                return nil
            } catch {
                reason = "its KS is refused: " + feedError(error, action: "body").message
            }
        } else {
            reason = "no KS comes before that point"
        }
        return failure(
            FeedError(
                .unauthenticatedBodyTooLarge,
                "the request body is longer than \(limits.maximumUnauthenticatedBodyBytes) bytes and \(reason); send the ks in the query, "
                    + "the Authorization: Bearer header, or as a multipart field before the file"),
            format: Self.format(of: call))
    }

    /// The format a call asks for; XML when it asks for none or an unknown one, or cannot be read.
    private static func format(of call: FeedCall?) -> FeedFormat {
        call.flatMap { try? FeedFormat(parameter: $0.parameters["format"]) } ?? .xml
    }

    /// A thrown error as the feed answers it: a `FeedError` as it is, anything else logged (its text cut to
    /// `FeedContext.loggedCharacters`) and `INTERNAL_SERVERL_ERROR`.
    private func feedError(_ error: any Error, action: String) -> FeedError {
        if let error = error as? FeedError { return error }
        context.logger.error(
            "feed request failed",
            metadata: ["action": "\(action)", "error": "\(String(describing: error).excerpt(FeedContext.loggedCharacters))"])
        return FeedError(.internalError, "the request could not be answered; see the daemon's log")
    }

    private func failure(_ error: FeedError, format: FeedFormat) -> FeedResponse {
        FeedResponse(
            status: error.code.httpStatus, headers: ["Content-Type": format.contentType, "X-Kaltura": "error-" + error.reportedCode],
            body: FeedEncoder.error(error, format: format))
    }
}

extension Optional {
    /// The wrapped value transformed by an asynchronous function, or nil.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

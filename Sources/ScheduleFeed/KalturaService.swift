import Foundation
import Schedule
import Sessions

/// One service of Kaltura's API (`session`, `appToken`, `schedule_scheduleEvent` …): its actions, answered for a
/// caller whose KS and role the feed has already checked.
protocol KalturaService: Sendable {
    /// The service's name in calls, lower-case (`schedule_scheduleevent`).
    var name: String { get }
    /// The actions, lower-case.
    var actions: Set<String> { get }
    /// The actions that need no KS (`session.start` …).
    var openActions: Set<String> { get }
    /// Answers one action of `actions`.
    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult
}

extension KalturaService {
    var openActions: Set<String> { [] }
}

/// Who calls: the partner and session of the call's KS, and the text of that KS.
struct Caller: Sendable {
    /// The session the KS stands for.
    var session: KalturaSession
    /// The KS as sent.
    var ks: String
    /// What the session may call.
    var role: Role { Role.of(session) }
    /// The partner the call acts for.
    var partnerId: Int { session.partnerId }
}

/// One call as a service gets it.
struct ServiceCall: Sendable {
    /// Every parameter of the call.
    var parameters: KalturaParameters
    /// The uploaded file, if the body carries one.
    var file: (name: String?, bytes: [UInt8])?
    /// The format asked for.
    var format: FeedFormat
    /// The caller; nil only for an open action called without a KS.
    var caller: Caller?
    /// The `If-None-Match` header of the request.
    var ifNoneMatch: String?
    /// The service and action, lower-case, for ETags and logs.
    var service: String
    var action: String

    /// The caller, for actions that need one.
    func requireCaller() throws(FeedError) -> Caller {
        guard let caller else { throw FeedError(.missingKS, "Missing KS, session not established") }
        return caller
    }

    /// The text of a required parameter.
    func required(_ name: String) throws(FeedError) -> String {
        guard let value = parameters[name], !value.isEmpty else {
            throw FeedError(.missingParameter, "Missing parameter \"\(name)\"")
        }
        return value
    }

    /// A whole-number parameter, nil when absent or empty.
    func number(_ name: String) throws(FeedError) -> Int64? {
        guard let text = parameters[name], !text.isEmpty else { return nil }
        guard let number = Int64(text) else { throw FeedError(.invalidParameter, "\(name) is '\(text)', not a whole number") }
        return number
    }
}

/// What an action gives back, before it is written in the requested format.
enum ServiceResult: Sendable {
    /// One object, with extra members (already JSON) for the JSON form.
    case object(KalturaObject, extra: [String: Data] = [:])
    /// A list response.
    case list(KalturaListResponse)
    /// A bare text (a KS).
    case text(String)
    /// Nothing (`delete`, `end`).
    case nothing
    /// A whole response of its own (iCalendar, a report's text, 304); it cannot be part of a multirequest.
    case response(FeedResponse)
}

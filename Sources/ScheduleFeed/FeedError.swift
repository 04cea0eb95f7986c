/// Why a feed request was refused, with a stable code.
///
/// The code reaches the client in Kaltura's error shape (`KalturaAPIException` in JSON and XML, a `VERROR`
/// component in iCalendar), so a client's `KalturaException` carries it. Where Kaltura has a code for the case
/// (a KS, a permission, an object not found) it is Kaltura's own, so clients written for Kaltura react as they do
/// there; the `feed.*` codes are for cases Kaltura has no code for.
///
/// Like Kaltura, an API call that fails is answered with HTTP 200, the exception in the body and an
/// `X-Kaltura: error-CODE` header: Kaltura's clients read the body, never the status. Only a body refused
/// before it is read (`feed.uploadTooLarge`, `feed.unauthenticatedBodyTooLarge`, 413) gets an HTTP error status.
///
/// A message quotes what the client sent only in part: it has at most `messageLimit` characters.
public struct FeedError: Error, Equatable, Sendable {
    /// The stable codes.
    public enum Code: String, Sendable, CaseIterable {
        /// No KS in `ks` or `Authorization: Bearer`, where the call needs one.
        case missingKS = "MISSING_KS"
        /// A KS that is no partner's, is not signed by the partner's secret, or was ended.
        case invalidKS = "INVALID_KS"
        /// A KS past its expiry.
        case expiredKS = "EXPIRED_KS"
        /// The KS's role does not allow the action.
        case serviceForbidden = "SERVICE_FORBIDDEN"
        /// `session.start` with a secret that is not the partner's.
        case startSessionError = "START_SESSION_ERROR"
        /// `session.startWidgetSession` with a widget id that is no partner's (`_<partnerId>`).
        case invalidWidgetId = "INVALID_WIDGET_ID"
        /// A required parameter is missing.
        case missingParameter = "MISSING_MANDATORY_PARAMETER"
        /// No such service.
        case unknownService = "SERVICE_DOES_NOT_EXISTS"
        /// No such action of the service.
        case unknownAction = "ACTION_DOES_NOT_EXISTS"
        /// No such schedule event for the partner.
        case eventNotFound = "SCHEDULE_EVENT_ID_NOT_FOUND"
        /// No such bulk upload (job) for the partner.
        case bulkUploadNotFound = "BULK_UPLOAD_NOT_FOUND"
        /// No such app token for the partner.
        case appTokenNotFound = "APP_TOKEN_ID_NOT_FOUND"
        /// The app token was deleted.
        case appTokenNotActive = "APP_TOKEN_NOT_ACTIVE"
        /// The app token is past its expiry.
        case appTokenExpired = "APP_TOKEN_EXPIRED"
        /// `appToken.startSession` with a hash that is not the KS's and the token's.
        case invalidAppTokenHash = "INVALID_APP_TOKEN_HASH"
        /// A filter or pager field we do not know or support.
        case unknownFilter = "feed.unknownFilter"
        /// A parameter's value cannot be read (not a number, an unknown format …).
        case invalidParameter = "feed.invalidParameter"
        /// The page starts past the 10,000th result.
        case pageBeyondLimit = "feed.pageBeyondLimit"
        /// The object exists but has nothing to give yet (a job without its report).
        case notFound = "feed.notFound"
        /// An upload without a file.
        case missingUpload = "feed.missingUpload"
        /// An upload over the configured size.
        case uploadTooLarge = "feed.uploadTooLarge"
        /// A body longer than `FeedLimits.maximumUnauthenticatedBodyBytes` without a valid KS before that point.
        case unauthenticatedBodyTooLarge = "feed.unauthenticatedBodyTooLarge"
        /// A list (an `…In` filter, a comma-separated list) with more values than `FeedLimits.maximumListValues`.
        case listTooLong = "feed.listTooLong"
        /// A request with more parameters than `FeedLimits.maximumParameters`.
        case tooManyParameters = "feed.tooManyParameters"
        /// An upload that is not UTF-8 text.
        case uploadNotUTF8 = "feed.uploadNotUTF8"
        /// A write refused by the rules a file's item is held to; the client gets the item's own code
        /// (`event.endBeforeStart`, `resource.parentCycle` …, see `reportedCode`), as a file's report gives it.
        case itemRejected = "feed.itemRejected"
        /// `scheduleEvent.add` with a referenceId (UID) another event of the partner has.
        case referenceIdTaken = "feed.referenceIdTaken"
        /// No such schedule resource for the partner.
        case resourceNotFound = "SCHEDULE_RESOURCE_ID_NOT_FOUND"
        /// The event does not use the resource.
        case eventResourceNotFound = "SCHEDULE_EVENT_RESOURCE_NOT_FOUND"
        /// The event already uses the resource.
        case eventResourceExists = "SCHEDULE_EVENT_RESOURCE_ALREADY_EXISTS"
        /// The store or the upload inbox failed.
        case internalError = "INTERNAL_SERVERL_ERROR"

        /// The HTTP status a request refused with this code gets: 200 as Kaltura answers, but 413 for a body
        /// refused unread.
        public var httpStatus: Int {
            self == .uploadTooLarge || self == .unauthenticatedBodyTooLarge ? 413 : 200
        }
    }

    /// The stable code.
    public var code: Code
    /// The code the client gets: `code`'s text, or for `itemRejected` the item's code.
    public var reportedCode: String
    /// What went wrong and what to do, for people; never a credential.
    public var message: String

    /// The most characters of a message; the rest is left out, saying how long it was.
    public static let messageLimit = 1_000

    /// Creates an error; a message over `messageLimit` characters is cut.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.reportedCode = code.rawValue
        self.message = message.excerpt(Self.messageLimit)
    }

    /// The error of a write refused by the item rules: `itemRejected`, reported with the item's code.
    public init(rejectedItem code: String, _ message: String) {
        self.init(.itemRejected, message)
        reportedCode = code
    }
}

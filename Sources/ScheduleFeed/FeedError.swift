/// Why a feed request was refused, with a stable code and the HTTP status it answers with.
///
/// The code reaches the client in Kaltura's error shape (`KalturaAPIException` in JSON and XML,
/// a `VERROR` component in iCalendar), so a client's `KalturaException` carries it.
public struct FeedError: Error, Equatable, Sendable {
    /// The stable codes.
    public enum Code: String, Sendable, CaseIterable {
        /// No token in `ks` or `Authorization: Bearer`.
        case missingToken = "feed.missingToken"
        /// The token is no configured partner's.
        case invalidToken = "feed.invalidToken"
        /// The token is known but past its expiry.
        case expiredToken = "feed.expiredToken"
        /// A filter or pager field we do not know or support.
        case unknownFilter = "feed.unknownFilter"
        /// A parameter's value cannot be read (not a number, an unknown format …).
        case invalidParameter = "feed.invalidParameter"
        /// The page starts past the 10,000th result.
        case pageBeyondLimit = "feed.pageBeyondLimit"
        /// No such object for this partner.
        case notFound = "feed.notFound"
        /// No such service or action.
        case unknownAction = "feed.unknownAction"
        /// An upload without a file.
        case missingUpload = "feed.missingUpload"
        /// An upload over the configured size.
        case uploadTooLarge = "feed.uploadTooLarge"
        /// An upload that is not UTF-8 text.
        case uploadNotUTF8 = "feed.uploadNotUTF8"
        /// The store or the upload inbox failed.
        case internalError = "feed.internalError"

        /// The HTTP status a request refused with this code gets.
        public var httpStatus: Int {
            switch self {
            case .missingToken, .invalidToken, .expiredToken: 401
            case .notFound, .unknownAction: 404
            case .uploadTooLarge: 413
            case .internalError: 500
            case .unknownFilter, .invalidParameter, .pageBeyondLimit, .missingUpload, .uploadNotUTF8: 400
            }
        }
    }

    /// The stable code.
    public var code: Code
    /// What went wrong and what to do, for people; never a credential.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

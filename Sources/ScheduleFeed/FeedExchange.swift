/// A request as the feed reads it, whatever the HTTP server: what `ScheduleFeed.respond(to:)` takes.
public struct FeedRequest: Sendable {
    /// `GET`, `POST` …
    public var method: String
    /// The path, without the query (`/api_v3/service/…`).
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    /// Header values by lower-case name.
    public var headers: [String: String]
    /// The body (empty for GET).
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// A response of the feed: status, headers and body.
public struct FeedResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Header fields, by name.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

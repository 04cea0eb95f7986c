/// The form of a response, from Kaltura's `format` parameter: `1` JSON, `2` XML, `ical` iCalendar.
public enum FeedFormat: String, Sendable, CaseIterable {
    /// Kaltura's JSON (`format=1`).
    case json
    /// Kaltura's XML (`format=2`), the default as in Kaltura's API.
    case xml
    /// iCalendar (`format=ical`), for event listings.
    case ical

    /// The format a `format` parameter names; XML when absent.
    ///
    /// Throws `feed.invalidParameter` for anything else.
    public init(parameter: String?) throws(FeedError) {
        switch parameter?.lowercased() {
        case nil, "", "2", "xml": self = .xml
        case "1", "json": self = .json
        case "ical", "ics": self = .ical
        case let other?: throw FeedError(.invalidParameter, "format '\(other)' is not 1 (JSON), 2 (XML) or ical")
        }
    }

    /// The response's `Content-Type`.
    public var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .xml: "text/xml; charset=utf-8"
        case .ical: "text/calendar; charset=utf-8"
        }
    }
}

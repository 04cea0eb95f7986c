import ICalendar

/// The X-KALTURA-* properties of one VEVENT, read and checked by the rules of SPEC §3.2.
///
/// A property that is absent is nil, so that an override can tell "not said" (inherit from the
/// series) from "said empty". Checks that need the store (that an id, a parent or a resource
/// exists for the partner) are the job's; everything a value alone decides is checked here.
public struct KalturaProperties: Equatable, Sendable {
    /// X-KALTURA-ID: the event the VEVENT names directly.
    public var id: Int64?
    /// X-KALTURA-PARENT-ID: the series the VEVENT is an occurrence of.
    public var parentId: Int64?
    /// X-KALTURA-STATUS.
    public var status: EventStatus?
    /// X-KALTURA-CATEGORY-IDS.
    public var categoryIds: [Int64]?
    /// X-KALTURA-ENTRY-IDS.
    public var entryIds: [String]?
    /// X-KALTURA-RESOURCE-IDS.
    public var resourceIds: [Int64]?
    /// X-KALTURA-TAGS as written.
    public var tags: String?
    /// X-KALTURA-TEMPLATE-ENTRY-ID.
    public var templateEntryId: String?
    /// X-KALTURA-TYPE.
    public var type: EventType?
    /// X-KALTURA-OWNER-ID: the owner's Kaltura user id, as written.
    public var ownerId: String?
    /// The other X-KALTURA-* properties: kept in the event's source, and each a warning.
    public var unknown: [ContentLine] = []

    /// The properties Kaltura's iCal export writes on a live-stream event from its template entry (the broadcast
    /// endpoints, the stream name and its credentials): they describe the entry, not the event, so they are read
    /// without a warning and then dropped, never kept in the source nor exported.
    public static let discardedProperties: Set<String> = [
        "X-KALTURA-PRIMARY-RTMP-ENDPOINT", "X-KALTURA-SECONDARY-RTMP-ENDPOINT", "X-KALTURA-PRIMARY-RTSP-ENDPOINT",
        "X-KALTURA-SECONDARY-RTSP-ENDPOINT", "X-KALTURA-LIVE-STREAM-NAME", "X-KALTURA-LIVE-STREAM-USERNAME",
        "X-KALTURA-LIVE-STREAM-PASSWORD",
    ]

    /// Every X-KALTURA-* property of a VEVENT that is read (a field holds it, it names the stored event, or it is
    /// discarded): none of them is a warning.
    public static let knownProperties = Set([
        "X-KALTURA-ID", "X-KALTURA-PARTNER-ID", "X-KALTURA-PARENT-ID", "X-KALTURA-PARENT-UID", "X-KALTURA-STATUS",
        "X-KALTURA-CATEGORY-IDS", "X-KALTURA-ENTRY-IDS", "X-KALTURA-RESOURCE-IDS", "X-KALTURA-TAGS", "X-KALTURA-TEMPLATE-ENTRY-ID",
        "X-KALTURA-TYPE", "X-KALTURA-OWNER-ID",
    ]).union(discardedProperties)

    /// The largest X-KALTURA-TAGS value, in bytes of UTF-8 with its commas: under 64 KiB.
    public static var maximumTagsBytes: Int { 65_535 }

    /// Reads and checks the X-KALTURA-* properties of `component`, which belongs to partner `partnerId`.
    ///
    /// Throws the first violation, naming the property, the value (cut) and the rule.
    public init(_ component: Component, partnerId: Int) throws(ValidationError) {
        var seen: [String: String] = [:]
        for property in component.properties where property.name.hasPrefix("X-KALTURA-") {
            let value = property.value.trimmingSpaces
            if let earlier = seen[property.name], earlier != value {
                throw Self.violation(
                    .conflictingProperty, property,
                    "written once, or each time with the same value (it was also \"\(excerpt(earlier, limit: 60))\")")
            }
            seen[property.name] = value
            switch property.name {
            case "X-KALTURA-ID":
                id = try Self.identifier(property, code: .invalidId)
            case "X-KALTURA-PARTNER-ID":
                guard let partner = Int(value) else {
                    throw Self.violation(.invalidPartnerId, property, "an integer partner id")
                }
                guard partner == partnerId else {
                    throw Self.violation(.partnerMismatch, property, "equal to the folder's partner, \(partnerId)")
                }
            case "X-KALTURA-PARENT-ID":
                parentId = try Self.identifier(property, code: .invalidParentId)
            case "X-KALTURA-STATUS":
                guard let code = Int(value), let status = EventStatus(rawValue: code) else {
                    throw Self.violation(.invalidStatus, property, "1 (cancelled), 2 (active) or 3 (deleted)")
                }
                self.status = status
            case "X-KALTURA-CATEGORY-IDS":
                categoryIds = try Self.list(property).map { item throws(ValidationError) in
                    guard let id = Self.positiveInteger(item) else {
                        throw Self.violation(.invalidCategoryIds, property, "comma-separated positive integers")
                    }
                    return id
                }
            case "X-KALTURA-RESOURCE-IDS":
                // As stored: ascending, each once, so that the same links in another order change nothing.
                resourceIds = Array(
                    Set(
                        try Self.list(property).map { item throws(ValidationError) in
                            guard let id = Self.positiveInteger(item) else {
                                throw Self.violation(.invalidResourceIds, property, "comma-separated positive integers (resource ids)")
                            }
                            return id
                        })
                ).sorted()
            case "X-KALTURA-ENTRY-IDS":
                entryIds = try Self.list(property).map { item throws(ValidationError) in
                    guard Self.isEntryId(item) else {
                        throw Self.violation(
                            .invalidEntryId, property, "comma-separated entry ids, each exactly 10 characters of 0-9, a-z and _")
                    }
                    return item
                }
            case "X-KALTURA-TAGS":
                let text = TextValue.unescape(property.value)
                guard text.utf8.count <= Self.maximumTagsBytes else {
                    throw Self.violation(
                        .tagsTooLong, property, "all tags with their commas under 65,536 bytes (these are \(text.utf8.count))")
                }
                tags = text
            case "X-KALTURA-TEMPLATE-ENTRY-ID":
                guard Self.isEntryId(value) else {
                    throw Self.violation(.invalidTemplateEntryId, property, "exactly 10 characters of 0-9, a-z and _")
                }
                templateEntryId = value
            case "X-KALTURA-TYPE":
                guard let code = Int(value), let type = EventType(rawValue: code), type != .blackout else {
                    throw Self.violation(.invalidType, property, "1 (recording) or 2 (live stream)")
                }
                self.type = type
            case "X-KALTURA-OWNER-ID":
                ownerId = TextValue.unescape(value)
            case "X-KALTURA-PARENT-UID":
                // Written by Kaltura's export and ours on occurrences; the UID already says it.
                continue
            case _ where Self.discardedProperties.contains(property.name):
                continue
            default:
                unknown.append(property)
            }
        }
    }

    /// The warnings the properties give: one per unknown X-KALTURA-* property.
    public var warnings: [ValidationError] {
        unknown.map {
            ValidationError(
                .unknownKalturaProperty, "\($0.name) (line \($0.line)) is not a Kaltura scheduling property; it is kept but not used")
        }
    }

    /// A positive integer id, or the violation `code`.
    private static func identifier(_ property: ContentLine, code: ValidationError.Code) throws(ValidationError) -> Int64 {
        guard let id = positiveInteger(property.value.trimmingSpaces) else {
            throw violation(code, property, "a positive integer id")
        }
        return id
    }

    /// The comma-separated items of a value, trimmed; an empty value is an empty list, an empty item an error.
    private static func list(_ property: ContentLine) throws(ValidationError) -> [String] {
        let value = property.value.trimmingSpaces
        guard !value.isEmpty else { return [] }
        return value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
    }

    /// The value of decimal digits alone, if it is a positive integer that fits.
    private static func positiveInteger(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text), value > 0 else { return nil }
        return value
    }

    /// Whether `text` is a Kaltura entry id: exactly 10 characters of `0-9`, `a-z` and `_`.
    private static func isEntryId(_ text: String) -> Bool {
        text.utf8.count == 10 && text.utf8.allSatisfy { (48...57).contains($0) || (97...122).contains($0) || $0 == 95 }
    }

    /// The error for a property whose value breaks `rule`.
    private static func violation(_ code: ValidationError.Code, _ property: ContentLine, _ rule: String) -> ValidationError {
        ValidationError(code, "\(property.name) \"\(excerpt(property.value, limit: 60))\" (line \(property.line)) must be \(rule)")
    }
}

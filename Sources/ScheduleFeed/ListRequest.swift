import Schedule

/// The filter and pager of a list call, read from its parameters.
///
/// Every field of `filter` and `pager` must be one we apply: an unknown or unsupported name is refused
/// with `feed.unknownFilter` and its name, never ignored (a device that believes it filters must not get everything).
public struct ListRequest<Filter: Sendable>: Sendable {
    /// The filter, with times as given (relative ones not yet resolved).
    public var filter: Filter
    /// The page.
    public var pager: Pager
    /// Whether a time of the filter is relative to now (below 1980).
    public var usesRelativeTimes: Bool
}

extension ListRequest where Filter == EventFilter {
    /// The event filter and pager of `parameters`.
    public init(events parameters: KalturaParameters) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "filter"), object: "filter")
        var filter = EventFilter()
        filter.startDateGreaterThanOrEqual = try reader.number("startDateGreaterThanOrEqual")
        filter.startDateLessThanOrEqual = try reader.number("startDateLessThanOrEqual")
        filter.endDateGreaterThanOrEqual = try reader.number("endDateGreaterThanOrEqual")
        filter.endDateLessThanOrEqual = try reader.number("endDateLessThanOrEqual")
        filter.updatedAtGreaterThanOrEqual = try reader.number("updatedAtGreaterThanOrEqual")
        filter.updatedAtLessThanOrEqual = try reader.number("updatedAtLessThanOrEqual")
        filter.createdAtGreaterThanOrEqual = try reader.number("createdAtGreaterThanOrEqual")
        filter.referenceIdIn = reader.texts("referenceIdEqual", "referenceIdIn")
        filter.idIn = try reader.numbers("idEqual", "idIn")
        filter.parentIdIn = try reader.numbers("parentIdEqual", "parentIdIn")
        filter.statusIn = try reader.codes("statusEqual", "statusIn", as: EventStatus.self)
        filter.recurrenceTypeIn = try reader.codes("recurrenceTypeEqual", "recurrenceTypeIn", as: RecurrenceType.self)
        filter.templateEntryIdEqual = reader.text("templateEntryIdEqual")
        filter.resourceIdsMatchOr = try reader.numbers("resourceIdEqual", "resourceIdsMultiLikeOr")
        filter.categoryIdsMatchOr = try reader.numbers("categoryIdsMultiLikeOr")
        filter.tagsLike = reader.text("tagsLike")
        try reader.accept(orderBy: "+startDate")
        try reader.finish()
        let times = [
            filter.startDateGreaterThanOrEqual, filter.startDateLessThanOrEqual, filter.endDateGreaterThanOrEqual,
            filter.endDateLessThanOrEqual, filter.updatedAtGreaterThanOrEqual, filter.updatedAtLessThanOrEqual,
            filter.createdAtGreaterThanOrEqual,
        ]
        self.init(
            filter: filter, pager: try Pager(parameters),
            usesRelativeTimes: times.contains { ($0 ?? EventFilter.relativeTimeLimit) < EventFilter.relativeTimeLimit })
    }
}

extension ListRequest where Filter == ResourceFilter {
    /// The resource filter and pager of `parameters`.
    public init(resources parameters: KalturaParameters) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "filter"), object: "filter")
        var filter = ResourceFilter()
        filter.idIn = try reader.numbers("idEqual", "idIn")
        filter.parentIdIn = try reader.numbers("parentIdEqual", "parentIdIn")
        filter.systemNameIn = reader.texts("systemNameEqual", "systemNameIn")
        filter.statusIn = try reader.codes("statusEqual", "statusIn", as: ResourceStatus.self)
        try reader.accept(orderBy: "+id")
        try reader.finish()
        self.init(filter: filter, pager: try Pager(parameters), usesRelativeTimes: false)
    }
}

extension Pager {
    /// The pager of a call's `parameters` (`pager:pageSize`, `pager:pageIndex`).
    init(_ parameters: KalturaParameters) throws(FeedError) {
        var reader = FieldReader(parameters.fields(of: "pager"), object: "pager")
        let size = try reader.number("pageSize").map { Int(clamping: $0) }
        let index = try reader.number("pageIndex").map { Int(clamping: $0) }
        try reader.finish()
        do {
            try self.init(pageSize: size, pageIndex: index)
        } catch {
            throw FeedError(.pageBeyondLimit, error.message)
        }
    }
}

/// Which resources a listing selects; deleted ones are never listed.
public struct ResourceFilter: Equatable, Sendable {
    /// The id is one of these.
    public var idIn: [Int64]?
    /// The parent's id is one of these.
    public var parentIdIn: [Int64]?
    /// The system name is one of these.
    public var systemNameIn: [String]?
    /// The status is one of these.
    public var statusIn: [ResourceStatus]?

    /// A filter that selects every listed resource.
    public init() {}

    /// Whether `resource` is selected.
    public func selects(_ resource: ScheduleResource) -> Bool {
        resource.status != .deleted && (idIn.map { ids in resource.id.map(ids.contains) ?? false } ?? true)
            && (parentIdIn.map { ids in resource.parentId.map(ids.contains) ?? false } ?? true)
            && (systemNameIn?.contains(resource.systemName) ?? true) && (statusIn?.contains(resource.status) ?? true)
    }
}

/// Reads the fields of one object parameter, remembering which it read so the rest can be refused.
struct FieldReader {
    private var fields: [String: String]
    private let object: String

    init(_ fields: [String: String], object: String) {
        self.fields = fields
        self.object = object
        self.fields["objectType"] = nil
    }

    /// A text field.
    mutating func text(_ name: String) -> String? {
        fields.removeValue(forKey: name)
    }

    /// An `…Equal` field and an `…In` list, together one list (their union); nil when neither is given.
    mutating func texts(_ equal: String, _ list: String) -> [String]? {
        let one = text(equal).map { [$0] }
        let many = text(list).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return one == nil && many == nil ? nil : (one ?? []) + (many ?? [])
    }

    /// A whole-number field.
    mutating func number(_ name: String) throws(FeedError) -> Int64? {
        guard let value = text(name) else { return nil }
        guard let number = Int64(value.trimmingCharacters(in: .whitespaces)) else {
            throw FeedError(.invalidParameter, "\(object):\(name) is '\(value)', not a whole number")
        }
        return number
    }

    /// Numbers from `…Equal` and comma-separated lists, together one list.
    mutating func numbers(_ names: String...) throws(FeedError) -> [Int64]? {
        var found: [Int64]?
        for name in names {
            guard let value = text(name) else { continue }
            var numbers: [Int64] = []
            for item in value.split(separator: ",") {
                guard let number = Int64(item.trimmingCharacters(in: .whitespaces)) else {
                    throw FeedError(.invalidParameter, "\(object):\(name) is '\(value)', not a comma-separated list of whole numbers")
                }
                numbers.append(number)
            }
            found = (found ?? []) + numbers
        }
        return found
    }

    /// Enumeration codes from an `…Equal` field and an `…In` list.
    mutating func codes<Code: RawRepresentable<Int>>(_ equal: String, _ list: String, as: Code.Type) throws(FeedError) -> [Code]? {
        guard let numbers = try numbers(equal, list) else { return nil }
        var codes: [Code] = []
        for number in numbers {
            guard let code = Code(rawValue: Int(clamping: number)) else {
                throw FeedError(.invalidParameter, "\(object): \(number) is not a known \(Code.self) code")
            }
            codes.append(code)
        }
        return codes
    }

    /// Accepts `orderBy` when absent, empty or the one order listings have.
    mutating func accept(orderBy order: String) throws(FeedError) {
        guard let given = text("orderBy"), !given.isEmpty, given != order else { return }
        throw FeedError(.invalidParameter, "\(object):orderBy '\(given)' is not supported; listings are always in order \(order)")
    }

    /// Refuses the fields left unread.
    func finish() throws(FeedError) {
        guard !fields.isEmpty else { return }
        let names = fields.keys.sorted().map { "\(object):\($0)" }
        throw FeedError(.unknownFilter, "unknown or unsupported \(names.count == 1 ? "field" : "fields") \(names.joined(separator: ", "))")
    }
}

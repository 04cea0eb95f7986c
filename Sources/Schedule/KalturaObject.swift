import Foundation

/// An object of Kaltura's API as a listing returns it: its `objectType` and its fields by Kaltura's names.
///
/// Absent values are left out. Lists of ids are comma-joined text, times are seconds since 1970 and
/// enumerations their integer codes, as Kaltura's JSON gives them. Never carries a credential.
public struct KalturaObject: Encodable, Equatable, Sendable {
    /// A field's value.
    public enum Value: Encodable, Equatable, Sendable {
        /// An integer (ids, codes, times).
        case int(Int64)
        /// A text.
        case string(String)
        /// A real number (coordinates).
        case double(Double)
        /// A nested object, such as an event's `recurrence`.
        indirect case object(KalturaObject)

        /// Encodes the bare value.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let number): try container.encode(number)
            case .string(let text): try container.encode(text)
            case .double(let number): try container.encode(number)
            case .object(let object): try container.encode(object)
            }
        }

        /// The value as JSON text builds it.
        var json: JSONText.Value {
            switch self {
            case .int(let number): .int(number)
            case .string(let string): .string(string)
            case .double(let number): .raw(String(number))
            case .object(let object): .object(object.members)
            }
        }
    }

    /// Kaltura's class name, `KalturaRecordScheduleEvent` for instance.
    public var objectType: String
    /// The fields, by name.
    public var fields: [String: Value]

    /// Encodes `objectType` beside the fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields.merging(["objectType": .string(objectType)]) { own, _ in own })
    }

    /// The object as compact JSON, fields in name order (what `Encodable` gives, written directly), then the
    /// `extra` members, whose values are JSON already (a report, for instance).
    public func json(adding extra: [(name: String, json: Data)] = []) -> [UInt8] {
        var text = JSONText()
        write(into: &text, adding: extra)
        return text.bytes
    }

    /// The fields and `objectType` as JSON members, in name order.
    var members: [(String, JSONText.Value?)] {
        (fields.merging(["objectType": .string(objectType)]) { own, _ in own }).sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) }
    }

    func write(into text: inout JSONText, adding extra: [(name: String, json: Data)] = []) {
        text.raw("{")
        text.members(members)
        for (name, value) in extra {
            text.raw(", ")
            text.string(name)
            text.raw(": ")
            text.bytes += value
        }
        text.raw("}")
    }

    /// An object of any class, with its fields.
    public init(objectType: String, fields: [String: Value]) {
        self.objectType = objectType
        self.fields = fields
    }

    /// An event as `KalturaRecordScheduleEvent`, `KalturaLiveStreamScheduleEvent` or `KalturaBlackoutScheduleEvent`.
    public init(_ event: ScheduleEvent) {
        objectType =
            switch event.type {
            case .record: "KalturaRecordScheduleEvent"
            case .liveStream: "KalturaLiveStreamScheduleEvent"
            case .blackout: "KalturaBlackoutScheduleEvent"
            }
        var fields: [String: Value] = [
            "partnerId": .int(Int64(event.partnerId)), "referenceId": .string(event.referenceId),
            "status": .int(Int64(event.status.rawValue)),
            "recurrenceType": .int(Int64(event.recurrenceType.rawValue)), "startDate": .int(event.startDate),
            "endDate": .int(event.endDate), "duration": .int(event.duration), "sequence": .int(Int64(event.sequence)),
        ]
        fields["id"] = event.id.map(Value.int)
        fields["parentId"] = event.parentId.map(Value.int)
        fields["summary"] = event.summary.map(Value.string)
        fields["description"] = event.description.map(Value.string)
        fields["location"] = event.location.map(Value.string)
        fields["organizer"] = event.organizer.map(Value.string)
        fields["tags"] = event.tags.map(Value.string)
        fields["templateEntryId"] = event.templateEntryId.map(Value.string)
        fields["ownerId"] = event.ownerId.map(Value.string)
        fields["priority"] = event.priority.map { .int(Int64($0)) }
        fields["createdAt"] = event.createdAt.map(Value.int)
        fields["updatedAt"] = event.updatedAt.map(Value.int)
        fields["recurrence"] = KalturaRecurrence.object(of: event).map(Value.object)
        fields.merge(KalturaRecurrence.sourceFields(of: event)) { own, _ in own }
        for (name, ids) in [
            ("categoryIds", event.categoryIds.map(String.init)), ("entryIds", event.entryIds),
            ("resourceIds", event.resourceIds.map(String.init)),
        ]
        where !ids.isEmpty {
            fields[name] = .string(ids.joined(separator: ","))
        }
        self.fields = fields
    }

    /// A resource as `KalturaLocationScheduleResource`, `KalturaCameraScheduleResource` or `KalturaLiveEntryScheduleResource`.
    public init(_ resource: ScheduleResource) {
        objectType =
            switch resource.type {
            case .location: "KalturaLocationScheduleResource"
            case .camera: "KalturaCameraScheduleResource"
            case .liveEntry: "KalturaLiveEntryScheduleResource"
            }
        var fields: [String: Value] = [
            "partnerId": .int(Int64(resource.partnerId)), "name": .string(resource.name), "status": .int(Int64(resource.status.rawValue)),
        ]
        fields["id"] = resource.id.map(Value.int)
        fields["parentId"] = resource.parentId.map(Value.int)
        for (name, text) in [("systemName", resource.systemName), ("description", resource.description), ("tags", resource.tags)]
        where !text.isEmpty {
            fields[name] = .string(text)
        }
        self.fields = fields
    }
}

/// A page of a Kaltura listing: `{"objects": […], "totalCount": N, "objectType": "Kaltura…ListResponse"}`.
public struct KalturaListResponse: Encodable, Equatable, Sendable {
    /// The page's objects.
    public var objects: [KalturaObject]
    /// How many objects the filter selects in all pages.
    public var totalCount: Int
    /// `KalturaScheduleEventListResponse` or `KalturaScheduleResourceListResponse`.
    public var objectType: String

    /// The response as compact JSON, written directly (for large pages, several times faster than `JSONEncoder`).
    public func json() -> [UInt8] {
        var text = JSONText()
        text.raw("{\"objectType\": ")
        text.string(objectType)
        text.raw(", \"objects\": [")
        for (index, object) in objects.enumerated() {
            if index > 0 { text.raw(", ") }
            object.write(into: &text)
        }
        text.raw("], \"totalCount\": \(totalCount)}")
        return text.bytes
    }

    /// Creates a response.
    public init(objects: [KalturaObject], totalCount: Int, objectType: String) {
        self.objects = objects
        self.totalCount = totalCount
        self.objectType = objectType
    }
}

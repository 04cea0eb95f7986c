import Ingestion
import Schedule
import ScheduleStore

/// `schedule_scheduleResource`: resources listed (with ETags), a resource CSV pushed as a bulk upload, and resources
/// added, read, updated and deleted one call at a time.
///
/// A write is one row of the resource job (`ScheduleEditor.writeResource`), so it keeps the CSV's rules and codes: a
/// system name unique per partner and type, a parent (`parentId`) that is a live location of the partner, no cycle
/// of parents; an update changes only the fields it sends and never the type; a delete is soft and gives the deleted
/// resource. The type is the object's: `KalturaLocationScheduleResource`, `KalturaCameraScheduleResource` or
/// `KalturaLiveEntryScheduleResource`. A deleted resource is not found.
struct ScheduleResourceService: KalturaService {
    let context: FeedContext
    let name = "schedule_scheduleresource"
    let actions: Set<String> = ["list", "addfrombulkupload", "add", "get", "update", "delete"]

    /// The object types a resource may be written as, and their resource types.
    static let objectTypes: [String: ResourceType] = [
        "KalturaLocationScheduleResource": .location, "KalturaCameraScheduleResource": .camera,
        "KalturaLiveEntryScheduleResource": .liveEntry,
    ]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        switch action {
        case "list": return try await list(call)
        case "addfrombulkupload": return try await context.upload(call, kind: .resourceCsv)
        case "get":
            try FeedContext.refuseCalendar(call.format, for: "resources")
            let id = try resourceId(call)
            guard
                let resource = try await context.store.resources(partnerId: try call.requireCaller().partnerId).first(where: { $0.id == id }
                ),
                resource.status != .deleted
            else { throw Self.notFound(id) }
            return .object(KalturaObject(resource))
        default:
            try FeedContext.refuseCalendar(call.format, for: "resources")
            return .object(KalturaObject(try await write(action, call)))
        }
    }

    /// `add`, `update` or `delete`, as one resource row.
    private func write(_ action: String, _ call: ServiceCall) async throws -> ScheduleResource {
        let partnerId = try call.requireCaller().partnerId
        let fields = call.parameters.fields(of: "scheduleResource")
        let id = action == "add" ? nil : try resourceId(call)
        var row = ResourceRow(
            action: action == "add" ? .add : action == "update" ? .update : .delete, resourceId: id,
            name: fields["name"].flatMap { $0.isEmpty ? nil : $0 },
            systemName: fields["systemName"] ?? "", description: fields["description"], tags: fields["tags"])
        if action == "add" {
            guard let type = fields["objectType"].flatMap({ Self.objectTypes[$0] }) else {
                throw FeedError(
                    .invalidParameter,
                    "scheduleResource:objectType must be one of \(Self.objectTypes.keys.sorted().joined(separator: ", "))")
            }
            row.type = type
            guard let name = row.name, !name.isEmpty else {
                throw FeedError(rejectedItem: ValidationError.Code.missingName.rawValue, "a resource needs a name")
            }
        }
        if row.systemName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw FeedError(rejectedItem: ValidationError.Code.invalidSystemName.rawValue, "the systemName holds a control character")
        }
        var parentId: Int64?
        if let text = fields["parentId"], !text.isEmpty, text != "0" {
            guard let parent = Int64(text), parent > 0 else { throw FeedError(.invalidParameter, "parentId must be a resource id") }
            parentId = parent
        }
        let resourceRow = row
        let parent = parentId
        do {
            return try await context.write(call, ids: { [$0.id ?? 0] }) { editor in
                try await editor.writeResource(partnerId: partnerId, row: resourceRow, parentId: parent)
            }
        } catch let error as FeedError where error.reportedCode == ValidationError.Code.notFound.rawValue {
            throw Self.notFound(id ?? 0)
        }
    }

    /// The `scheduleResourceId` parameter.
    private func resourceId(_ call: ServiceCall) throws(FeedError) -> Int64 {
        guard let id = Int64(try call.required("scheduleResourceId")) else {
            throw FeedError(.invalidParameter, "scheduleResourceId must be a resource id")
        }
        return id
    }

    static func notFound(_ id: Int64) -> FeedError {
        FeedError(.resourceNotFound, "Schedule Resource id [\(id)] not found")
    }

    private func list(_ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        try FeedContext.refuseCalendar(call.format, for: "resources")
        let request = try ListRequest(resources: call.parameters, maximumListValues: context.limits.maximumListValues)
        context.logIgnoredOrders(request.ignoredOrders, call)
        let minute = request.usesRelativeTimes ? context.now() / 60 * 60 : nil
        let tag = context.entityTag(call, partnerId: partnerId, version: try await context.store.dataVersion(), minute: minute)
        if let ifNoneMatch = call.ifNoneMatch, FeedContext.matches(ifNoneMatch, tag) { return FeedContext.notModified(tag) }
        let filter = minute.map { request.filter.resolvingRelativeTimes(now: $0) } ?? request.filter
        let selected = filter.sorted(try await context.store.resources(partnerId: partnerId).filter(filter.selects))
        let page = selected.dropFirst(request.pager.offset).prefix(request.pager.pageSize)
        let response = KalturaListResponse(
            objects: page.map(KalturaObject.init), totalCount: selected.count, objectType: "KalturaScheduleResourceListResponse")
        return .response(
            FeedResponse(
                status: 200, headers: ["Content-Type": call.format.contentType, "ETag": tag],
                body: FeedEncoder.list(response, format: call.format)))
    }
}

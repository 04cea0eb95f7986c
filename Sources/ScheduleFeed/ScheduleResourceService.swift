import Schedule
import ScheduleStore

/// `schedule_scheduleResource`: resources listed (with ETags), and a resource CSV pushed as a bulk upload.
struct ScheduleResourceService: KalturaService {
    let context: FeedContext
    let name = "schedule_scheduleresource"
    let actions: Set<String> = ["list", "addfrombulkupload"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        action == "list" ? try await list(call) : try await context.upload(call, kind: .resourceCsv)
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

import Schedule
import ScheduleStore

/// `schedule_scheduleEvent`: events listed (with ETags), one event, the events that clash with one
/// (`getConflicts`), and a calendar pushed as a bulk upload.
struct ScheduleEventService: KalturaService {
    let context: FeedContext
    let name = "schedule_scheduleevent"
    let actions: Set<String> = ["list", "get", "getconflicts", "addfrombulkupload"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        switch action {
        case "list": try await list(call)
        case "get": try await get(call)
        case "getconflicts": try await conflicts(call)
        default: try await context.upload(call, kind: .ical)
        }
    }

    private func list(_ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        let request = try ListRequest(events: call.parameters, maximumListValues: context.limits.maximumListValues)
        context.logIgnoredOrders(request.ignoredOrders, call)
        let minute = request.usesRelativeTimes ? context.now() / 60 * 60 : nil
        let tag = { (version: Int64) in context.entityTag(call, partnerId: partnerId, version: version, minute: minute) }
        if let ifNoneMatch = call.ifNoneMatch {
            let current = tag(try await context.store.dataVersion())
            if FeedContext.matches(ifNoneMatch, current) { return FeedContext.notModified(current) }
        }
        let filter = minute.map { request.filter.resolvingRelativeTimes(now: $0) } ?? request.filter
        let page = try await context.store.events(partnerId: partnerId, filter: filter, pager: request.pager)
        return .response(
            FeedResponse(
                status: 200, headers: ["Content-Type": call.format.contentType, "ETag": tag(page.dataVersion)],
                body: try FeedEncoder.events(page.events, totalCount: page.totalCount, format: call.format)))
    }

    private func get(_ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        let text = try call.required("scheduleEventId")
        guard let id = Int64(text) else { throw FeedError(.invalidParameter, "scheduleEventId must be an event id") }
        var filter = EventFilter()
        filter.idIn = [id]
        guard let event = try await context.store.events(partnerId: partnerId, filter: filter, pager: Pager()).events.first else {
            throw FeedError(.eventNotFound, "Schedule Event id [\(id)] not found")
        }
        guard call.format == .ical else { return .object(KalturaObject(event)) }
        return .response(
            FeedResponse(status: 200, headers: ["Content-Type": call.format.contentType], body: try EventCalendar.calendar([event])))
    }

    /// `getConflicts(resourceIds, scheduleEvent, scheduleEventIdToIgnore, scheduleEventConflictType)`: the events
    /// on those resources (or their rooms and cameras) whose time overlaps the given event's.
    private func conflicts(_ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        let request = try ConflictRequest(call.parameters, maximumListValues: context.limits.maximumListValues).resolvingRelativeTimes(
            now: context.now())
        let events = try await context.store.conflicts(
            partnerId: partnerId, start: request.start, end: request.end, resourceIds: request.resourceIds, kinds: request.kinds,
            ignoring: request.ignoring)
        return .response(
            FeedResponse(
                status: 200, headers: ["Content-Type": call.format.contentType],
                body: try FeedEncoder.events(events, totalCount: events.count, format: call.format)))
    }
}

import Schedule
import ScheduleStore

/// `schedule_scheduleEvent`: events listed (with ETags), one event, the events that clash with one
/// (`getConflicts`), a calendar pushed as a bulk upload, and events added, updated, cancelled and deleted one call at a
/// time (`EventEdits`, `EventFields`).
///
/// `cancel` and `delete` give the event as it then stands (cancelled, deleted), as Kaltura does; on a series they
/// cancel or delete every occurrence with it, on an occurrence they detach it as a cancelled or deleted exception.
struct ScheduleEventService: KalturaService {
    let context: FeedContext
    let name = "schedule_scheduleevent"
    let actions: Set<String> = ["list", "get", "getconflicts", "addfrombulkupload", "add", "update", "cancel", "delete"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        let edits = EventEdits(context: context)
        switch action {
        case "list": return try await list(call)
        case "get": return try await get(call)
        case "getconflicts": return try await conflicts(call)
        case "add":
            try FeedContext.refuseCalendar(call.format, for: "written events")
            return .object(KalturaObject(try await edits.add(call)))
        case "update":
            try FeedContext.refuseCalendar(call.format, for: "written events")
            let fields = EventFields(call.parameters)
            return .object(
                KalturaObject(
                    try await edits.change(call, id: try eventId(call)) { vevent, stored in
                        if let type = fields.type, type != stored.type {
                            throw FeedError(
                                .invalidParameter,
                                "an event's type cannot change: event \(stored.id ?? 0) stays \(KalturaObject(stored).objectType)")
                        }
                        try fields.apply(to: &vevent, stored: stored, owner: nil)
                    }))
        case "cancel", "delete":
            try FeedContext.refuseCalendar(call.format, for: "written events")
            let status = action == "cancel" ? EventStatus.cancelled : .deleted
            return .object(
                KalturaObject(
                    try await edits.change(call, id: try eventId(call)) { vevent, _ in
                        if status == .cancelled { vevent.set("STATUS", "CANCELLED") }
                        vevent.set("X-KALTURA-STATUS", String(status.rawValue))
                    }))
        default: return try await context.upload(call, kind: .ical)
        }
    }

    /// The `scheduleEventId` parameter.
    private func eventId(_ call: ServiceCall) throws(FeedError) -> Int64 {
        guard let id = Int64(try call.required("scheduleEventId")) else {
            throw FeedError(.invalidParameter, "scheduleEventId must be an event id")
        }
        return id
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
        let id = try eventId(call)
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

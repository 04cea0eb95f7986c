import Foundation
import ICalendar
import Schedule
import ScheduleStore

/// `schedule_scheduleEventResource`: the resources events use, listed, read, added, moved and removed one call at a
/// time.
///
/// A link is the event's `X-KALTURA-RESOURCE-IDS`: adding or removing one is a change of the event (`EventEdits`),
/// checked as a file's event is (`event.unknownResource` for a resource that is not the partner's), with the
/// event's conflicts found again. A series' resources are its occurrences' (re-expanded with the series); a link
/// changed on one occurrence detaches it as an exception. `update` moves a link to the object's `resourceId`. The
/// list (filters `eventIdEqual`, `eventIdIn`, `resourceIdEqual`, `resourceIdIn`) gives the links of events that are
/// not deleted, occurrences' too, by event then resource; `orderBy` is passed over. A link's times are its event's.
struct ScheduleEventResourceService: KalturaService {
    let context: FeedContext
    let name = "schedule_scheduleeventresource"
    let actions: Set<String> = ["add", "get", "update", "delete", "list"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        try FeedContext.refuseCalendar(call.format, for: "event resources")
        let partnerId = try call.requireCaller().partnerId
        switch action {
        case "list": return try await list(call, partnerId: partnerId)
        case "add":
            let fields = call.parameters.fields(of: "scheduleEventResource")
            let eventId = try Self.id(fields["eventId"], "scheduleEventResource:eventId")
            let resourceId = try Self.id(fields["resourceId"], "scheduleEventResource:resourceId")
            let event = try await relink(call, eventId: eventId) { resourceIds in
                guard !resourceIds.contains(resourceId) else { throw Self.exists(eventId, resourceId) }
                return resourceIds + [resourceId]
            }
            return .object(Self.object(event, resourceId: resourceId))
        case "get":
            let (eventId, resourceId) = try Self.key(call)
            var filter = EventFilter()
            filter.idIn = [eventId]
            guard let event = try await context.store.events(partnerId: partnerId, filter: filter, pager: Pager()).events.first else {
                throw FeedError(.eventNotFound, "Schedule Event id [\(eventId)] not found")
            }
            guard event.resourceIds.contains(resourceId) else { throw Self.notFound(eventId, resourceId) }
            return .object(Self.object(event, resourceId: resourceId))
        case "update":
            let (eventId, resourceId) = try Self.key(call)
            let fields = call.parameters.fields(of: "scheduleEventResource")
            if let other = fields["eventId"], !other.isEmpty, other != String(eventId) {
                throw FeedError(
                    .invalidParameter, "a link cannot move to another event; delete it and add one to event \(other.excerpt(20))")
            }
            let target =
                try fields["resourceId"].flatMap { $0.isEmpty ? nil : $0 }.map { text throws(FeedError) in
                    try Self.id(text, "scheduleEventResource:resourceId")
                } ?? resourceId
            let event = try await relink(call, eventId: eventId) { resourceIds in
                guard resourceIds.contains(resourceId) else { throw Self.notFound(eventId, resourceId) }
                guard target != resourceId else { return resourceIds }
                guard !resourceIds.contains(target) else { throw Self.exists(eventId, target) }
                return resourceIds.filter { $0 != resourceId } + [target]
            }
            return .object(Self.object(event, resourceId: target))
        default:
            let (eventId, resourceId) = try Self.key(call)
            _ = try await relink(call, eventId: eventId) { resourceIds in
                guard resourceIds.contains(resourceId) else { throw Self.notFound(eventId, resourceId) }
                return resourceIds.filter { $0 != resourceId }
            }
            return .nothing
        }
    }

    /// Changes the resources of event `eventId` to what `change` makes of them.
    private func relink(
        _ call: ServiceCall, eventId: Int64, _ change: @escaping @Sendable ([Int64]) throws -> [Int64]
    ) async throws -> ScheduleEvent {
        try await EventEdits(context: context).change(call, id: eventId) { vevent, stored in
            let resourceIds = try change(stored.resourceIds)
            vevent.remove("X-KALTURA-RESOURCE-IDS")
            if !resourceIds.isEmpty {
                vevent.properties.append(
                    ContentLine(name: "X-KALTURA-RESOURCE-IDS", value: resourceIds.map(String.init).joined(separator: ",")))
            }
        }
    }

    private func list(_ call: ServiceCall, partnerId: Int) async throws -> ServiceResult {
        var reader = FieldReader(
            call.parameters.fields(of: "filter"), object: "filter", maximumListValues: context.limits.maximumListValues)
        let filter = EventResourceFilter(
            eventIds: try reader.numbers("eventIdEqual", "eventIdIn"), resourceIds: try reader.numbers("resourceIdEqual", "resourceIdIn"))
        _ = reader.text("orderBy")
        try reader.finish()
        let pager = try Pager(call.parameters, maximumListValues: context.limits.maximumListValues)
        let page = try await context.store.eventResources(partnerId: partnerId, filter: filter, pager: pager)
        return .list(
            KalturaListResponse(
                objects: page.links.map(Self.object), totalCount: page.totalCount, objectType: "KalturaScheduleEventResourceListResponse"))
    }

    /// The `scheduleEventId` and `scheduleResourceId` parameters.
    private static func key(_ call: ServiceCall) throws(FeedError) -> (Int64, Int64) {
        (
            try id(try call.required("scheduleEventId"), "scheduleEventId"),
            try id(try call.required("scheduleResourceId"), "scheduleResourceId")
        )
    }

    private static func id(_ text: String?, _ name: String) throws(FeedError) -> Int64 {
        guard let text, !text.isEmpty else { throw FeedError(.missingParameter, "Missing parameter \"\(name)\"") }
        guard let id = Int64(text), id > 0 else { throw FeedError(.invalidParameter, "\(name) must be an id") }
        return id
    }

    private static func object(_ event: ScheduleEvent, resourceId: Int64) -> KalturaObject {
        object(
            EventResourceLink(
                eventId: event.id ?? 0, resourceId: resourceId, partnerId: event.partnerId, createdAt: event.createdAt ?? 0,
                updatedAt: event.updatedAt ?? 0))
    }

    private static func object(_ link: EventResourceLink) -> KalturaObject {
        KalturaObject(
            objectType: "KalturaScheduleEventResource",
            fields: [
                "eventId": .int(link.eventId), "resourceId": .int(link.resourceId), "partnerId": .int(Int64(link.partnerId)),
                "createdAt": .int(link.createdAt), "updatedAt": .int(link.updatedAt),
            ])
    }

    private static func notFound(_ eventId: Int64, _ resourceId: Int64) -> FeedError {
        FeedError(.eventResourceNotFound, "Schedule event \(eventId) does not use resource \(resourceId)")
    }

    private static func exists(_ eventId: Int64, _ resourceId: Int64) -> FeedError {
        FeedError(
            .eventResourceExists, "Schedule event resource already exists with eventId[\(eventId)] and resourceId (\(resourceId))")
    }
}

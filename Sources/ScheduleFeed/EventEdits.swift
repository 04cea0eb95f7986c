import Foundation
import ICalendar
import Ingestion
import Schedule
import ScheduleStore

/// The event writes of the API, each one `ScheduleEditor` job in its own transaction: an event added from the call's
/// `scheduleEvent` object, or a stored event changed by editing the VEVENT that makes it again.
///
/// A change to an occurrence edits its override (its VEVENT with RECURRENCE-ID), which the job keeps with the series:
/// the occurrence is detached as an exception, as an override in a file detaches it. A change to a series edits the
/// series' VEVENT beside the overrides it keeps, and the job re-expands it as it would a re-uploaded file.
struct EventEdits {
    let context: FeedContext

    /// Adds the event the call's `scheduleEvent` describes, of the KS's partner, and gives it as stored.
    ///
    /// Its UID is the object's `referenceId`, or a new one (`<uuid>@scheduledrop`); a referenceId another event of the
    /// partner has (not deleted) is refused with `feed.referenceIdTaken`: a write over the API never replaces an event
    /// by accident.
    func add(_ call: ServiceCall) async throws -> ScheduleEvent {
        let caller = try call.requireCaller()
        let fields = EventFields(call.parameters)
        guard let type = fields.type else {
            throw FeedError(
                .invalidParameter,
                "scheduleEvent:objectType must be one of \(EventFields.objectTypes.keys.sorted().joined(separator: ", "))")
        }
        let given = fields.values["referenceId"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let uid = given.isEmpty ? UUID().uuidString.lowercased() + "@scheduledrop" : given
        let partnerId = caller.partnerId
        let owner = caller.session.userId
        return try await context.write(call, ids: { [$0.id ?? 0] }) { editor in
            try await editor.writeEvents(
                partnerId: partnerId,
                compose: { transaction in
                    if let stored = try transaction.event(partnerId: partnerId, referenceId: uid), stored.status != .deleted {
                        throw FeedError(
                            .referenceIdTaken,
                            "event \(stored.id ?? 0) has the referenceId \"\(uid.excerpt(60))\"; update it, or give another referenceId")
                    }
                    var vevent = Component(name: "VEVENT", properties: [ContentLine(name: "UID", value: TextValue.escape(uid))])
                    try fields.apply(to: &vevent, stored: nil, owner: owner)
                    return (type, [vevent])
                },
                then: { transaction, _ in
                    guard let event = try transaction.event(partnerId: partnerId, referenceId: uid) else {
                        throw FeedError(.internalError, "the event added as \(uid.excerpt(60)) cannot be read back")
                    }
                    return event
                })
        }
    }

    /// Changes the partner's stored event `id` (not deleted) by `edit`, given the VEVENT that makes it again and the event
    /// as stored, and gives the event as it then stands.
    func change(
        _ call: ServiceCall, id: Int64, edit: @escaping @Sendable (inout Component, ScheduleEvent) throws -> Void
    ) async throws -> ScheduleEvent {
        let partnerId = try call.requireCaller().partnerId
        return try await context.write(call, ids: { [$0.id ?? id] }) { editor in
            try await editor.writeEvents(
                partnerId: partnerId,
                compose: { transaction in
                    let stored = try Self.stored(id, partnerId: partnerId, transaction)
                    var calendar = try ScheduleEditor.storedCalendar(of: stored)
                    // The type is the stored one, given to the job: a file may not state a blackout's.
                    calendar.event.remove("X-KALTURA-TYPE")
                    try edit(&calendar.event, stored)
                    // A VEVENT that no longer repeats has no instances to override: the event is single again.
                    if calendar.event.property("RRULE") == nil && calendar.event.property("RDATE") == nil { calendar.overrides = [] }
                    return (stored.type, calendar.components)
                },
                then: { transaction, _ in try Self.stored(id, partnerId: partnerId, transaction, orDeleted: true) })
        }
    }

    /// The partner's event `id`; `SCHEDULE_EVENT_ID_NOT_FOUND` when it has none, or only a deleted one and `orDeleted` is false.
    static func stored(_ id: Int64, partnerId: Int, _ transaction: any StoreTransaction, orDeleted: Bool = false) throws -> ScheduleEvent {
        guard let event = try transaction.event(partnerId: partnerId, id: id), orDeleted || event.status != .deleted else {
            throw FeedError(.eventNotFound, "Schedule Event id [\(id)] not found")
        }
        return event
    }
}

import ICalendar
import Schedule
import ScheduleStore

/// Checks the X-KALTURA-* values of a VEVENT that name stored things: the event, its series and its resources.
///
/// - `X-KALTURA-ID` must name an event of the partner with the VEVENT's UID: an occurrence for a
///   RECURRENCE-ID override, a series or single event otherwise.
/// - `X-KALTURA-PARENT-ID` must name a series of the partner, and only an override (with the same UID) may name one.
/// - Each of `X-KALTURA-RESOURCE-IDS` must be a resource of the partner that is not deleted.
///
/// Resource answers are kept for the rest of the job.
final class ReferenceChecker {
    private let transaction: any StoreTransaction
    private let partnerId: Int
    private var resources: [Int64: Bool] = [:]

    /// Creates a checker for one job's transaction.
    init(transaction: any StoreTransaction, partnerId: Int) {
        self.transaction = transaction
        self.partnerId = partnerId
    }

    /// Throws the first reference of `mapped` that names nothing it may name.
    func check(_ mapped: MappedEvent, isOverride: Bool) throws {
        let uid = mapped.event.referenceId
        if let id = mapped.kaltura.id {
            guard let stored = try transaction.event(partnerId: partnerId, id: id) else {
                throw ValidationError(.idNotFound, "X-KALTURA-ID \(id) names no event of partner \(partnerId)")
            }
            guard stored.referenceId == uid, (stored.recurrenceType == .recurrence) == isOverride else {
                let what = stored.recurrenceType == .recurrence ? "an occurrence" : "a series or single event"
                throw ValidationError(
                    .idMismatch, "X-KALTURA-ID \(id) names \(what) with UID \"\(excerpt(stored.referenceId, limit: 60))\", not this VEVENT")
            }
        }
        if let parentId = mapped.kaltura.parentId {
            guard let parent = try transaction.event(partnerId: partnerId, id: parentId), parent.recurrenceType == .recurring else {
                throw ValidationError(.parentNotFound, "X-KALTURA-PARENT-ID \(parentId) names no series of partner \(partnerId)")
            }
            guard isOverride, parent.referenceId == uid else {
                throw ValidationError(
                    .parentMismatch,
                    "X-KALTURA-PARENT-ID \(parentId) names the series \"\(excerpt(parent.referenceId, limit: 60))\"; only an "
                        + "override of that series (same UID, with RECURRENCE-ID) may name it")
            }
        }
        for resourceId in mapped.kaltura.resourceIds ?? [] where try !isLiveResource(resourceId) {
            throw ValidationError(
                .unknownResource, "X-KALTURA-RESOURCE-IDS names \(resourceId), which is no resource of partner \(partnerId)")
        }
    }

    private func isLiveResource(_ id: Int64) throws -> Bool {
        if let known = resources[id] { return known }
        let live = try transaction.resource(partnerId: partnerId, id: id).map { $0.status != .deleted } ?? false
        resources[id] = live
        return live
    }
}

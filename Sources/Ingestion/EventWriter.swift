import Schedule
import ScheduleStore

/// Writes the events a job decided on, inside its transaction, and says what each write was.
///
/// A write that would change nothing is not made (`unchanged`). Every event it adds or changes while active (not a
/// series row) is remembered as it last stands, so the job can look for its conflicts once everything is written.
final class EventWriter {
    /// What happened to the occurrences of one series.
    struct OccurrenceOutcome {
        /// The counts for the series' report row.
        var counts = OccurrenceCounts()
        /// Each planned occurrence's id and result, by recurrence key.
        var byKey: [String: (id: Int64, result: ItemResult)] = [:]
    }

    let transaction: any StoreTransaction
    /// The events added or changed while active (not series rows), as they last stand, in the order first written. One
    /// no longer active is kept in its place without length, which the conflict sweep passes over.
    private var conflictSubjects: [ConflictSweep.Subject] = []
    /// Where each of `conflictSubjects` is, by event id.
    private var subjectIndex: [Int64: Int] = [:]

    /// The events whose conflicts to seek (see `conflictSubjects`), handed over once the job has written everything:
    /// the writer forgets them, and where each was, so that the conflict sweep does not hold them twice.
    func takeConflictSubjects() -> [ConflictSweep.Subject] {
        defer { (conflictSubjects, subjectIndex) = ([], [:]) }
        return conflictSubjects
    }

    /// Creates a writer over one transaction.
    init(transaction: any StoreTransaction) {
        self.transaction = transaction
    }

    /// Adds `event`, or overwrites `stored` with it; returns the result and the event's id.
    func upsert(_ event: ScheduleEvent, stored: ScheduleEvent?) throws -> (result: ItemResult, id: Int64) {
        guard var stored else {
            let id = try transaction.insert(event)
            touch(id, event)
            return (Self.result(of: event.status, was: nil), id)
        }
        let id = stored.id!
        if stored.hasSameContent(as: event) { return (.unchanged, id) }
        let before = stored.status
        stored = event
        stored.id = id
        try transaction.update(stored)
        touch(id, event)
        return (Self.result(of: event.status, was: before), id)
    }

    /// Brings the `stored` occurrences of series `seriesId` to `planned`: pairs them (`OccurrenceMatcher`),
    /// updates the changed, adds the new, and cancels the active ones the series no longer has.
    func applyOccurrences(_ planned: [ScheduleEvent], seriesId: Int64, stored: [ScheduleEvent]) throws -> OccurrenceOutcome {
        let match = OccurrenceMatcher.match(stored: stored, new: planned)
        var outcome = OccurrenceOutcome()
        func record(_ key: String, _ written: (result: ItemResult, id: Int64)) {
            outcome.counts.count(written.result)
            outcome.byKey[key] = (written.id, written.result)
        }
        for (stored, new) in match.pairs {
            var occurrence = new
            occurrence.parentId = seriesId
            record(new.recurrenceKey, try upsert(occurrence, stored: stored))
        }
        for new in match.added {
            var occurrence = new
            occurrence.parentId = seriesId
            record(new.recurrenceKey, try upsert(occurrence, stored: nil))
        }
        for var stored in match.removed where stored.status == .active {
            stored.status = .cancelled
            try transaction.update(stored)
            touch(stored.id!, stored)
            outcome.counts.count(.cancelled)
        }
        return outcome
    }

    /// The result of writing an event with `status` over one that had `was` (nil: none stored).
    private static func result(of status: EventStatus, was: EventStatus?) -> ItemResult {
        switch status {
        case .cancelled where was != .cancelled: .cancelled
        case .deleted where was != .deleted: .deleted
        default: was == nil ? .added : .updated
        }
    }

    /// Records a write: a known event's state is brought up to date, a new one is remembered while active and not a series.
    private func touch(_ id: Int64, _ event: ScheduleEvent) {
        let live = event.status == .active && event.recurrenceType != .recurring
        var subject = ConflictSweep.Subject(
            id: id, start: event.startDate, end: event.endDate, isBlackout: event.type == .blackout, resourceIds: event.resourceIds)
        if let index = subjectIndex[id] {
            if !live { subject.end = subject.start }
            conflictSubjects[index] = subject
        } else if live {
            subjectIndex[id] = conflictSubjects.count
            conflictSubjects.append(subject)
        }
    }
}

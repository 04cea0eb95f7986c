import Foundation
import Schedule
import TestSupport
import Testing

@testable import ScheduleStore

/// The job's conflict sweep against the per-event search it replaced (a query per event and related resource), on
/// random schedules of rooms, cameras in them, deleted resources, blackouts, series with occurrences, cancelled and
/// zero-length events, another partner's events, and a stored event and a job's event longer than the look-behind.
@Suite struct ConflictSweepTests {
    /// The conflicts of `subjects` as the job found them before the sweep: per event, its overlaps on each resource,
    /// the resource's parent and its children, then the blackouts (a blackout: every event), each event once; then
    /// each pair once, as first found.
    static func perEventSearch(_ transaction: SQLiteTransaction, subjects: [Int64], partnerId: Int, lookBehind: Int64) throws
        -> [ConflictReport]
    {
        var reports: [ConflictReport] = []
        for id in subjects {
            guard let event = try transaction.event(partnerId: partnerId, id: id), event.status == .active,
                event.recurrenceType != .recurring, event.endDate > event.startDate
            else { continue }
            let search = ConflictSearch(
                reader: SQLiteReader(db: transaction.db), partnerId: partnerId, lookBehind: lookBehind, ignoring: id)
            let overlaps =
                event.type == .blackout
                ? try search.events(start: event.startDate, end: event.endDate)
                : try search.onResources(event.resourceIds, start: event.startDate, end: event.endDate)
                    + search.blackouts(start: event.startDate, end: event.endDate)
            var seen: Set<Int64> = []
            reports += overlaps.filter { seen.insert($0.eventId).inserted }.map {
                ConflictReport(
                    eventId: id, otherEventId: $0.eventId, resourceId: $0.resourceId, start: max(event.startDate, $0.start),
                    end: min(event.endDate, $0.end))
            }
        }
        var pairs: Set<[Int64]> = []
        return reports.filter { pairs.insert([min($0.eventId, $0.otherEventId), max($0.eventId, $0.otherEventId)]).inserted }
    }

    @Test(arguments: 1...12)
    func theSweepReportsWhatThePerEventSearchFound(seed: UInt64) async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/s.sqlite")
        let (sweep, oracle, subjects) = try await store.write { transaction in
            var random = SeededGenerator(seed: seed)
            let hour: Int64 = 3_600
            let lookBehind = 3 * hour
            let base: Int64 = 1_751_360_400  // 2025-07-01T09:00:00Z
            // Rooms, cameras in some of them (a deleted one among each), and another partner's room.
            var resources: [Int64] = []
            for room in 0..<Int.random(in: 2...5, using: &random) {
                let roomId = try transaction.insert(
                    ScheduleResource(partnerId: 5, status: room == 1 ? .deleted : .active, name: "room \(room)"))
                resources.append(roomId)
                for camera in 0..<Int.random(in: 0...3, using: &random) {
                    resources.append(
                        try transaction.insert(
                            ScheduleResource(
                                partnerId: 5, type: .camera, status: camera == 2 ? .deleted : .active, name: "camera \(room).\(camera)",
                                parentId: roomId)))
                }
            }
            let foreign = try transaction.insert(ScheduleResource(partnerId: 6, name: "elsewhere"))
            func randomEvent(_ uid: String, partner: Int = 5) -> ScheduleEvent {
                let start = base + Int64.random(in: 0..<96, using: &random) * 900
                let length = [0, 900, 1_800, hour, 2 * hour, 3 * hour].randomElement(using: &random)!
                let blackout = Int.random(in: 0..<10, using: &random) == 0
                let status: EventStatus = Int.random(in: 0..<8, using: &random) == 0 ? .cancelled : .active
                let linked =
                    blackout ? [] : (0..<Int.random(in: 0...3, using: &random)).map { _ in resources.randomElement(using: &random)! }
                return ScheduleEvent(
                    partnerId: partner, referenceId: uid, type: blackout ? .blackout : .record, status: status, startDate: start,
                    endDate: start + length, resourceIds: partner == 5 ? linked : [foreign])
            }
            // What was stored before the job: events, a series row with its occurrences, another partner's events, and one
            // event longer than the look-behind (which neither way may see before its start window).
            for index in 0..<Int.random(in: 20...60, using: &random) {
                _ = try transaction.insert(randomEvent("stored-\(index)"))
            }
            for index in 0..<10 { _ = try transaction.insert(randomEvent("foreign-\(index)", partner: 6)) }
            var long = randomEvent("long")
            (long.startDate, long.endDate, long.status, long.type) = (base - 4 * hour, base + 20 * hour, .active, .record)
            long.resourceIds = Array(resources.prefix(2))
            _ = try transaction.insert(long)
            var series = randomEvent("series")
            series.recurrenceType = .recurring
            series.status = .active
            let seriesId = try transaction.insert(series)
            var subjects: [Int64] = []
            for index in 0..<4 {
                var occurrence = randomEvent("series")
                (occurrence.recurrenceType, occurrence.parentId, occurrence.recurrenceKey) = (.recurrence, seriesId, "key\(index)")
                let id = try transaction.insert(occurrence)
                if index.isMultiple(of: 2) { subjects.append(id) }
            }
            // The job's events, in a random order, with a stored event it changed.
            for index in 0..<Int.random(in: 10...50, using: &random) {
                subjects.append(try transaction.insert(randomEvent("job-\(index)")))
            }
            // A job event longer than the look-behind: it finds events that cannot find it, so which of a pair tells it
            // depends on the order of the two.
            var longer = randomEvent("job-long")
            (longer.endDate, longer.status, longer.type) = (longer.startDate + 7 * hour, .active, .record)
            longer.resourceIds = Array(resources.shuffled(using: &random).prefix(2))
            subjects.append(try transaction.insert(longer))
            var changed = try #require(try transaction.event(partnerId: 5, referenceId: "stored-0"))
            changed.status = .active
            try transaction.update(changed)
            subjects.append(changed.id!)
            // Stored events the job cancelled or made a blackout are no candidates any more (their links must say so).
            for (uid, blackout) in [("stored-1", false), ("stored-2", true)] {
                var retired = try #require(try transaction.event(partnerId: 5, referenceId: uid))
                (retired.status, retired.type) = blackout ? (.active, .blackout) : (.cancelled, retired.type)
                try transaction.update(retired)
            }
            subjects.shuffle(using: &random)
            let sqlite = transaction as! SQLiteTransaction
            let active = try subjects.compactMap { id -> ConflictSweep.Subject? in
                let event = try #require(try transaction.event(partnerId: 5, id: id))
                guard event.status == .active else { return nil }
                return ConflictSweep.Subject(
                    id: id, start: event.startDate, end: event.endDate, isBlackout: event.type == .blackout, resourceIds: event.resourceIds)
            }
            // Spooled past four conflicts, so the file behind a large job's list is read back here as well.
            var spool = ConflictList.Writer(memoryLimit: 4)
            try transaction.conflicts(of: active, partnerId: 5, lookBehind: lookBehind) { try spool.append($0) }
            return (
                Array(try spool.finish()),
                try Self.perEventSearch(sqlite, subjects: subjects, partnerId: 5, lookBehind: lookBehind), active.count
            )
        }
        #expect(subjects > 5)
        #expect(!oracle.isEmpty, "the schedule has conflicts to find")
        #expect(sweep == oracle)
    }

    @Test("an event on a camera clashes with its room's and its sibling cameras' do not; a blackout with every event")
    func relationsAndBlackouts() {
        let subjects = [
            ConflictSweep.Subject(id: 1, start: 100, end: 200, isBlackout: false, resourceIds: [11, 11]),
            ConflictSweep.Subject(id: 2, start: 150, end: 160, isBlackout: true, resourceIds: []),
            ConflictSweep.Subject(id: 3, start: 500, end: 500, isBlackout: false, resourceIds: [10]),
        ]
        var sweep = ConflictSweep(
            subjects: subjects, lookBehind: 50,
            relations: [
                11: ConflictSweep.Relations(parent: 10, children: []), 10: ConflictSweep.Relations(parent: nil, children: [11, 12]),
            ])
        #expect(sweep.windows.map(\.resourceId) == [10, 11], "a zero-length event searches nothing")
        #expect(sweep.windows.first { $0.resourceId == 10 }.map { ($0.from, $0.to) } ?? (0, 0) == (50, 200))
        #expect(sweep.blackoutSubjects == [1])
        sweep.add(
            [ConflictSweep.Candidate(id: 1, start: 100, end: 200), ConflictSweep.Candidate(id: 4, start: 190, end: 300)], onResource: 11)
        sweep.add(
            [ConflictSweep.Candidate(id: 5, start: 60, end: 100), ConflictSweep.Candidate(id: 6, start: 60, end: 101)], onResource: 10)
        sweep.addBlackouts([ConflictSweep.Candidate(id: 2, start: 150, end: 160)])
        sweep.add(
            [ConflictSweep.Candidate(id: 1, start: 100, end: 200), ConflictSweep.Candidate(id: 7, start: 155, end: 156)], duringBlackout: 1)
        var reports: [ConflictReport] = []
        sweep.reports { reports.append($0) }
        #expect(
            reports.map { [$0.eventId, $0.otherEventId, $0.resourceId ?? 0] } == [
                [1, 4, 11], [1, 6, 10], [1, 2, 0], [2, 7, 0],
            ],
            "the blackout's clash with event 1 is reported once, from event 1")
    }
}

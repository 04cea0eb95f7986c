/// The conflicts (SPEC §3.4) of the events a job wrote, found for all of them at once: one read of candidates per
/// resource and one of blackouts, each sorted by start, then a binary search per event and resource, O(n log n + k)
/// where the old way was a query per event and resource.
///
/// It reports exactly what the per-event search (`ConflictSearch`) reports, in the same order: the subjects in the order
/// given; for each, the events on each of its resources (ascending), then on that resource's parent, then on its
/// children, then the blackouts (a blackout subject: every event), each by start then id; an event once per subject,
/// and each pair of events once, as first found.
///
/// The store does the reads: `windows` says which resources to read over which times, and the reads are fed back with
/// `add(_:onResource:)`, `addBlackouts(_:)` and `add(_:duringBlackout:)`, in any order.
public struct ConflictSweep {
    /// An event whose conflicts are sought: active, not a series row. One without length has none and is passed over.
    public struct Subject: Equatable, Sendable {
        /// The event's id.
        public var id: Int64
        /// Its start, in seconds since 1970.
        public var start: Int64
        /// Its end, in seconds since 1970.
        public var end: Int64
        /// Whether it is a blackout.
        public var isBlackout: Bool
        /// Its resources, ascending and without repeats.
        public var resourceIds: [Int64]

        /// Creates a subject; `resourceIds` are sorted and their repeats dropped (an array that already is, is kept as
        /// given, so the occurrences of a series share one).
        public init(id: Int64, start: Int64, end: Int64, isBlackout: Bool, resourceIds: [Int64]) {
            self.id = id
            self.start = start
            self.end = end
            self.isBlackout = isBlackout
            self.resourceIds =
                zip(resourceIds, resourceIds.dropFirst()).allSatisfy { $0 < $1 } ? resourceIds : Array(Set(resourceIds)).sorted()
        }
    }

    /// A stored event that may overlap a subject: active, not a series row.
    public struct Candidate: Equatable, Sendable {
        /// The event's id.
        public var id: Int64
        /// Its start, in seconds since 1970.
        public var start: Int64
        /// Its end, in seconds since 1970.
        public var end: Int64

        /// Creates a candidate.
        public init(id: Int64, start: Int64, end: Int64) {
            self.id = id
            self.start = start
            self.end = end
        }
    }

    /// The resources a search on one resource also reads: its parent (nil when it has none, or is deleted) and its
    /// children that are not deleted, ascending.
    public struct Relations: Equatable, Sendable {
        /// The parent, unless the resource is deleted.
        public var parent: Int64?
        /// The children that are not deleted, ascending.
        public var children: [Int64]

        /// Creates the relations of a resource.
        public init(parent: Int64?, children: [Int64]) {
            self.parent = parent
            self.children = children
        }
    }

    /// A read the store must make: the candidates on `resourceId` that start in `from..<to`.
    public struct Window: Equatable, Sendable {
        /// The resource whose linked events to read.
        public var resourceId: Int64
        /// The earliest start to read.
        public var from: Int64
        /// The start to read up to, excluded.
        public var to: Int64
    }

    /// Candidates read for one search, sorted by start then id, with how long the longest of them lasts.
    private struct Sorted {
        let candidates: [Candidate]
        let longest: Int64

        init(_ candidates: [Candidate]) {
            self.candidates = candidates
            longest = candidates.reduce(0) { max($0, $1.end - $1.start) }
        }

        /// Whether `candidates`, sorted by start then id, hold `candidate`.
        static func contains(_ candidates: [Candidate], _ candidate: Candidate) -> Bool {
            var index = ConflictSweep.firstIndex(in: candidates, startingFrom: candidate.start)
            while index < candidates.count, candidates[index].start == candidate.start {
                if candidates[index].id == candidate.id { return true }
                index += 1
            }
            return false
        }
    }

    private let subjects: [Subject]
    private let lookBehind: Int64
    private let relations: [Int64: Relations]
    /// The candidates read per resource.
    private var onResource: [Int64: Sorted] = [:]
    /// The blackouts read.
    private var blackouts = Sorted([])
    /// The overlaps of each blackout subject, found as its events are added, by the subject's index.
    private var duringBlackout: [Int: [Candidate]] = [:]

    /// The reads to make: per resource, the times any of its searches may find.
    public let windows: [Window]
    /// The times within which the blackouts must be read (nil: no subject needs them).
    public let blackoutWindow: (from: Int64, to: Int64)?
    /// The indexes in the subjects of the blackouts, each of which needs the events during it
    /// (`add(_:duringBlackout:)`).
    public let blackoutSubjects: [Int]

    /// Plans the searches of `subjects`, whose conflicts are sought among events that start at most `lookBehind`
    /// seconds before them; `relations` holds those of every resource of a subject (none: no parent, no children).
    public init(subjects: [Subject], lookBehind: Int64, relations: [Int64: Relations]) {
        self.subjects = subjects
        self.lookBehind = lookBehind
        self.relations = relations
        var blackoutSubjects: [Int] = []
        var ranges: [Int64: (from: Int64, to: Int64)] = [:]
        var blackoutWindow: (from: Int64, to: Int64)?
        func widen(_ window: (from: Int64, to: Int64)?, _ subject: Subject) -> (from: Int64, to: Int64) {
            (min(window?.from ?? .max, subject.start - lookBehind), max(window?.to ?? .min, subject.end))
        }
        for (index, subject) in subjects.enumerated() where subject.end > subject.start {
            guard !subject.isBlackout else {
                blackoutSubjects.append(index)
                continue
            }
            Self.searches(of: subject, relations: relations) { resource, _ in ranges[resource] = widen(ranges[resource], subject) }
            blackoutWindow = widen(blackoutWindow, subject)
        }
        self.blackoutSubjects = blackoutSubjects
        self.blackoutWindow = blackoutWindow
        windows = ranges.keys.sorted().map { Window(resourceId: $0, from: ranges[$0]!.from, to: ranges[$0]!.to) }
    }

    /// Takes the non-blackout candidates linked to `resourceId` within its window, sorted by start then id.
    public mutating func add(_ candidates: [Candidate], onResource resourceId: Int64) {
        onResource[resourceId] = Sorted(candidates)
    }

    /// Takes the blackouts within `blackoutWindow`, sorted by start then id.
    public mutating func addBlackouts(_ blackouts: [Candidate]) {
        self.blackouts = Sorted(blackouts)
    }

    /// Takes the non-blackout events that may overlap the blackout subject at `index` (those starting in its
    /// `start - lookBehind ..< end`), sorted by start then id.
    public mutating func add(_ events: [Candidate], duringBlackout index: Int) {
        var overlaps: [Candidate] = []
        Self.overlaps(of: subjects[index], among: Sorted(events), lookBehind: lookBehind) { overlaps.append($0) }
        duringBlackout[index] = overlaps
    }

    /// Hands `emit` the conflicts found, in the order of the per-event search, each pair once; the candidates read are
    /// given up.
    ///
    /// Subjects are taken in order, each with its searches in order, each search's candidates by start then id, so
    /// no overlap is held beyond the subject it is found for. A pair is told by the first of its events to find the
    /// other: when a subject finds an earlier subject, it asks whether that one found it (`finds`), rather than
    /// remembering every pair told. The subjects' ids must differ.
    public mutating func reports(_ emit: (ConflictReport) throws -> Void) rethrows {
        var place: [Int64: Int] = [:]
        for (index, subject) in subjects.enumerated() where subject.end > subject.start { place[subject.id] = index }
        var seen: Set<Int64> = []
        defer { (onResource, blackouts, duringBlackout) = ([:], Sorted([]), [:]) }
        for (index, subject) in subjects.enumerated() where subject.end > subject.start {
            seen.removeAll(keepingCapacity: true)
            func report(_ other: Candidate, on reported: Int64?) throws {
                guard seen.insert(other.id).inserted else { return }
                if let earlier = place[other.id], earlier < index,
                    finds(earlier, Candidate(id: subject.id, start: subject.start, end: subject.end))
                {
                    return
                }
                try emit(
                    ConflictReport(
                        eventId: subject.id, otherEventId: other.id, resourceId: reported,
                        start: max(subject.start, other.start), end: min(subject.end, other.end)))
            }
            guard !subject.isBlackout else {
                for other in duringBlackout[index] ?? [] { try report(other, on: nil) }
                continue
            }
            try Self.searches(of: subject, relations: relations) { resource, reported in
                guard let candidates = onResource[resource] else { return }
                try Self.overlaps(of: subject, among: candidates, lookBehind: lookBehind) { try report($0, on: reported) }
            }
            try Self.overlaps(of: subject, among: blackouts, lookBehind: lookBehind) { try report($0, on: nil) }
        }
    }

    /// Whether the subject at `index` finds `other` among what it searches.
    private func finds(_ index: Int, _ other: Candidate) -> Bool {
        let subject = subjects[index]
        if subject.isBlackout {
            return Sorted.contains(duringBlackout[index] ?? [], other)
        }
        var found = Self.finds(subject, other, among: blackouts, lookBehind: lookBehind)
        Self.searches(of: subject, relations: relations) { resource, _ in
            guard !found, let candidates = onResource[resource] else { return }
            found = Self.finds(subject, other, among: candidates, lookBehind: lookBehind)
        }
        return found
    }

    /// Whether `other` is among `sorted` and overlaps `subject` as `overlaps(of:among:lookBehind:_:)` tells.
    private static func finds(_ subject: Subject, _ other: Candidate, among sorted: Sorted, lookBehind: Int64) -> Bool {
        other.start >= subject.start - min(lookBehind, sorted.longest) && other.start < subject.end && other.end > subject.start
            && other.id != subject.id && Sorted.contains(sorted.candidates, other)
    }

    /// Calls `body` with each resource search of a non-blackout subject, in the order of the report: the resource to
    /// read and the one a clash found there is reported on. For each of its resources: the resource itself, its parent,
    /// then its children (reported on the resource).
    private static func searches(of subject: Subject, relations: [Int64: Relations], _ body: (Int64, Int64) throws -> Void) rethrows {
        for resource in subject.resourceIds {
            try body(resource, resource)
            if let parent = relations[resource]?.parent { try body(parent, parent) }
            for child in relations[resource]?.children ?? [] { try body(child, resource) }
        }
    }

    /// Calls `body` with each of `sorted` that overlaps `subject`: those that start in `start - lookBehind ..< end` and
    /// end after its start, but the subject itself (which, not being a series, has no occurrences to leave out).
    private static func overlaps(of subject: Subject, among sorted: Sorted, lookBehind: Int64, _ body: (Candidate) throws -> Void) rethrows
    {
        let candidates = sorted.candidates
        // A candidate that starts more than the longest of them lasts before the subject ends before it.
        var index = firstIndex(in: candidates, startingFrom: subject.start - min(lookBehind, sorted.longest))
        while index < candidates.count, candidates[index].start < subject.end {
            let candidate = candidates[index]
            if candidate.end > subject.start, candidate.id != subject.id { try body(candidate) }
            index += 1
        }
    }

    /// The index of the first candidate that starts at or after `time`.
    private static func firstIndex(in candidates: [Candidate], startingFrom time: Int64) -> Int {
        var low = 0
        var high = candidates.count
        while low < high {
            let middle = (low + high) / 2
            if candidates[middle].start < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

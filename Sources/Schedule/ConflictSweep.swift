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

    /// One search of a subject: on a resource (reported on `reported`), or among the blackouts.
    private struct Search {
        var subject: Int
        /// Its place among the subject's searches, for the order of the report.
        var rank: Int
        var reported: Int64?
    }

    /// Two numbers, as a set's element without an array's allocation.
    private struct Pair: Hashable {
        var first: Int64
        var second: Int64

        init(_ first: Int64, _ second: Int64) {
            self.first = first
            self.second = second
        }
    }

    /// One overlap found, with what orders it in the report.
    private struct Found {
        var subject: Int
        var rank: Int
        var candidate: Candidate
        var reported: Int64?
    }

    private let subjects: [Subject]
    private let lookBehind: Int64
    /// The resource searches, by the resource whose candidates they read.
    private let searches: [Int64: [Search]]
    /// The subjects that are not blackouts, which the blackouts are searched for, with their rank.
    private let blackoutSearches: [Search]
    private var found: [Found] = []

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
        var searches: [Int64: [Search]] = [:]
        var blackoutSearches: [Search] = []
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
            var rank = 0
            func search(_ resource: Int64, reported: Int64) {
                searches[resource, default: []].append(Search(subject: index, rank: rank, reported: reported))
                ranges[resource] = widen(ranges[resource], subject)
                rank += 1
            }
            for resource in subject.resourceIds {
                search(resource, reported: resource)
                if let parent = relations[resource]?.parent { search(parent, reported: parent) }
                for child in relations[resource]?.children ?? [] { search(child, reported: resource) }
            }
            blackoutSearches.append(Search(subject: index, rank: rank, reported: nil))
            blackoutWindow = widen(blackoutWindow, subject)
        }
        self.searches = searches
        self.blackoutSearches = blackoutSearches
        self.blackoutSubjects = blackoutSubjects
        self.blackoutWindow = blackoutWindow
        windows = ranges.keys.sorted().map { Window(resourceId: $0, from: ranges[$0]!.from, to: ranges[$0]!.to) }
    }

    /// Takes the non-blackout candidates linked to `resourceId` within its window, sorted by start then id.
    public mutating func add(_ candidates: [Candidate], onResource resourceId: Int64) {
        let longest = Self.longest(candidates)
        for search in searches[resourceId] ?? [] {
            collect(search, among: candidates, longest: longest)
        }
    }

    /// Takes the blackouts within `blackoutWindow`, sorted by start then id.
    public mutating func addBlackouts(_ blackouts: [Candidate]) {
        let longest = Self.longest(blackouts)
        for search in blackoutSearches {
            collect(search, among: blackouts, longest: longest)
        }
    }

    /// Takes the non-blackout events that may overlap the blackout subject at `index` (those starting in its
    /// `start - lookBehind ..< end`), sorted by start then id.
    public mutating func add(_ events: [Candidate], duringBlackout index: Int) {
        collect(Search(subject: index, rank: 0, reported: nil), among: events, longest: Self.longest(events))
    }

    /// The conflicts found, in the order of the per-event search, each pair once. The overlaps found are sorted in
    /// place (a large job finds millions) and given up.
    public mutating func reports() -> [ConflictReport] {
        found.sort {
            ($0.subject, $0.rank, $0.candidate.start, $0.candidate.id) < ($1.subject, $1.rank, $1.candidate.start, $1.candidate.id)
        }
        var subjectIndex = -1
        var seenBySubject: Set<Int64> = []
        var pairs: Set<Pair> = []
        var reports: [ConflictReport] = []
        for overlap in found {
            if overlap.subject != subjectIndex {
                (subjectIndex, seenBySubject) = (overlap.subject, [])
            }
            let subject = subjects[overlap.subject]
            let other = overlap.candidate
            guard seenBySubject.insert(other.id).inserted, pairs.insert(Pair(min(subject.id, other.id), max(subject.id, other.id))).inserted
            else { continue }
            reports.append(
                ConflictReport(
                    eventId: subject.id, otherEventId: other.id, resourceId: overlap.reported,
                    start: max(subject.start, other.start), end: min(subject.end, other.end)))
        }
        found = []
        return reports
    }

    /// Adds the candidates that overlap the search's subject: those that start in `start - lookBehind ..< end` and end
    /// after its start, but the subject itself (which, not being a series, has no occurrences to leave out); `longest`
    /// is the longest any of `candidates` lasts.
    private mutating func collect(_ search: Search, among candidates: [Candidate], longest: Int64) {
        let subject = subjects[search.subject]
        // A candidate that starts more than the longest of them lasts before the subject ends before it.
        var index = Self.firstIndex(in: candidates, startingFrom: subject.start - min(lookBehind, longest))
        while index < candidates.count, candidates[index].start < subject.end {
            let candidate = candidates[index]
            if candidate.end > subject.start, candidate.id != subject.id {
                found.append(Found(subject: search.subject, rank: search.rank, candidate: candidate, reported: search.reported))
            }
            index += 1
        }
    }

    /// How long the longest of `candidates` lasts.
    private static func longest(_ candidates: [Candidate]) -> Int64 {
        candidates.reduce(0) { max($0, $1.end - $1.start) }
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

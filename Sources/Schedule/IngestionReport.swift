import Foundation

/// The report of one bulk-upload job: what happened to the file and to every item in it (SPEC §4).
///
/// Its JSON encoding is a stable interface that tools and tests read; field names never change.
public struct IngestionReport: Codable, Equatable, Sendable {
    /// The file the job read.
    public var file: FileReport
    /// The partner the items belong to.
    public var partnerId: Int
    /// The job kind.
    public var kind: FileKind
    /// When the job started, ISO 8601 UTC.
    public var startedAt: String
    /// When the job finished, ISO 8601 UTC.
    public var finishedAt: String
    /// Whether the file was handled or failed as a whole.
    public var status: ReportStatus
    /// How many items ended in each result, and how many warnings were given.
    public var counts: ReportCounts
    /// One row per item, in file order.
    public var items: ItemList
    /// Committed events that overlap another active event on the same resource.
    public var conflicts: ConflictList
    /// The file-level error code when the whole file failed.
    public var code: String?
    /// The file-level error message when the whole file failed.
    public var message: String?

    /// Creates a report; counts are derived from the items.
    public init(
        file: FileReport, partnerId: Int, kind: FileKind, startedAt: String, finishedAt: String, status: ReportStatus,
        items: ItemList, conflicts: ConflictList = [], code: String? = nil, message: String? = nil
    ) {
        self.file = file
        self.partnerId = partnerId
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.counts = ReportCounts(items)
        self.items = items
        self.conflicts = conflicts
        self.code = code
        self.message = message
    }
}

/// The identity and checksum of a file, as a report gives it.
public struct FileReport: Codable, Equatable, Sendable {
    /// The drop folder's id (`cli` for `scheduledrop ingest`).
    public var folderId: String
    /// The path inside the folder.
    public var path: String
    /// The size in bytes.
    public var size: Int64
    /// The modification time, ISO 8601 UTC with nanoseconds when known.
    public var mtime: String?
    /// The ETag, for object stores.
    public var etag: String?
    /// The SHA-256 of the bytes read, lower-case hex.
    public var sha256: String?

    /// Creates a file report.
    public init(folderId: String, path: String, size: Int64, mtime: String?, etag: String? = nil, sha256: String?) {
        self.folderId = folderId
        self.path = path
        self.size = size
        self.mtime = mtime
        self.etag = etag
        self.sha256 = sha256
    }
}

/// The kind of bulk-upload job a file becomes.
public enum FileKind: String, Codable, Sendable, CaseIterable {
    /// An iCalendar file of events.
    case ical
    /// A CSV file of resources.
    case resourceCsv
}

/// Whether a job handled its file or failed it as a whole.
public enum ReportStatus: String, Codable, Sendable {
    /// The file was read; its valid items are committed.
    case handled
    /// The file failed as a whole; nothing of it is committed.
    case error
}

/// The result of one item.
public enum ItemResult: String, Codable, Sendable, CaseIterable {
    /// A new event or resource was committed.
    case added
    /// An existing one was changed.
    case updated
    /// An event was cancelled.
    case cancelled
    /// A resource was deleted.
    case deleted
    /// The item equals what is stored; nothing was written.
    case unchanged
    /// The item was not applied; `code` and `message` say why.
    case rejected
}

/// A warning attached to an item: a code and a message.
public struct ReportWarning: Codable, Equatable, Sendable {
    /// The stable code.
    public var code: String
    /// The message for people.
    public var message: String

    /// Creates a warning.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// One item's row in a report.
public struct ItemReport: Codable, Equatable, Sendable {
    /// The 1-based line the item starts on.
    public var line: Int
    /// The UID, for events.
    public var uid: String?
    /// What the item asked for: `upsert` or `cancel` for events; the row's action for resources.
    public var action: String
    /// What happened.
    public var result: ItemResult
    /// The id committed, when something was.
    public var id: Int64?
    /// Warnings about the item.
    public var warnings: [ReportWarning]
    /// What few items have, held apart so that a job's list of 100,000 items stays small (nil: none of it).
    private var details: Details?

    /// The system name, for resources.
    public var systemName: String? {
        get { details?.systemName }
        set {
            details = Details(systemName: newValue, code: code, message: message, recurrenceKey: recurrenceKey, occurrences: occurrences)
        }
    }
    /// The rejection code, when rejected.
    public var code: String? {
        get { details?.code }
        set {
            details = Details(
                systemName: systemName, code: newValue, message: message, recurrenceKey: recurrenceKey, occurrences: occurrences)
        }
    }
    /// The rejection message, when rejected.
    public var message: String? {
        get { details?.message }
        set {
            details = Details(systemName: systemName, code: code, message: newValue, recurrenceKey: recurrenceKey, occurrences: occurrences)
        }
    }
    /// For a RECURRENCE-ID override, the key of the occurrence it describes.
    public var recurrenceKey: String? {
        get { details?.recurrenceKey }
        set { details = Details(systemName: systemName, code: code, message: message, recurrenceKey: newValue, occurrences: occurrences) }
    }
    /// For a series, what happened to its occurrences.
    public var occurrences: OccurrenceCounts? {
        get { details?.occurrences }
        set { details = Details(systemName: systemName, code: code, message: message, recurrenceKey: recurrenceKey, occurrences: newValue) }
    }

    /// Creates an item row.
    public init(
        line: Int, uid: String? = nil, systemName: String? = nil, action: String, result: ItemResult, id: Int64? = nil,
        code: String? = nil, message: String? = nil, warnings: [ReportWarning] = [], recurrenceKey: String? = nil,
        occurrences: OccurrenceCounts? = nil
    ) {
        self.line = line
        self.uid = uid
        self.action = action
        self.result = result
        self.id = id
        self.warnings = warnings
        details = Details(systemName: systemName, code: code, message: message, recurrenceKey: recurrenceKey, occurrences: occurrences)
    }

    private enum CodingKeys: String, CodingKey {
        case line, uid, systemName, action, result, id, code, message, warnings, recurrenceKey, occurrences
    }

    /// Reads an item as the report writes it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            line: try container.decode(Int.self, forKey: .line), uid: try container.decodeIfPresent(String.self, forKey: .uid),
            systemName: try container.decodeIfPresent(String.self, forKey: .systemName),
            action: try container.decode(String.self, forKey: .action), result: try container.decode(ItemResult.self, forKey: .result),
            id: try container.decodeIfPresent(Int64.self, forKey: .id), code: try container.decodeIfPresent(String.self, forKey: .code),
            message: try container.decodeIfPresent(String.self, forKey: .message),
            warnings: try container.decode([ReportWarning].self, forKey: .warnings),
            recurrenceKey: try container.decodeIfPresent(String.self, forKey: .recurrenceKey),
            occurrences: try container.decodeIfPresent(OccurrenceCounts.self, forKey: .occurrences))
    }

    /// Writes an item with the report's field names.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(uid, forKey: .uid)
        try container.encodeIfPresent(systemName, forKey: .systemName)
        try container.encode(action, forKey: .action)
        try container.encode(result, forKey: .result)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(code, forKey: .code)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encode(warnings, forKey: .warnings)
        try container.encodeIfPresent(recurrenceKey, forKey: .recurrenceKey)
        try container.encodeIfPresent(occurrences, forKey: .occurrences)
    }

    /// The fields few items have, held by reference and never changed (a change makes new details), so an item without
    /// them costs one pointer for all of them.
    private final class Details: Equatable, Sendable {
        let systemName: String?
        let code: String?
        let message: String?
        let recurrenceKey: String?
        let occurrences: OccurrenceCounts?

        /// The details, or nil when there are none.
        init?(systemName: String?, code: String?, message: String?, recurrenceKey: String?, occurrences: OccurrenceCounts?) {
            guard systemName != nil || code != nil || message != nil || recurrenceKey != nil || occurrences != nil else { return nil }
            self.systemName = systemName
            self.code = code
            self.message = message
            self.recurrenceKey = recurrenceKey
            self.occurrences = occurrences
        }

        static func == (lhs: Details, rhs: Details) -> Bool {
            (lhs.systemName, lhs.code, lhs.message, lhs.recurrenceKey) == (rhs.systemName, rhs.code, rhs.message, rhs.recurrenceKey)
                && lhs.occurrences == rhs.occurrences
        }
    }
}

/// What a job did to the occurrences of one series.
public struct OccurrenceCounts: Codable, Equatable, Sendable {
    /// Occurrences added.
    public var added = 0
    /// Occurrences changed (moved, renamed, re-linked …).
    public var updated = 0
    /// Occurrences cancelled: no longer in the series, or the series was cancelled.
    public var cancelled = 0
    /// Occurrences deleted with their series.
    public var deleted = 0
    /// Occurrences left as they were.
    public var unchanged = 0

    /// No occurrences yet.
    public init() {}

    /// The counts of two sets of occurrences together.
    public static func + (lhs: OccurrenceCounts, rhs: OccurrenceCounts) -> OccurrenceCounts {
        var sum = lhs
        sum.added += rhs.added
        sum.updated += rhs.updated
        sum.cancelled += rhs.cancelled
        sum.deleted += rhs.deleted
        sum.unchanged += rhs.unchanged
        return sum
    }

    /// Counts one occurrence's result.
    public mutating func count(_ result: ItemResult) {
        switch result {
        case .added: added += 1
        case .updated: updated += 1
        case .cancelled: cancelled += 1
        case .deleted: deleted += 1
        case .unchanged, .rejected: unchanged += 1
        }
    }
}

/// How many items ended in each result.
public struct ReportCounts: Codable, Equatable, Sendable {
    /// Items added.
    public var added = 0
    /// Items updated.
    public var updated = 0
    /// Events cancelled.
    public var cancelled = 0
    /// Resources deleted.
    public var deleted = 0
    /// Items equal to what was stored.
    public var unchanged = 0
    /// Items rejected.
    public var rejected = 0
    /// Warnings over all items.
    public var warnings = 0

    /// How many items had `result`.
    public func count(of result: ItemResult) -> Int {
        switch result {
        case .added: added
        case .updated: updated
        case .cancelled: cancelled
        case .deleted: deleted
        case .unchanged: unchanged
        case .rejected: rejected
        }
    }

    /// `added 3, updated 0, cancelled 0, deleted 0, unchanged 1, rejected 2, warnings 0`.
    public var text: String {
        (ItemResult.allCases.map { "\($0.rawValue) \(count(of: $0))" } + ["warnings \(warnings)"]).joined(separator: ", ")
    }

    /// Counts the results of `items`.
    public init(_ items: some Sequence<ItemReport> = [ItemReport]()) {
        for item in items {
            switch item.result {
            case .added: added += 1
            case .updated: updated += 1
            case .cancelled: cancelled += 1
            case .deleted: deleted += 1
            case .unchanged: unchanged += 1
            case .rejected: rejected += 1
            }
            warnings += item.warnings.count
        }
    }
}

/// A committed event that overlaps another active event of the partner on one resource (a camera
/// and its parent room count as one), or that overlaps a blackout (or is one, and overlaps an event).
public struct ConflictReport: Codable, Equatable, Sendable {
    /// The event this file committed.
    public var eventId: Int64
    /// The event it overlaps.
    public var otherEventId: Int64
    /// The resource they share (the room, when one is on a camera of the other's room); nil for a blackout.
    public var resourceId: Int64?
    /// The start of the overlap, in seconds since 1970 (a report may hold millions of conflicts: no text is kept).
    public var start: Int64
    /// The end of the overlap, in seconds since 1970.
    public var end: Int64

    /// The start of the overlap, ISO 8601 UTC, as the report writes it.
    public var from: String { isoTime(start) }
    /// The end of the overlap, ISO 8601 UTC, as the report writes it.
    public var to: String { isoTime(end) }

    /// Creates a conflict row.
    public init(eventId: Int64, otherEventId: Int64, resourceId: Int64?, start: Int64, end: Int64) {
        self.eventId = eventId
        self.otherEventId = otherEventId
        self.resourceId = resourceId
        self.start = start
        self.end = end
    }

    private enum CodingKeys: String, CodingKey {
        case eventId, otherEventId, resourceId, from, to
    }

    /// Reads a conflict as the report writes it, its times as ISO 8601 UTC.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Int64 {
            let text = try container.decode(String.self, forKey: key)
            guard let seconds = isoSeconds(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an ISO 8601 UTC time: \(text)")
            }
            return seconds
        }
        self.init(
            eventId: try container.decode(Int64.self, forKey: .eventId),
            otherEventId: try container.decode(Int64.self, forKey: .otherEventId),
            resourceId: try container.decodeIfPresent(Int64.self, forKey: .resourceId), start: try time(.from), end: try time(.to))
    }

    /// Writes the conflict as the report does, its times as ISO 8601 UTC.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(otherEventId, forKey: .otherEventId)
        try container.encodeIfPresent(resourceId, forKey: .resourceId)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
    }
}

/// A report's conflicts, in report order, spooled to a file when many (`SpooledList`).
public typealias ConflictList = SpooledList<ConflictReport>

/// A report's items, in file order, spooled to a file when many (`SpooledList`).
public typealias ItemList = SpooledList<ItemReport>

extension ConflictReport: SpoolRecord {
    /// Five integers: the event, the other, the resource (`Int64.min` for none), the start and the end.
    public static var spoolSize: Int? { 40 }

    /// Appends the record's bytes.
    public func spool(into bytes: inout SpoolBytes) {
        for value in [eventId, otherEventId, resourceId ?? .min, start, end] { bytes.integer(value) }
    }

    /// Reads a record from what `spool(into:)` wrote.
    public init(unspooling bytes: inout SpoolReader) {
        let (eventId, otherEventId, resourceId) = (bytes.integer(), bytes.integer(), bytes.integer())
        self.init(
            eventId: eventId, otherEventId: otherEventId, resourceId: resourceId == .min ? nil : resourceId, start: bytes.integer(),
            end: bytes.integer())
    }
}

extension ItemReport: SpoolRecord {
    /// Items differ in size.
    public static var spoolSize: Int? { nil }

    /// Appends the record's bytes.
    public func spool(into bytes: inout SpoolBytes) {
        bytes.integer(Int64(line))
        bytes.text(uid)
        bytes.text(action)
        bytes.text(result.rawValue)
        bytes.integer(id == nil ? 0 : 1)
        bytes.integer(id ?? 0)
        bytes.integer(Int64(warnings.count))
        for warning in warnings {
            bytes.text(warning.code)
            bytes.text(warning.message)
        }
        for text in [systemName, code, message, recurrenceKey] { bytes.text(text) }
        bytes.integer(occurrences == nil ? 0 : 1)
        if let occurrences {
            for count in [occurrences.added, occurrences.updated, occurrences.cancelled, occurrences.deleted, occurrences.unchanged] {
                bytes.integer(Int64(count))
            }
        }
    }

    /// Reads a record from what `spool(into:)` wrote.
    public init(unspooling bytes: inout SpoolReader) {
        let line = Int(bytes.integer())
        let (uid, action, result, hasId, id) = (bytes.text(), bytes.text() ?? "", bytes.text() ?? "", bytes.integer() == 1, bytes.integer())
        let warnings = (0..<bytes.integer()).map { _ in ReportWarning(code: bytes.text() ?? "", message: bytes.text() ?? "") }
        let (systemName, code, message, recurrenceKey) = (bytes.text(), bytes.text(), bytes.text(), bytes.text())
        var occurrences: OccurrenceCounts?
        if bytes.integer() == 1 {
            var counts = OccurrenceCounts()
            (counts.added, counts.updated, counts.cancelled, counts.deleted, counts.unchanged) = (
                Int(bytes.integer()), Int(bytes.integer()), Int(bytes.integer()), Int(bytes.integer()), Int(bytes.integer())
            )
            occurrences = counts
        }
        self.init(
            line: line, uid: uid, systemName: systemName, action: action, result: ItemResult(rawValue: result) ?? .rejected,
            id: hasId ? id : nil,
            code: code, message: message, warnings: warnings, recurrenceKey: recurrenceKey, occurrences: occurrences)
    }
}

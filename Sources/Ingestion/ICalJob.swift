import ICalendar
import Schedule
import ScheduleStore

/// Ingests the VEVENTs of an iCalendar file into the store, inside the job's transaction.
///
/// Each VEVENT is one item: new (partner, UID) pairs are added, known ones updated; an item
/// equal to what is stored is `unchanged` and not rewritten; a stored event with a higher
/// SEQUENCE is kept, with a warning. The file's VTIMEZONEs serve the TZIDs they define; other
/// components are passed over. A line that could not be read is a warning on its event (a line of
/// the calendar itself, on the event that follows it, or on the last one).
struct ICalJob {
    let mapper: VEventMapper

    /// Reads the file at `path` and applies every VEVENT; throws for a file that is not readable iCalendar.
    func ingest(path: String, into transaction: any StoreTransaction) throws -> [ItemReport] {
        var reader = CalendarReader(try FileByteSource(path: path))
        var zones = ZoneResolver()
        var items: [ItemReport] = []
        var reported = 0
        while let item = try reader.next() {
            if item.component.name == "VTIMEZONE" {
                // A broken VTIMEZONE is left out; the events that name it are then rejected with ical.unknownTimeZone.
                try? zones.register(item.component)
                continue
            }
            guard item.component.name == "VEVENT" else { continue }
            var report = try apply(item, zones: &zones, transaction: transaction)
            // Lines skipped in the calendar itself (outside any component) are told on the next event.
            let skipped = reader.skippedCalendarLines[reported...] + item.component.skippedLines
            reported = reader.skippedCalendarLines.count
            report.warnings += skipped.map { ReportWarning(code: $0.code.rawValue, message: $0.description) }
            items.append(report)
        }
        if reported < reader.skippedCalendarLines.count, !items.isEmpty {
            items[items.count - 1].warnings += reader.skippedCalendarLines[reported...].map {
                ReportWarning(code: $0.code.rawValue, message: $0.description)
            }
        }
        return items
    }

    private func apply(_ item: CalendarItem, zones: inout ZoneResolver, transaction: any StoreTransaction) throws -> ItemReport {
        let component = item.component
        let uid = component.property("UID").map { TextValue.unescape($0.value) }
        let event: ScheduleEvent
        switch mapper.map(component, calendarProperties: item.calendarProperties, zones: &zones) {
        case .failure(let error):
            return ItemReport(line: component.line, uid: uid, action: "upsert", result: .rejected, code: error.code, message: error.message)
        case .success(let mapped):
            event = mapped
        }
        let action = event.status == .cancelled ? "cancel" : "upsert"
        guard var stored = try transaction.event(partnerId: event.partnerId, referenceId: event.referenceId) else {
            let id = try transaction.insert(event)
            return ItemReport(
                line: component.line, uid: event.referenceId, action: action, result: event.status == .cancelled ? .cancelled : .added,
                id: id)
        }
        let id = stored.id
        if stored.sequence > event.sequence {
            let warning = ValidationError(
                .staleSequence,
                "stored SEQUENCE \(stored.sequence) is higher than the file's \(event.sequence); the event was kept as stored")
            return ItemReport(
                line: component.line, uid: event.referenceId, action: action, result: .unchanged, id: id,
                warnings: [ReportWarning(code: warning.code, message: warning.message)])
        }
        if stored.hasSameContent(as: event) {
            return ItemReport(line: component.line, uid: event.referenceId, action: action, result: .unchanged, id: id)
        }
        let wasCancelled = stored.status == .cancelled
        stored = event
        stored.id = id
        try transaction.update(stored)
        let result: ItemResult = event.status == .cancelled && !wasCancelled ? .cancelled : .updated
        return ItemReport(line: component.line, uid: event.referenceId, action: action, result: result, id: id)
    }
}

import Foundation
import ICalendar
import Schedule

/// Kaltura's bulk-upload log of a job, written beside the JSON report as `<job>-<name>.log.<extension>`.
public struct KalturaLog: Sendable {
    /// The file extension after `.log.`: `csv` for resource files, `ics` for calendars.
    public var `extension`: String
    /// Writes the log's bytes into `sink`, a piece at a time: a log of 100,000 items is never held whole.
    public var write: @Sendable (_ sink: FileByteSink) throws -> Void

    /// Creates a log written by `write`.
    public init(extension: String, write: @escaping @Sendable (_ sink: FileByteSink) throws -> Void) {
        self.extension = `extension`
        self.write = write
    }
}

/// Kaltura's iCal bulk-upload log: a VCALENDAR with one VEVENT per item, in file order.
///
/// Each VEVENT has the item's UID, `X-KALTURA-INDEX` (1-based), `X-KALTURA-LINE`,
/// `X-KALTURA-INGEST-STATUS` (Kaltura's result status: 1 error, 2 OK), `X-KALTURA-INGEST-ACTION`
/// (Kaltura's bulk-upload action: 1 add, 2 update, 3 delete, 6 add or update, 10 cancel),
/// `X-KALTURA-INGEST-RESULT` (our result), `X-KALTURA-ID` when an event was committed, and for a
/// rejection `X-KALTURA-ERROR-CODE` and `X-KALTURA-ERROR-DESCRIPTION`.
enum KalturaICalLog {
    /// The log of `items`, each VEVENT written to the file as it is made.
    static func log(_ items: ItemList) -> KalturaLog {
        KalturaLog(extension: "ics") { sink in try write(items, to: sink) }
    }

    /// Writes the log of `items` into `sink`; every line is built from valid names and escaped text, so only the sink
    /// can fail.
    private static func write(_ items: ItemList, to sink: FileByteSink) throws {
        var writer = CalendarWriter(sink)
        try writer.beginCalendar(properties: [
            ContentLine(name: "VERSION", value: "2.0"), ContentLine(name: "PRODID", value: "-//scheduledrop//bulk upload log//EN"),
        ])
        for (index, item) in items.enumerated() {
            var lines = [
                ContentLine(name: "X-KALTURA-INDEX", value: String(index + 1)),
                ContentLine(name: "X-KALTURA-LINE", value: String(item.line)),
                ContentLine(name: "X-KALTURA-INGEST-STATUS", value: item.result == .rejected ? "1" : "2"),
                ContentLine(name: "X-KALTURA-INGEST-ACTION", value: String(action(item))),
                ContentLine(name: "X-KALTURA-INGEST-RESULT", value: item.result.rawValue),
            ]
            if let uid = item.uid {
                lines.insert(ContentLine(name: "UID", value: TextValue.escape(ControlCharacters.replacing(in: uid))), at: 0)
            }
            if let key = item.recurrenceKey { lines.append(ContentLine(name: "RECURRENCE-ID", value: key)) }
            if let id = item.id { lines.append(ContentLine(name: "X-KALTURA-ID", value: String(id))) }
            if let code = item.code { lines.append(ContentLine(name: "X-KALTURA-ERROR-CODE", value: TextValue.escape(code))) }
            if let message = item.message {
                lines.append(
                    ContentLine(name: "X-KALTURA-ERROR-DESCRIPTION", value: TextValue.escape(ControlCharacters.replacing(in: message))))
            }
            try writer.write(Component(name: "VEVENT", properties: lines))
        }
        try writer.endCalendar()
    }

    /// Kaltura's bulk-upload action code for what happened to an item, or what it asked for when rejected.
    static func action(_ item: ItemReport) -> Int {
        switch item.result {
        case .added: 1
        case .updated, .unchanged: 2
        case .deleted: 3
        case .cancelled: 10
        case .rejected: item.action == "cancel" ? 10 : item.action == "delete" ? 3 : 6
        }
    }
}

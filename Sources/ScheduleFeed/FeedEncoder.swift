import Foundation
import ICalendar
import Schedule

/// Writes feed results in the requested format: Kaltura's JSON and XML shapes, or iCalendar for events.
enum FeedEncoder {
    /// A page of events: a list response, or a VCALENDAR with `X-KALTURA-TOTAL-COUNT`.
    static func events(_ events: [ScheduleEvent], totalCount: Int, format: FeedFormat) throws -> [UInt8] {
        switch format {
        case .ical: try EventCalendar.calendar(events, totalCount: totalCount)
        case .json, .xml:
            list(
                KalturaListResponse(
                    objects: events.map(KalturaObject.init), totalCount: totalCount, objectType: "KalturaScheduleEventListResponse"),
                format: format)
        }
    }

    /// A list response as JSON or XML (iCalendar is refused before a non-event list gets here).
    static func list(_ response: KalturaListResponse, format: FeedFormat) -> [UInt8] {
        format == .json ? response.json() : Array(KalturaXML.document(response).utf8)
    }

    /// One object as JSON, with `extra` members (already JSON) added, or as XML without them.
    static func object(_ object: KalturaObject, format: FeedFormat, extra: [String: Data] = [:]) -> [UInt8] {
        format == .json
            ? object.json(adding: extra.sorted { $0.key < $1.key }.map { (name: $0.key, json: $0.value) })
            : Array(KalturaXML.document(object).utf8)
    }

    /// An error as a `KalturaAPIException` (JSON, XML) or a VCALENDAR holding a `VERROR` (iCalendar).
    static func error(_ error: FeedError, format: FeedFormat) -> [UInt8] {
        switch format {
        case .json:
            return KalturaObject(
                objectType: "KalturaAPIException", fields: ["code": .string(error.code.rawValue), "message": .string(error.message)]
            ).json()
        case .xml:
            return Array(KalturaXML.error(code: error.code.rawValue, message: error.message).utf8)
        case .ical:
            var writer = CalendarWriter()
            let component = Component(
                name: "VERROR",
                properties: [
                    ContentLine(name: "X-KALTURA-CODE", value: TextValue.escape(error.code.rawValue)),
                    ContentLine(name: "X-KALTURA-MESSAGE", value: TextValue.escape(error.message)),
                ])
            try? writer.writeCalendar(
                properties: [
                    ContentLine(name: "VERSION", value: "2.0"), ContentLine(name: "PRODID", value: "-//scheduledrop//schedule//EN"),
                ],
                components: [component])
            return writer.bytes
        }
    }
}

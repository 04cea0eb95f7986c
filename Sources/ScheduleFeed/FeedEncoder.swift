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

    /// The response of one action's result; iCalendar is only for the whole responses of event calls.
    static func response(_ result: ServiceResult, format: FeedFormat) throws(FeedError) -> FeedResponse {
        if case .response(let response) = result { return response }
        try FeedContext.refuseCalendar(format, for: "results of this action")
        let headers = ["Content-Type": format.contentType]
        return switch result {
        case .object(let object, let extra):
            FeedResponse(status: 200, headers: headers, body: self.object(object, format: format, extra: extra))
        case .list(let list): FeedResponse(status: 200, headers: headers, body: self.list(list, format: format))
        case .text(let text):
            FeedResponse(
                status: 200, headers: headers,
                body: format == .json ? jsonString(text) : Array(KalturaXML.document(result: KalturaXML.escape(text)).utf8))
        case .nothing, .response:
            FeedResponse(
                status: 200, headers: headers, body: format == .json ? Array("null".utf8) : Array(KalturaXML.document(result: "").utf8))
        }
    }

    /// The results of a multirequest, in order, as one JSON array or one XML result of `<item>`s; an error is the
    /// item of its call. A whole response (iCalendar …) cannot be an item and is answered as an error.
    static func multi(_ results: [Result<ServiceResult, FeedError>], format: FeedFormat) -> [UInt8] {
        let unnestable = FeedError(.invalidParameter, "this call's result cannot be part of a multirequest; make it alone")
        if format == .json {
            var bytes = Array("[".utf8)
            for (index, result) in results.enumerated() {
                if index > 0 { bytes += Array(",".utf8) }
                switch result {
                case .success(.object(let object, let extra)): bytes += self.object(object, format: .json, extra: extra)
                case .success(.list(let list)): bytes += list.json()
                case .success(.text(let text)): bytes += jsonString(text)
                case .success(.nothing): bytes += Array("null".utf8)
                case .success(.response): bytes += error(unnestable, format: .json)
                case .failure(let failure): bytes += error(failure, format: .json)
                }
            }
            return bytes + Array("]".utf8)
        }
        var xml = ""
        for result in results {
            let inner =
                switch result {
                case .success(.object(let object, _)): KalturaXML.fields(object)
                case .success(.list(let list)): KalturaXML.inner(list)
                case .success(.text(let text)): KalturaXML.escape(text)
                case .success(.nothing): ""
                case .success(.response): KalturaXML.innerError(code: unnestable.reportedCode, message: unnestable.message)
                case .failure(let failure): KalturaXML.innerError(code: failure.reportedCode, message: failure.message)
                }
            xml += "<item>" + inner + "</item>"
        }
        return Array(KalturaXML.document(result: xml).utf8)
    }

    private static func jsonString(_ text: String) -> [UInt8] {
        Array((try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8))
    }

    /// An error as a `KalturaAPIException` (JSON, XML) or a VCALENDAR holding a `VERROR` (iCalendar).
    static func error(_ error: FeedError, format: FeedFormat) -> [UInt8] {
        switch format {
        case .json:
            return KalturaObject(
                objectType: "KalturaAPIException", fields: ["code": .string(error.reportedCode), "message": .string(error.message)]
            ).json()
        case .xml:
            return Array(KalturaXML.error(code: error.reportedCode, message: error.message).utf8)
        case .ical:
            var writer = CalendarWriter()
            let component = Component(
                name: "VERROR",
                properties: [
                    ContentLine(name: "X-KALTURA-CODE", value: TextValue.escape(error.reportedCode)),
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

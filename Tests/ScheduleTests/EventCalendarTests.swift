import Foundation
import FoundationXML
import ICalendar
import Testing

@testable import Schedule

@Suite struct EventCalendarTests {
    private let tricky = "Lecture: a, b; c \\ d\nsecond line " + String(repeating: "é日", count: 40)

    @Test func textSurvivesEscapingAndFoldingAndReadsBack() throws {
        var event = ScheduleEvent(
            id: 7, partnerId: 1, referenceId: "u;1,2", recurrenceType: .recurrence, summary: tricky, startDate: 1_740_819_600,
            endDate: 1_740_823_200, parentId: 3, recurrenceKey: "20250301", tags: "a,b")
        event.updatedAt = 1_740_000_000
        let bytes = try EventCalendar.calendar([event], totalCount: 41)
        #expect(bytes.split(separator: 0x0A).allSatisfy { $0.count <= 76 }, "folded at 75 octets plus CR")
        var reader = CalendarReader(BufferByteSource(bytes))
        let item = try #require(try reader.next())
        #expect(item.calendarProperties.first { $0.name == "X-KALTURA-TOTAL-COUNT" }?.value == "41")
        let vevent = item.component
        #expect(vevent.property("SUMMARY").map { TextValue.unescape($0.value) } == tricky)
        #expect(vevent.property("UID").map { TextValue.unescape($0.value) } == "u;1,2")
        #expect(vevent.property("RECURRENCE-ID")?.parameter("VALUE") == "DATE")
        #expect(vevent.property("X-KALTURA-PARENT-ID")?.value == "3")
        #expect(vevent.property("STATUS")?.value == "CONFIRMED")
    }

    @Test func xmlEscapesMarkupAndDropsWhatXMLCannotCarry() throws {
        let event = ScheduleEvent(
            id: 1, partnerId: 1, referenceId: "<uid & \"more\">", summary: "a\u{01}b 'q' \u{1F393}", startDate: 0, endDate: 60)
        let document = KalturaXML.document(
            KalturaListResponse(objects: [KalturaObject(event)], totalCount: 1, objectType: "KalturaScheduleEventListResponse"))
        let xml = try XMLDocument(data: Data(document.utf8))
        #expect(try xml.nodes(forXPath: "/xml/result/objects/item/referenceId").first?.stringValue == "<uid & \"more\">")
        #expect(try xml.nodes(forXPath: "/xml/result/objects/item/summary").first?.stringValue == "ab 'q' \u{1F393}")
        #expect(try xml.nodes(forXPath: "/xml/result/objects/item/objectType").first?.stringValue == "KalturaRecordScheduleEvent")
    }

    @Test func directJSONEqualsWhatJSONEncoderWrites() throws {
        var event = ScheduleEvent(
            id: 9, partnerId: 4, referenceId: "q\"uote\\back\u{01}", recurrenceType: .recurring, summary: tricky, startDate: -5,
            endDate: 60, tags: "a,b")
        event.resourceIds = [3, 1]
        let response = KalturaListResponse(
            objects: [KalturaObject(event), KalturaObject(ScheduleResource(partnerId: 4, type: .camera, name: "Cam\t1"))], totalCount: 12,
            objectType: "KalturaScheduleEventListResponse")
        let direct = try JSONSerialization.jsonObject(with: Data(response.json())) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(response)) as? NSDictionary
        #expect(direct != nil)
        #expect(direct == encoded)
        let report = Data(#"{"counts": {"added": 1}}"#.utf8)
        let object = try JSONSerialization.jsonObject(with: Data(KalturaObject(event).json(adding: [("report", report)]))) as? [String: Any]
        #expect((object?["report"] as? [String: Any])?["counts"] as? [String: Int] == ["added": 1])
        #expect(object?["referenceId"] as? String == "q\"uote\\back\u{01}")
    }

    /// A Monday series at 09:15 Berlin time from 19 October 2026 (CEST) across the change to CET, with EXDATEs in UTC
    /// and in New York time, an RDATE period, an UNTIL on the local clock, and a CLASS the export gives back.
    private func berlinSeries() throws -> ScheduleEvent {
        let source = try VEventMapper.source(of: [
            Component(
                name: "VEVENT",
                properties: [
                    ContentLine(name: "UID", value: "s"),
                    ContentLine(
                        name: "DTSTART", parameters: [Parameter(name: "TZID", values: ["Europe/Berlin"])], value: "20261019T091500"),
                    ContentLine(name: "DTEND", parameters: [Parameter(name: "TZID", values: ["Europe/Berlin"])], value: "20261019T104500"),
                    ContentLine(name: "RRULE", value: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270208T235959;WKST=SU"),
                    ContentLine(name: "EXDATE", value: "20261102T081500Z"),
                    ContentLine(
                        name: "EXDATE", parameters: [Parameter(name: "TZID", values: ["America/New_York"])], value: "20261221T031500"),
                    ContentLine(
                        name: "RDATE", parameters: [Parameter(name: "VALUE", values: ["PERIOD"])], value: "20261024T080000Z/PT2H"),
                    ContentLine(name: "CLASS", value: "PRIVATE"),
                    ContentLine(name: "X-KALTURA-ID", value: "1"),
                ])
        ])
        return ScheduleEvent(
            id: 1, partnerId: 1, referenceId: "s", recurrenceType: .recurring, startDate: 1_792_394_100, endDate: 1_792_399_500,
            timeZoneID: "Europe/Berlin", recurrenceRule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270208T235959;WKST=SU", source: source)
    }

    @Test func aSeriesIsWrittenInItsZoneWithItsExceptionsAndOneVTimeZone() throws {
        var occurrence = try berlinSeries()
        occurrence.id = 2
        occurrence.parentId = 1
        occurrence.recurrenceType = .recurrence
        occurrence.recurrenceRule = nil
        occurrence.source = nil
        occurrence.recurrenceKey = "20261026T081500Z"
        occurrence.startDate = 1_793_002_500
        occurrence.endDate = 1_793_007_900
        let single = ScheduleEvent(
            id: 3, partnerId: 1, referenceId: "single", startDate: 1_793_002_500, endDate: 1_793_007_900, timeZoneID: "Asia/Tokyo")
        var reader = CalendarReader(BufferByteSource(try EventCalendar.calendar([try berlinSeries(), occurrence, single])))
        var components: [Component] = []
        while let item = try reader.next() { components.append(item.component) }
        #expect(components.map(\.name) == ["VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT", "VEVENT"])
        let zones = components.filter { $0.name == "VTIMEZONE" }.compactMap { $0.property("TZID")?.value }
        #expect(zones == ["Europe/Berlin", "Asia/Tokyo"], "one VTIMEZONE per TZID used; the New York EXDATE is given in Berlin time")
        let series = components[2]
        #expect(series.property("DTSTART")?.parameter("TZID") == "Europe/Berlin")
        #expect(series.property("DTSTART")?.value == "20261019T091500")
        #expect(series.property("DTEND")?.value == "20261019T104500")
        #expect(series.property("RRULE")?.value == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270208T225959Z;WKST=SU", "UNTIL in UTC")
        let exdate = try #require(series.property("EXDATE"))
        #expect(exdate.parameter("TZID") == "Europe/Berlin")
        #expect(exdate.value == "20261102T091500,20261221T091500", "both in Berlin time, after the change to CET")
        let rdate = try #require(series.property("RDATE"))
        #expect(rdate.parameter("TZID") == "Europe/Berlin" && rdate.parameter("VALUE") == "PERIOD")
        #expect(rdate.value == "20261024T100000/PT7200S")
        #expect(series.property("CLASS")?.value == "PRIVATE", "a property no field holds comes back")
        #expect(series.properties(named: "X-KALTURA-ID").count == 1)
        #expect(components[3].property("RECURRENCE-ID")?.parameter("TZID") == "Europe/Berlin")
        #expect(components[3].property("RECURRENCE-ID")?.value == "20261026T091500")
        #expect(components[3].property("DTSTART")?.value == "20261026T091500")
        #expect(components[3].property("X-KALTURA-PARENT-UID")?.value == "s")
        #expect(components[4].property("DTSTART")?.parameter("TZID") == "Asia/Tokyo")
        #expect(components[4].property("DTSTART")?.value == "20261026T171500")

        // The written Berlin zone gives tzdata's offsets on both sides of 25 October 2026.
        let berlin = try VTimeZone(try #require(components.first { $0.property("TZID")?.value == "Europe/Berlin" }))
        #expect(berlin.offset(atInstant: 1_792_394_100) == 7_200 && berlin.offset(atInstant: 1_792_998_900) == 3_600)
    }

    @Test func aSeriesCarriesKalturasRecurrenceObjectInJSONAndXML() throws {
        let object = KalturaObject(try berlinSeries())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(object.json())) as? [String: Any])
        let recurrence = try #require(json["recurrence"] as? [String: Any])
        #expect(recurrence["objectType"] as? String == "KalturaScheduleEventRecurrence")
        #expect(recurrence["frequency"] as? String == "weeks")
        #expect(recurrence["byDay"] as? String == "MO")
        #expect(recurrence["weekStartDay"] as? String == "SU")
        #expect(recurrence["timeZone"] as? String == "Europe/Berlin")
        #expect((recurrence["until"] as? NSNumber)?.int64Value == 1_802_127_599, "23:59:59 Berlin time is 22:59:59Z")
        #expect(recurrence["interval"] == nil && recurrence["count"] == nil && recurrence["name"] == nil)
        #expect((json["classificationType"] as? NSNumber)?.intValue == 2)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(object)) as? NSDictionary
        #expect(encoded == (json as NSDictionary), "direct JSON and JSONEncoder agree on the nested object")

        let xml = try XMLDocument(data: Data(KalturaXML.document(object).utf8))
        #expect(try xml.nodes(forXPath: "/xml/result/recurrence/objectType").first?.stringValue == "KalturaScheduleEventRecurrence")
        #expect(try xml.nodes(forXPath: "/xml/result/recurrence/frequency").first?.stringValue == "weeks")
        #expect(try xml.nodes(forXPath: "/xml/result/recurrence/until").first?.stringValue == "1802127599")
        #expect(KalturaObject(ScheduleEvent(partnerId: 1, referenceId: "one", startDate: 0, endDate: 1)).fields["recurrence"] == nil)
    }
}

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
}

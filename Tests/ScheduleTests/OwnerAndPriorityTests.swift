import ICalendar
import Testing

@testable import Schedule

/// X-KALTURA-OWNER-ID and PRIORITY: read on import, written back in iCalendar and in Kaltura's object.
@Suite struct OwnerAndPriorityTests {
    /// The first VEVENT of `lines` mapped for partner 7, with its warnings.
    private func map(_ lines: [String]) throws -> MappedEvent {
        let text =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n" + lines.map { $0 + "\r\n" }.joined() + "END:VEVENT\r\nEND:VCALENDAR\r\n"
        var reader = CalendarReader(BufferByteSource(text))
        var zones = ZoneResolver()
        let item = try #require(try reader.next())
        return try VEventMapper(partnerId: 7).map(item.component, zones: &zones).get()
    }

    @Test func ownerAndPriorityAreReadWithoutAWarning() throws {
        let mapped = try map([
            "UID:a", "DTSTART:20270301T090000Z", "DTEND:20270301T100000Z", "X-KALTURA-OWNER-ID:jane@example.edu", "PRIORITY:3",
        ])
        #expect(mapped.event.ownerId == "jane@example.edu")
        #expect(mapped.event.priority == 3)
        #expect(mapped.warnings.isEmpty)
    }

    @Test func aPriorityOutsideZeroToNineIsNotRead() throws {
        for value in ["10", "-1", "high"] {
            #expect(try map(["UID:a", "DTSTART:20270301T090000Z", "PRIORITY:\(value)"]).event.priority == nil, "\(value)")
        }
    }

    @Test func ownerAndPriorityAreWrittenBack() throws {
        var event = ScheduleEvent(id: 4, partnerId: 7, referenceId: "a", startDate: 1_800_000_000, endDate: 1_800_003_600)
        event.ownerId = "jane, the owner"
        event.priority = 3
        let text = String(decoding: try EventCalendar.calendar([event]), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").drop { $0 != "BEGIN:VEVENT" }.dropFirst().prefix { $0 != "END:VEVENT" }
        #expect(lines.contains("X-KALTURA-OWNER-ID:jane\\, the owner"))
        #expect(lines.contains("PRIORITY:3"))
        let object = KalturaObject(event)
        #expect(object.fields["ownerId"] == .string("jane, the owner"))
        #expect(object.fields["priority"] == .int(3))
        let reread = try map(Array(lines))
        #expect(reread.event.ownerId == "jane, the owner" && reread.event.priority == 3)
    }
}

import Testing

@testable import Schedule

/// A plain source, one the export writes from the event's fields alone, is told apart without reading it.
@Suite struct EventSourceTests {
    static let plain =
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20261019T091500\r\nDTEND:20261019T101500Z\r\n"
        + "SUMMARY:A long summary folded\r\n  over two lines\r\nORGANIZER:mailto:x@example.edu\r\nX-KALTURA-RESOURCE-IDS:1\r\nEND:VEVENT\r\n"

    @Test("a VEVENT of mapped properties is plain")
    func plain() {
        #expect(EventSource.isPlain(Self.plain))
        #expect(EventSource.isPlain(Self.plain.replacingOccurrences(of: "\r\n", with: "\n")))
        let skipped = EventSource(Self.plain, skippingPlain: true)
        #expect(skipped.plain && skipped.main == nil)
        #expect(EventSource(Self.plain).main?.property("UID")?.value == "a", "read when not asked to skip")
    }

    @Test(
        "anything the fields do not hold makes a source not plain",
        arguments: [
            ("SUMMARY", "CLASS:PRIVATE\r\nSUMMARY"), ("SUMMARY", "X-KALTURA-COLOUR:red\r\nSUMMARY"),
            ("SUMMARY", "EXDATE:20261026T081500Z\r\nSUMMARY"), ("ORGANIZER:", "ORGANIZER;CN=Jane:"),
            ("DTSTART;TZID=Europe/Berlin:20261019T091500", "DTSTART;VALUE=DATE:20261019"),
            ("DTSTART;TZID=Europe/Berlin:20261019T091500", "DTSTART:20261019"),
            ("END:VEVENT", "BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT"),
            ("BEGIN:VEVENT", "BEGIN:VTIMEZONE\r\nTZID:X\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT"),
            ("END:VEVENT\r\n", "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20261026T081500Z\r\nEND:VEVENT\r\n"),
        ])
    func notPlain(_ replacement: (String, String)) {
        let source = Self.plain.replacingOccurrences(of: replacement.0, with: replacement.1)
        #expect(source != Self.plain)
        #expect(!EventSource.isPlain(source), "\(source)")
        #expect(!EventSource(source, skippingPlain: true).plain)
    }

    @Test("a plain source, as stores before plain sources were dropped kept, means what no source means")
    func plainMeansNone() {
        let event = ScheduleEvent(partnerId: 1, referenceId: "a", summary: "x", startDate: 0, endDate: 1)
        var kept = event
        kept.source = Self.plain
        #expect(kept.hasSameContent(as: event) && event.hasSameContent(as: kept), "a re-ingest of an old row is unchanged")
        var classified = event
        classified.source = Self.plain.replacingOccurrences(of: "SUMMARY", with: "CLASS:PRIVATE\r\nSUMMARY")
        #expect(!classified.hasSameContent(as: event) && !event.hasSameContent(as: classified))
        #expect(!classified.hasSameContent(as: kept))
    }

    @Test("a property is found at the start of a line only")
    func hasProperty() {
        #expect(!EventSource.hasProperty(named: ["CLASS", "GEO"], in: Self.plain))
        #expect(EventSource.hasProperty(named: ["CLASS", "GEO"], in: Self.plain + "GEO:1.5;2.5\r\n"))
        #expect(EventSource.hasProperty(named: ["CLASS"], in: "CLASS;X=1:PRIVATE"))
        #expect(!EventSource.hasProperty(named: ["CLASS"], in: "DESCRIPTION:CLASS:PRIVATE\r\nCLASSY:1\r\n"))
    }
}

import Testing

@testable import ICalendar

func calendarItems(_ text: String) throws -> [CalendarItem] {
    var reader = CalendarReader(BufferByteSource(text))
    var items: [CalendarItem] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

@Suite struct CalendarReaderTests {
    @Test func yieldsTopLevelComponentsWithCalendarProperties() throws {
        let items = try calendarItems(
            """
            BEGIN:VCALENDAR
            METHOD:CANCEL
            BEGIN:VTIMEZONE
            TZID:X
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:1
            BEGIN:VALARM
            DESCRIPTION:alarm text
            END:VALARM
            END:VEVENT
            END:VCALENDAR
            """)
        #expect(items.map(\.component.name) == ["VTIMEZONE", "VEVENT"])
        let event = items[1].component
        #expect(event.line == 6)
        #expect(event.property("DESCRIPTION") == nil, "VALARM properties stay in the VALARM")
        #expect(event.components.first?.property("DESCRIPTION")?.value == "alarm text")
        #expect(items[1].calendarProperties.first?.value == "CANCEL")
    }

    @Test func readsSeveralCalendarsInOneStream() throws {
        let items = try calendarItems(
            """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:a
            END:VEVENT
            END:VCALENDAR
            BEGIN:VCALENDAR
            METHOD:PUBLISH
            BEGIN:VEVENT
            UID:b
            END:VEVENT
            END:VCALENDAR
            """)
        #expect(items.map { $0.component.property("UID")?.value } == ["a", "b"])
        #expect(items.map(\.calendarIndex) == [1, 2])
        #expect(items[0].calendarProperties.isEmpty)
    }

    @Test func bareComponentsOutsideAnyCalendarFormImplicitCalendarsAndStrayPropertiesAreSkipped() throws {
        let items = try calendarItems(
            """
            BEGIN:VEVENT
            UID:a
            END:VEVENT
            BEGIN:VEVENT
            UID:b
            END:VEVENT
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:c
            END:VEVENT
            END:VCALENDAR
            X-COMMENT:trailing
            BEGIN:VEVENT
            UID:d
            END:VEVENT
            """)
        #expect(items.map { $0.component.property("UID")?.value } == ["a", "b", "c", "d"])
        #expect(items.map(\.calendarIndex) == [1, 1, 2, 3])
    }

    @Test func aBrokenLineCostsThatLineNotTheFile() throws {
        var reader = CalendarReader(
            BufferByteSource("BEGIN:VCALENDAR\nNO COLON HERE\nBEGIN:VEVENT\nUID:a\nX;BAD\nSUMMARY:kept\nEND:VEVENT\nEND:VCALENDAR\n"))
        let item = try #require(try reader.next())
        #expect(item.component.property("SUMMARY")?.value == "kept")
        #expect(item.component.skippedLines.map(\.code) == [.malformedContentLine])
        #expect(item.component.skippedLines.map(\.line) == [5])
        #expect(reader.skippedCalendarLines.map(\.line) == [2])
        #expect(try reader.next() == nil)
    }

    @Test func dataThatIsNotICalendarIsSaidSo() throws {
        for text in ["junk\n", "SUMMARY:hello\n", "", "\u{FEFF}<html>\n"] {
            let error = #expect(throws: ICalendarError.self) { try calendarItems(text) }
            #expect(error?.code == .notICalendar, "\(text.debugDescription)")
        }
    }

    @Test func mismatchedEndNamesTheLine() throws {
        let error = #expect(throws: ICalendarError.self) {
            try calendarItems("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VTODO\nEND:VCALENDAR\n")
        }
        #expect(error?.code == .mismatchedEnd)
        #expect(error?.line == 4)
    }

    /// Found by the fuzzer: a nested `BEGIN:` without a name, closed by `END:`, made a component the writer cannot write.
    @Test(arguments: ["BEGIN:\nEND:\n", "BEGIN:VALARM\nBEGIN:\nEND:\nEND:VALARM\n"])
    func aNestedComponentWithoutANameIsRefused(nested: String) throws {
        let error = #expect(throws: ICalendarError.self) {
            try calendarItems("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n" + nested + "END:VEVENT\nEND:VCALENDAR\n")
        }
        #expect(error?.code == .malformedContentLine)
        #expect(error?.message == "BEGIN without a component name")
        #expect(error?.line == (nested.hasPrefix("BEGIN:VALARM") ? 5 : 4))
    }

    @Test func truncatedFileIsUnterminated() throws {
        let error = #expect(throws: ICalendarError.self) {
            try calendarItems("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:cut off here")
        }
        #expect(error?.code == .unterminatedComponent)
        #expect(error?.line == 2)
    }

    @Test func calendarWithoutEndIsUnterminated() throws {
        let error = #expect(throws: ICalendarError.self) {
            try calendarItems("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\n")
        }
        #expect(error?.code == .unterminatedComponent)
    }

    @Test func deepNestingIsRefused() throws {
        let depth = 40
        let text =
            "BEGIN:VCALENDAR\n" + String(repeating: "BEGIN:X\n", count: depth) + String(repeating: "END:X\n", count: depth)
            + "END:VCALENDAR\n"
        let error = #expect(throws: ICalendarError.self) { try calendarItems(text) }
        #expect(error?.code == .nestingTooDeep)
    }
}

import Testing

@testable import ICalendar

@Suite struct RecurrenceRuleTests {
    @Test func partsParseInAnyOrderAndCase() throws {
        let rule = try RecurrenceRule(parsing: "byday=-1su,2MO;wkst=su;Freq=Monthly;interval=2;UNTIL=20250301T090000Z;x-extra=1;")
        #expect(rule.frequency == .monthly)
        #expect(rule.interval == 2)
        #expect(rule.until == .utc(LocalDateTime(year: 2025, month: 3, day: 1, hour: 9)))
        #expect(rule.byDay == [.init(.sunday, ordinal: -1), .init(.monday, ordinal: 2)])
        #expect(rule.weekStart == .sunday)
    }

    @Test func textIsCanonical() throws {
        let rule = try RecurrenceRule(parsing: "BYMONTHDAY=15,1,1;FREQ=MONTHLY;COUNT=4;WKST=MO;BYSETPOS=-1;INTERVAL=1")
        #expect(rule.text == "FREQ=MONTHLY;COUNT=4;BYMONTHDAY=1,15;BYSETPOS=-1")
        #expect(try RecurrenceRule(parsing: rule.text) == rule)
        let skipping = try RecurrenceRule(parsing: "SKIP=forward;RSCALE=gregorian;FREQ=YEARLY;UNTIL=20300101")
        #expect(skipping.text == "RSCALE=GREGORIAN;FREQ=YEARLY;UNTIL=20300101;SKIP=FORWARD")
    }

    @Test func untilMayBeADateFloatingOrUTC() throws {
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20250301").until == .date(LocalDateTime(year: 2025, month: 3, day: 1)))
        #expect(
            try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20250301T100000").until
                == .floating(LocalDateTime(year: 2025, month: 3, day: 1, hour: 10)))
    }

    @Test(arguments: [
        "", "COUNT=3", "FREQ=FORTNIGHTLY", "FREQ=DAILY;COUNT=3;UNTIL=20250101", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;COUNT=-1",
        "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=x", "FREQ=DAILY;UNTIL=2025", "FREQ=DAILY;UNTIL=20250230",
        "FREQ=DAILY;BYHOUR=24", "FREQ=DAILY;BYMINUTE=60", "FREQ=DAILY;BYSECOND=61", "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=MONTHLY;BYMONTHDAY=0", "FREQ=YEARLY;BYYEARDAY=367", "FREQ=YEARLY;BYWEEKNO=54", "FREQ=YEARLY;BYMONTH=13",
        "FREQ=YEARLY;BYMONTH=0", "FREQ=MONTHLY;BYSETPOS=0", "FREQ=MONTHLY;BYDAY=XX", "FREQ=MONTHLY;BYDAY=54MO", "FREQ=MONTHLY;BYDAY=0MO",
        "FREQ=MONTHLY;BYDAY=", "FREQ=MONTHLY;BYDAY=MO,,TU", "FREQ=WEEKLY;WKST=XY", "FREQ=DAILY;FREQ=WEEKLY", "FREQ=DAILY;BYEASTER=1",
        "FREQ=DAILY;COUNT", "FREQ=MONTHLY;BYWEEKNO=1", "FREQ=DAILY;BYYEARDAY=1", "FREQ=WEEKLY;BYMONTHDAY=1", "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO", "FREQ=YEARLY;SKIP=FORWARD", "RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=SIDEWAYS",
    ])
    func invalidRulesAreCodedErrors(text: String) {
        let error = #expect(throws: ICalendarError.self) { try RecurrenceRule(parsing: text, line: 12) }
        #expect(error?.code == .invalidRecurrence)
        #expect(error?.line == 12)
    }

    @Test(arguments: ["RSCALE=HEBREW;FREQ=YEARLY", "RSCALE=GREGORIAN;FREQ=YEARLY;BYMONTH=5L"])
    func otherCalendarScalesAreUnsupported(text: String) {
        let error = #expect(throws: ICalendarError.self) { try RecurrenceRule(parsing: text) }
        #expect(error?.code == .unsupportedRecurrence)
    }
}

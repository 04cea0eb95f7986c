import Testing

@testable import Schedule

private func occurrence(_ key: String, start: Int64 = 0) -> ScheduleEvent {
    ScheduleEvent(
        partnerId: 1, referenceId: "s", recurrenceType: .recurrence, startDate: start, endDate: start, recurrenceKey: key)
}

@Suite struct OccurrenceMatcherTests {
    @Test func sameKeysPairFirstThenNearKeysAndTheRestAreAddedOrRemoved() {
        let stored = ["20250303T080000Z", "20250310T080000Z", "20250317T080000Z", "20250324T080000Z"].map { occurrence($0) }
        let new = [
            occurrence("20250310T080000Z", start: 2), occurrence("20250317T090000Z", start: 3), occurrence("20250331T080000Z", start: 5),
            occurrence("20250324T195959Z", start: 4),
        ]
        let match = OccurrenceMatcher.match(stored: stored, new: new)
        #expect(
            match.pairs.map { [$0.stored.recurrenceKey, $0.new.recurrenceKey] } == [
                ["20250310T080000Z", "20250310T080000Z"], ["20250317T080000Z", "20250317T090000Z"],
                ["20250324T080000Z", "20250324T195959Z"],
            ], "an hour apart, and just under 12 hours apart, are the same occurrence moved")
        #expect(match.removed.map(\.recurrenceKey) == ["20250303T080000Z"])
        #expect(match.added.map(\.recurrenceKey) == ["20250331T080000Z"])
    }

    @Test func twelveHoursApartAreTwoOccurrences() {
        let match = OccurrenceMatcher.match(stored: [occurrence("20250303T080000Z")], new: [occurrence("20250303T200000Z")])
        #expect(match.pairs.isEmpty)
        #expect(match.removed.count == 1 && match.added.count == 1)
    }

    @Test func dateKeysAreMidnight() {
        #expect(OccurrenceMatcher.instant(ofKey: "20250303") == OccurrenceMatcher.instant(ofKey: "20250303T000000Z"))
        #expect(OccurrenceMatcher.instant(ofKey: "20250303T000001Z") - OccurrenceMatcher.instant(ofKey: "20250303") == 1)
    }
}

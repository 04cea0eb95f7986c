import Foundation
import Logging
import Schedule
import Testing

@testable import Ingestion

/// A weekly lecture on Mondays 09:15–10:45 Berlin time, March 3 to `until`, without March 17, and
/// the March 24 lecture moved to Tuesday 14:00; the series is on the room.
private func course(until: String = "20250414T235959Z", start: String = "091500", end: String = "104500") -> String {
    KalturaFixture.calendar([
        [
            "UID:course-101", "DTSTART;TZID=Europe/Berlin:20250303T\(start)", "DTEND;TZID=Europe/Berlin:20250303T\(end)",
            "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=\(until)", "EXDATE;TZID=Europe/Berlin:20250317T\(start)", "SUMMARY:Databases",
            "X-KALTURA-RESOURCE-IDS:{ROOM}",
        ],
        [
            "UID:course-101", "RECURRENCE-ID;TZID=Europe/Berlin:20250324T\(start)", "DTSTART;TZID=Europe/Berlin:20250325T140000",
            "DTEND;TZID=Europe/Berlin:20250325T153000", "SUMMARY:Databases (moved)",
        ],
    ])
}

@Suite struct SeriesIngestionTests {
    @Test func aSeriesStoresItsOccurrencesWithExdatesAndOverrides() async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run("course.ics", course())
        #expect(report.items.map(\.result) == [.added, .added])
        #expect(report.items[0].occurrences?.added == 6)
        #expect(report.items[1].recurrenceKey == "20250324T081500Z")
        let series = try #require(try await fixture.events().first { $0.referenceId == "course-101" && $0.recurrenceType == .recurring })
        #expect(series.recurrenceRule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20250414T235959Z")
        #expect(series.id == report.items[0].id)
        let occurrences = try await fixture.occurrences(of: "course-101")
        #expect(
            occurrences.map(\.recurrenceKey) == [
                "20250303T081500Z", "20250310T081500Z", "20250324T081500Z", "20250331T071500Z", "20250407T071500Z",
                "20250414T071500Z",
            ], "March 17 is excluded; from March 31 Berlin is on summer time")
        #expect(occurrences.allSatisfy { $0.parentId == series.id && $0.status == .active })
        #expect(occurrences.allSatisfy { $0.resourceIds == [fixture.ids["ROOM"]!] }, "occurrences inherit the series' resources")
        let moved = occurrences[2]
        #expect(moved.id == report.items[1].id)
        #expect(moved.summary == "Databases (moved)")
        #expect(moved.startDate == 1_742_907_600, "Tuesday March 25 14:00 Berlin is 13:00Z")
        #expect(moved.duration == 5_400)
        #expect(occurrences[3].startDate == 1_743_405_300 && occurrences[3].summary == "Databases")
    }

    /// A series is applied once the last VEVENT of its UID is read (so a file of many series never holds them all),
    /// with every VTIMEZONE of the file, as at the end of the file; a single event sees the zones defined before it.
    @Test func aSeriesIsAppliedAtItsUIDsLastVEventWithEveryZoneOfTheFile() async throws {
        var fixture = try await KalturaFixture()
        let zone = [
            "BEGIN:VTIMEZONE", "TZID:Campus/Time", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0200", "END:STANDARD", "END:VTIMEZONE",
        ]
        func event(_ lines: [String]) -> [String] { ["BEGIN:VEVENT", "DTSTAMP:20250101T000000Z"] + lines + ["END:VEVENT"] }
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
            + event(["UID:lecture", "DTSTART;TZID=Campus/Time:20250303T090000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3"])
            + event(["UID:seminar", "DTSTART:20250304T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"])
            + event(["UID:early", "DTSTART;TZID=Campus/Time:20250305T090000", "DURATION:PT1H"])
            + zone
            + event(["UID:late", "DTSTART;TZID=Campus/Time:20250306T090000", "DURATION:PT1H"])
            + event([
                "UID:lecture", "RECURRENCE-ID;TZID=Campus/Time:20250310T090000", "DTSTART;TZID=Campus/Time:20250310T110000",
                "DURATION:PT1H", "SUMMARY:Moved",
            ])
            + ["END:VCALENDAR"]
        let report = try await fixture.run("order.ics", lines.map { $0 + "\r\n" }.joined())
        #expect(report.items.map(\.uid) == ["lecture", "seminar", "early", "late", "lecture"])
        #expect(report.items.map(\.result) == [.added, .added, .rejected, .added, .added])
        #expect(report.items[2].code == "ical.unknownTimeZone", "a single event sees only the zones before it")
        #expect(report.items[0].occurrences?.added == 3)
        let lecture = try await fixture.occurrences(of: "lecture")
        #expect(lecture.map(\.recurrenceKey) == ["20250303T070000Z", "20250310T070000Z", "20250317T070000Z"])
        #expect(lecture[1].summary == "Moved" && lecture[1].startDate == 1_741_597_200, "March 10 11:00 at +02:00 is 09:00Z")
        // The seminar, complete before the lecture's override, was written before it: its id comes first.
        let seriesIds = try await fixture.events().filter {
            $0.recurrenceType == .recurring && ["seminar", "lecture"].contains($0.referenceId)
        }.sorted { $0.id! < $1.id! }.map(\.referenceId)
        #expect(seriesIds == ["seminar", "lecture"])
    }

    @Test func reIngestingTheSameSeriesChangesNothing() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let before = try await fixture.events()
        let again = try await fixture.run("course.ics", course())
        #expect(again.items.map(\.result) == [.unchanged, .unchanged])
        #expect(again.items[0].occurrences == OccurrenceCounts(unchanged: 6))
        #expect(again.counts.unchanged == 2 && again.counts.added == 0 && again.counts.updated == 0)
        #expect(try await fixture.events() == before, "nothing was rewritten")
    }

    @Test func shorteningASeriesCancelsTheDroppedOccurrences() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let ids = try await fixture.occurrences(of: "course-101").map(\.id)
        let shorter = try await fixture.run("course.ics", course(until: "20250401T000000Z"))
        #expect(shorter.items[0].result == .updated)
        #expect(shorter.items[0].occurrences == OccurrenceCounts(cancelled: 2, unchanged: 4))
        let occurrences = try await fixture.occurrences(of: "course-101")
        #expect(occurrences.map(\.id) == ids, "no occurrence is added or duplicated")
        #expect(occurrences.map(\.status) == [.active, .active, .active, .active, .cancelled, .cancelled])
    }

    @Test func movingASeriesToAnotherHourUpdatesItsOccurrencesInPlace() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let ids = try await fixture.occurrences(of: "course-101").map(\.id)
        let moved = try await fixture.run("course.ics", course(start: "101500", end: "114500"))
        #expect(moved.items[0].occurrences == OccurrenceCounts(updated: 6))
        let occurrences = try await fixture.occurrences(of: "course-101")
        #expect(occurrences.map(\.id) == ids)
        #expect(occurrences[0].recurrenceKey == "20250303T091500Z" && occurrences[0].startDate == 1_740_993_300)
        #expect(occurrences.allSatisfy { $0.status == .active })
    }

    @Test func aFileOfOneOverrideChangesThatOccurrenceOfTheStoredSeries() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let before = try await fixture.occurrences(of: "course-101")
        let report = try await fixture.run(
            "change.ics",
            KalturaFixture.calendar([
                [
                    "UID:course-101", "RECURRENCE-ID;TZID=Europe/Berlin:20250407T091500", "DTSTART;TZID=Europe/Berlin:20250407T120000",
                    "DTEND;TZID=Europe/Berlin:20250407T133000", "SUMMARY:Databases (guest lecture)", "X-KALTURA-RESOURCE-IDS:{CAMERA}",
                ]
            ]))
        #expect(report.items.map(\.result) == [.updated])
        #expect(report.items[0].recurrenceKey == "20250407T071500Z")
        let after = try await fixture.occurrences(of: "course-101")
        #expect(after.map(\.id) == before.map(\.id))
        let changed = try #require(after.first { $0.recurrenceKey == "20250407T071500Z" })
        #expect(changed.summary == "Databases (guest lecture)" && changed.resourceIds == [fixture.ids["CAMERA"]!])
        #expect(after.first { $0.recurrenceKey == "20250324T081500Z" }?.summary == "Databases (moved)", "earlier overrides stay")
        let unchanged = try await fixture.run("course.ics", course())
        #expect(unchanged.items[0].occurrences?.updated == 1, "the full file again drops the guest lecture")
    }

    @Test func anOverrideOfAnUnknownSeriesIsRejected() async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run(
            "orphan.ics", KalturaFixture.calendar([["UID:nowhere", "RECURRENCE-ID:20250407T091500Z", "DTSTART:20250407T120000Z"]]))
        #expect(report.items.map(\.code) == ["event.seriesNotFound"])
    }

    @Test func aSeriesThatBecomesASingleEventCancelsItsOccurrences() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let single = try await fixture.run(
            "course.ics",
            KalturaFixture.calendar([["UID:course-101", "DTSTART:20250303T081500Z", "DTEND:20250303T094500Z", "SUMMARY:Databases"]]))
        #expect(single.items[0].result == .updated)
        #expect(single.items[0].occurrences == OccurrenceCounts(cancelled: 6))
        let event = try #require(try await fixture.events().first { $0.referenceId == "course-101" && $0.recurrenceKey.isEmpty })
        #expect(event.recurrenceType == RecurrenceType.none && event.recurrenceRule == nil)
        #expect(try await fixture.occurrences(of: "course-101").allSatisfy { $0.status == .cancelled })
    }

    @Test func cancellingASeriesCancelsEveryOccurrence() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run("course.ics", course())
        let cancelled = try await fixture.run(
            "cancel.ics", course().replacingOccurrences(of: "SUMMARY:Databases\r\n", with: "SUMMARY:Databases\r\nSTATUS:CANCELLED\r\n"))
        #expect(cancelled.items[0].result == .cancelled)
        #expect(try await fixture.occurrences(of: "course-101").allSatisfy { $0.status == .cancelled })
    }

    @Test func aStoredHigherSequenceKeepsTheWholeSeries() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run(
            "course.ics", course().replacingOccurrences(of: "SUMMARY:Databases\r\n", with: "SUMMARY:Databases\r\nSEQUENCE:3\r\n"))
        let before = try await fixture.events()
        let stale = try await fixture.run("course.ics", course(until: "20250401T000000Z"))
        #expect(stale.items.map(\.result) == [.unchanged, .unchanged])
        #expect(stale.items.allSatisfy { $0.warnings.map(\.code) == ["event.staleSequence"] })
        #expect(try await fixture.events() == before)
    }

    @Test func theHorizonMovesForwardWithoutDuplicates() async throws {
        var fixture = try await KalturaFixture()
        let now = Int64(Date().timeIntervalSince1970)
        let start = (now / 86_400 - 10) * 86_400 + 9 * 3_600
        let limits = EventLimits(horizon: 28 * 86_400)
        let report = try await fixture.run(
            "weekly.ics",
            KalturaFixture.calendar([["UID:weekly", "DTSTART:\(utc(start))", "DTEND:\(utc(start + 3_600))", "RRULE:FREQ=WEEKLY"]]),
            limits: limits)
        let materialized = try #require(report.items.first?.occurrences?.added)
        #expect(materialized == Int((now + limits.horizon - start + 7 * 86_400 - 1) / (7 * 86_400)), "weekly until now + 28 days")
        let extender = HorizonExtender(
            store: fixture.harness.store, limits: limits, interval: .seconds(86_400), logger: Logger(label: "test"))
        let later = try await extender.extend(now: now + 14 * 86_400)
        #expect(later.added == 2 && later.failed == 0)
        #expect(later.series == 2, "the endless weekly series and the stored three-week series")
        #expect(try await extender.extend(now: now + 14 * 86_400).added == 0)
        let occurrences = try await fixture.occurrences(of: "weekly")
        #expect(occurrences.count == materialized + 2)
        #expect(Set(occurrences.map(\.recurrenceKey)).count == occurrences.count)
    }
}

extension OccurrenceCounts {
    /// Counts with the given numbers, for comparing.
    init(added: Int = 0, updated: Int = 0, cancelled: Int = 0, unchanged: Int = 0) {
        self.init()
        self.added = added
        self.updated = updated
        self.cancelled = cancelled
        self.unchanged = unchanged
    }
}

@Suite struct SeriesKindsTests {
    @Test func anAllDaySeriesIsKeyedByDateAndItsOverrideByDateTimeStillMatches() async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run(
            "days.ics",
            KalturaFixture.calendar([
                ["UID:days", "DTSTART;VALUE=DATE:20250707", "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Open day"],
                ["UID:days", "RECURRENCE-ID:20250708T000000", "DTSTART;VALUE=DATE:20250708", "SUMMARY:Open day (short)"],
            ]))
        #expect(report.items.map(\.result) == [.added, .added])
        let occurrences = try await fixture.occurrences(of: "days")
        #expect(occurrences.map(\.recurrenceKey) == ["20250707", "20250708", "20250709"])
        #expect(occurrences.map(\.summary) == ["Open day", "Open day (short)", "Open day"], "Outlook's DATE-TIME RECURRENCE-ID")
        #expect(occurrences.allSatisfy { $0.duration == 86_400 })
    }

    @Test func aFloatingSeriesIsReadInTheFoldersZoneAndExtendedTheSameWay() async throws {
        let fixture = try await KalturaFixture()
        let settings = JobSettings(partnerId: 5, timeZone: TimeZone(identifier: "America/New_York")!)
        let report = try await ingest(
            fixture.harness, "floating.ics",
            KalturaFixture.calendar([["UID:float", "DTSTART:20250303T090000", "DTEND:20250303T100000", "RRULE:FREQ=WEEKLY;COUNT=3"]]),
            modified: 7, settings: settings)
        #expect(report.items.first?.occurrences?.added == 3)
        let occurrences = try await fixture.occurrences(of: "float")
        #expect(
            occurrences.map(\.recurrenceKey) == ["20250303T140000Z", "20250310T130000Z", "20250317T130000Z"],
            "09:00 in New York before and after its DST change on March 9")
        #expect(occurrences.allSatisfy { $0.timeZoneID == "floating:America/New_York" })
        let extender = HorizonExtender(
            store: fixture.harness.store, limits: EventLimits(), interval: .seconds(86_400), logger: Logger(label: "test"))
        let summary = try await extender.extend(now: Int64(Date().timeIntervalSince1970))
        #expect(summary.failed == 0 && summary.added == 0)
        #expect(try await fixture.occurrences(of: "float") == occurrences, "extension reads floating times in the same zone")
    }

    @Test func thisAndFutureMovesTheRestOfTheSeries() async throws {
        var fixture = try await KalturaFixture()
        _ = try await fixture.run(
            "future.ics",
            KalturaFixture.calendar([
                ["UID:future", "DTSTART:20250303T090000Z", "DTEND:20250303T100000Z", "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Before"],
                [
                    "UID:future", "RECURRENCE-ID;RANGE=THISANDFUTURE:20250317T090000Z", "DTSTART:20250317T110000Z",
                    "DTEND:20250317T120000Z", "SUMMARY:After",
                ],
            ]))
        let occurrences = try await fixture.occurrences(of: "future")
        #expect(occurrences.map(\.recurrenceKey) == ["20250303T090000Z", "20250310T090000Z", "20250317T090000Z", "20250324T090000Z"])
        #expect(occurrences.map(\.summary) == ["Before", "Before", "After", "After"])
        #expect(occurrences.map { isoTime($0.startDate) }.suffix(2) == ["2025-03-17T11:00:00Z", "2025-03-24T11:00:00Z"])
    }
}

import Foundation
import Schedule
import ScheduleStore
import Testing

@testable import Ingestion

/// A file of the repository's `samples/` folder.
private func sample(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples/" + name)
    return try String(contentsOf: url, encoding: .utf8)
}

/// The stable part of a report row: what a sample's expected report states.
private struct ExpectedItem: Codable, Equatable {
    var line: Int
    var uid: String?
    var result: ItemResult
    var code: String?
    var message: String?
    var warnings: [String]

    init(_ item: ItemReport) {
        line = item.line
        uid = item.uid
        result = item.result
        code = item.code
        message = item.message
        warnings = item.warnings.map { "\($0.code): \($0.message)" }
    }
}

@Suite struct SampleTests {
    @Test func semesterCalendarStoresTwoWeeklyLecturesWithoutTheHolidays() async throws {
        let harness = try Harness()
        let settings = JobSettings(partnerId: 1)
        let resources = try await ingest(harness, "resources.csv", try sample("resources.csv"), modified: 1, settings: settings)
        #expect(resources.counts.rejected == 0)
        let report = try await ingest(harness, "semester.ics", try sample("semester.ics"), modified: 2, settings: settings)
        #expect(report.counts.added == 4 && report.counts.rejected == 0 && report.counts.warnings == 0)
        #expect(report.items.map(\.occurrences?.added) == [15, 15, nil, nil])
        let byId = Dictionary(uniqueKeysWithValues: try await harness.store.resources(partnerId: 1).map { ($0.id!, $0.systemName) })
        let events = try await harness.store.events(partnerId: 1)
        let monday = events.filter { $0.referenceId == "cs101-lecture-monday@example.edu" && $0.recurrenceType == .recurrence }
        #expect(monday.count == 15)
        #expect(!monday.contains { $0.recurrenceKey.hasPrefix("20261221") || $0.recurrenceKey.hasPrefix("20261228") })
        #expect(monday.allSatisfy { byId[$0.resourceIds.first ?? 0] == "cam-s1-front" && $0.templateEntryId == "0_cs101tpl" })
        #expect(monday.first { $0.recurrenceKey == "20261019T071500Z" } != nil, "09:15 CEST")
        #expect(monday.first { $0.recurrenceKey == "20261026T081500Z" } != nil, "09:15 CET, after the clocks went back")
        let guest = try #require(events.first { $0.recurrenceKey == "20261119T131500Z" })
        #expect(guest.type == .liveStream && byId[guest.resourceIds.first ?? 0] == "cam-h104")
        #expect(guest.startDate == 1_795_100_400, "16:00 CET")
        #expect(report.conflicts.isEmpty)
    }

    @Test func invalidEventsSampleGivesItsExpectedReport() async throws {
        let harness = try Harness()
        let report = try await ingest(
            harness, "invalid-events.ics", try sample("invalid-events.ics"), modified: 1, settings: JobSettings(partnerId: 1))
        let expected = try JSONDecoder().decode([ExpectedItem].self, from: Data(try sample("invalid-events.expected.json").utf8))
        let actual = report.items.map(ExpectedItem.init)
        #expect(actual == expected)
        #expect(report.counts.rejected == 23 && report.counts.added == 1)
        #expect(Set(report.items.compactMap(\.code)).count == 23, "every rejection shows a different rule")
    }
}

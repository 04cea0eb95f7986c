import Foundation
import Schedule
import Testing

@testable import Ingestion

/// A one-hour-or-less event `uid` on 2025-07-01 from `from` to `to` (HHMM, UTC) on `resource`.
private func event(_ uid: String, _ from: String, _ to: String, on resource: String? = nil) -> [String] {
    ["UID:\(uid)", "DTSTART:20250701T\(from)00Z", "DTEND:20250701T\(to)00Z"] + (resource.map { ["X-KALTURA-RESOURCE-IDS:{\($0)}"] } ?? [])
}

/// 2025-07-01 at `hhmm` UTC, in seconds since 1970.
private func july1(_ hhmm: String) -> Int64 {
    isoSeconds("2025-07-01T\(hhmm.prefix(2)):\(hhmm.suffix(2)):00Z")!
}

@Suite struct ConflictTests {
    @Test func overlapsOnACameraItsRoomAndABlackoutAreReported() async throws {
        var fixture = try await KalturaFixture()
        let text = KalturaFixture.calendar([
            event("a", "0900", "1000", on: "CAMERA"),
            event("b", "0930", "1030", on: "CAMERA"),
            event("d", "0945", "1015", on: "ROOM"),
            event("e", "0900", "1000", on: "CAMERA2"),
            event("f", "1030", "1130", on: "CAMERA"),
            event("g", "0900", "1000"),
        ])
        let report = try await fixture.run("week.ics", text)
        #expect(report.counts.added == 6)
        let id = Dictionary(
            uniqueKeysWithValues: try await fixture.events().filter { $0.recurrenceKey.isEmpty }.map { ($0.referenceId, $0.id!) })
        let room = fixture.ids["ROOM"]!
        let camera = fixture.ids["CAMERA"]!
        #expect(
            report.conflicts == [
                ConflictReport(
                    eventId: id["a"]!, otherEventId: id["b"]!, resourceId: camera, start: july1("0930"),
                    end: july1("1000")),
                ConflictReport(
                    eventId: id["a"]!, otherEventId: id["d"]!, resourceId: room, start: july1("0945"),
                    end: july1("1000")),
                ConflictReport(
                    eventId: id["b"]!, otherEventId: id["d"]!, resourceId: room, start: july1("0945"),
                    end: july1("1015")),
                ConflictReport(
                    eventId: id["d"]!, otherEventId: id["e"]!, resourceId: room, start: july1("0945"),
                    end: july1("1000")),
            ], "two cameras of one room do not conflict; events that only touch do not; an event without resources does not")

        let blackout = try await fixture.run(
            "closed.ics", KalturaFixture.calendar([event("closure", "0950", "0955")]), defaultType: .blackout)
        let closure = try #require(blackout.items.first?.id)
        #expect(blackout.conflicts.map(\.otherEventId) == ["a", "e", "g", "b", "d"].map { id[$0]! })
        #expect(blackout.conflicts.allSatisfy { $0.eventId == closure && $0.resourceId == nil && $0.from == "2025-07-01T09:50:00Z" })

        let again = try await fixture.run("week.ics", text)
        #expect(again.counts.unchanged == 6)
        #expect(again.conflicts.isEmpty, "only what a file commits is checked")
    }

    @Test func occurrencesConflictAndCancelledEventsDoNot() async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run(
            "series.ics",
            KalturaFixture.calendar([
                [
                    "UID:s", "DTSTART:20250701T090000Z", "DTEND:20250701T100000Z", "RRULE:FREQ=DAILY;COUNT=3",
                    "X-KALTURA-RESOURCE-IDS:{ROOM}",
                ],
                event("x", "0930", "1000", on: "ROOM") + ["STATUS:CANCELLED"],
                ["UID:y", "DTSTART:20250702T093000Z", "DTEND:20250702T103000Z", "X-KALTURA-RESOURCE-IDS:{CAMERA}"],
            ]))
        let occurrence = try #require(try await fixture.occurrences(of: "s").first { $0.recurrenceKey == "20250702T090000Z" })
        let other = try #require(try await fixture.events().first { $0.referenceId == "y" })
        #expect(report.conflicts.count == 1)
        #expect(Set([report.conflicts.first?.eventId, report.conflicts.first?.otherEventId]) == [occurrence.id, other.id])
        #expect(report.conflicts.first?.resourceId == fixture.ids["ROOM"])
    }
}

import Foundation
import Schedule
import ScheduleStore
import Testing

@testable import Ingestion

/// Resources and events stored before a test's file, and the ids they got, to put into X-KALTURA-* values.
///
/// Partner 5 has a room, a camera in it, a second camera in it, a deleted resource, a single event
/// `stored-single` and a weekly series `stored-series` (three Mondays from 2025-06-02 09:00Z);
/// partner 6 has a resource and an event `foreign`.
struct KalturaFixture {
    let harness: Harness
    var ids: [String: Int64] = [:]
    private var version: Int64 = 100

    init() async throws {
        harness = try Harness()
        let resources = try await harness.store.write { transaction in
            let room = try transaction.insert(ScheduleResource(partnerId: 5, type: .location, name: "Room", systemName: "room"))
            let camera = try transaction.insert(
                ScheduleResource(partnerId: 5, type: .camera, name: "Camera", systemName: "cam", parentId: room))
            let camera2 = try transaction.insert(
                ScheduleResource(partnerId: 5, type: .camera, name: "Camera 2", systemName: "cam2", parentId: room))
            let deleted = try transaction.insert(ScheduleResource(partnerId: 5, type: .location, status: .deleted, name: "Gone"))
            let foreign = try transaction.insert(ScheduleResource(partnerId: 6, type: .location, name: "Elsewhere"))
            return ["ROOM": room, "CAMERA": camera, "CAMERA2": camera2, "DELETED": deleted, "FOREIGN_RESOURCE": foreign]
        }
        ids = resources
        _ = try await run(
            "setup.ics",
            Self.calendar([
                ["UID:stored-single", "DTSTART:20250601T090000Z", "DTEND:20250601T100000Z", "SUMMARY:Single"],
                [
                    "UID:stored-series", "DTSTART:20250602T090000Z", "DTEND:20250602T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3",
                    "SUMMARY:Series",
                ],
            ]))
        _ = try await run(
            "foreign.ics", Self.calendar([["UID:foreign", "DTSTART:20250601T090000Z", "DTEND:20250601T100000Z"]]), partner: 6)
        for (uid, partner, name) in [("stored-single", 5, "SINGLE"), ("stored-series", 5, "SERIES"), ("foreign", 6, "FOREIGN_EVENT")] {
            let event = try #require(
                try await harness.store.events(partnerId: partner).first { $0.referenceId == uid && $0.recurrenceKey.isEmpty })
            ids[name] = event.id
        }
    }

    /// Ingests `text` (with `{NAME}` placeholders replaced by ids) as a new version of `name`.
    mutating func run(
        _ name: String, _ text: String, partner: Int = 5, defaultType: EventType = .record, limits: EventLimits = EventLimits(),
        strict: Bool = false
    ) async throws -> IngestionReport {
        version += 1
        return try await ingest(
            harness, name, substitute(text), modified: version,
            settings: JobSettings(partnerId: partner, strict: strict, defaultEventType: defaultType, limits: limits))
    }

    /// `text` with each `{NAME}` replaced by the id of NAME.
    func substitute(_ text: String) -> String {
        ids.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: String($1.value)) }
    }

    /// The partner's events, by id.
    func events(partner: Int = 5) async throws -> [ScheduleEvent] {
        try await harness.store.events(partnerId: partner)
    }

    /// The occurrences of the series with `uid`, in order of start.
    func occurrences(of uid: String) async throws -> [ScheduleEvent] {
        try await events().filter { $0.referenceId == uid && $0.recurrenceType == .recurrence }.sorted { $0.startDate < $1.startDate }
    }

    /// A VCALENDAR with one VEVENT per list of lines.
    static func calendar(_ events: [[String]], calendarLines: [String] = []) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"] + calendarLines
        for event in events { lines += ["BEGIN:VEVENT"] + event + ["END:VEVENT"] }
        return (lines + ["END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
    }
}

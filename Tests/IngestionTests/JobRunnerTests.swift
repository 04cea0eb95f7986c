import Foundation
import Logging
import Schedule
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

/// Runs one job over `text` as the file `name` (a new version each call) and returns its report;
/// `settings` default to partner 5's, strict or not.
func ingest(
    _ harness: Harness, _ name: String, _ text: String, modified: Int64, strict: Bool = false, settings: JobSettings? = nil
) async throws -> IngestionReport {
    let path = harness.data + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let identity = FileIdentity(folderId: "drop", path: name, size: Int64(text.utf8.count), modified: modified)
    let ticket = try #require(try await harness.store.claim(identity, kind: FileKind(path: name)))
    return try await harness.runner.run(ticket, stagedFile: path, settings: settings ?? JobSettings(partnerId: 5, strict: strict))
}

@Suite struct JobRunnerTests {
    @Test func realWorldFileCommitsValidEventsAndRejectsTheRestWithLines() async throws {
        let harness = try Harness()
        let fixture = try #require(Bundle.module.path(forResource: "semester", ofType: "ics", inDirectory: "Fixtures"))
        let report = try await ingest(harness, "semester.ics", String(contentsOfFile: fixture, encoding: .utf8), modified: 1)
        #expect(report.status == .handled)
        #expect(report.counts.added == 2)
        #expect(report.counts.rejected == 2)
        #expect(report.items.map(\.line) == [6, 23, 30, 35], "physical lines of each BEGIN:VEVENT, folds counted")
        #expect(report.items[2].code == "event.missingUID")
        #expect(report.items[3].code == "event.endBeforeStart")
        #expect(report.items[3].uid == "lecture-4@example.edu")
        let events = try await harness.store.events(partnerId: 5)
        #expect(events.count == 2)
        let lecture = try #require(events.first { $0.referenceId.hasPrefix("0400000082") })
        #expect(lecture.summary == "Vorlesung Datenbanken , Kapitel 7: Transaktionen und Wiederherstellung")
        #expect(lecture.location == "Hörsaal 2; Gebäude C")
        #expect(lecture.description == "Raum Hörsaal 2\nAufzeichnung für das Archiv")
        #expect(lecture.startDate == 1_796_634_900, "10:15 Berlin in December is 09:15Z")
        #expect(report.items[0].id == lecture.id)
    }

    @Test func aFileDefinedZoneIsUsedAndABrokenLineIsAWarningNotAFailure() async throws {
        let harness = try Harness()
        let text = """
            BEGIN:VCALENDAR\r
            X-BROKEN;NO VALUE\r
            BEGIN:VTIMEZONE\r
            TZID:Campus Time\r
            BEGIN:STANDARD\r
            DTSTART:19700101T000000\r
            TZOFFSETFROM:+0300\r
            TZOFFSETTO:+0300\r
            END:STANDARD\r
            END:VTIMEZONE\r
            BEGIN:VEVENT\r
            UID:zoned-1\r
            DTSTART;TZID=Campus Time:20260301T090000\r
            DTEND;TZID=Campus Time:20260301T100000\r
            THIS LINE HAS NO COLON\r
            SUMMARY:Lecture\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let report = try await ingest(harness, "zoned.ics", text, modified: 1)
        #expect(report.counts.added == 1)
        #expect(report.items[0].warnings.map(\.code) == ["ical.malformedContentLine", "ical.malformedContentLine"])
        #expect(report.items[0].warnings[0].message.contains("line 2"), "the calendar's own broken line, with its line")
        let event = try #require(try await harness.store.events(partnerId: 5).first)
        #expect(event.startDate == 1_772_344_800, "09:00 at +03:00 is 06:00Z")
        #expect(event.summary == "Lecture")
    }

    @Test func reingestingIsUnchangedAndAnEditUpdatesWithoutDuplicating() async throws {
        let harness = try Harness()
        let first = try await ingest(harness, "a.ics", calendar(events: 3), modified: 1)
        #expect(first.counts.added == 3)
        let again = try await ingest(harness, "a.ics", calendar(events: 3), modified: 2)
        #expect(again.counts.unchanged == 3)
        #expect(again.counts.added + again.counts.updated == 0)
        #expect(again.items.map(\.id) == first.items.map(\.id))
        let edited = try await ingest(harness, "a.ics", calendar(events: 3, summary: "Moved lecture"), modified: 3)
        #expect(edited.counts.updated == 3)
        #expect(try await harness.store.eventCount(partnerId: 5) == 3)
        #expect(try await harness.store.events(partnerId: 5).allSatisfy { $0.summary?.hasPrefix("Moved lecture") == true })
    }

    @Test func lowerSequenceIsKeptWithAWarningAndCancellationIsReported() async throws {
        let harness = try Harness()
        let v2 = calendar(events: 1).replacingOccurrences(of: "SUMMARY:", with: "SEQUENCE:2\r\nSUMMARY:")
        _ = try await ingest(harness, "a.ics", v2, modified: 1)
        let stale = try await ingest(harness, "a.ics", calendar(events: 1, summary: "Old"), modified: 2)
        #expect(stale.items.first?.result == .unchanged)
        #expect(stale.items.first?.warnings.map(\.code) == ["event.staleSequence"])
        #expect(try await harness.store.events(partnerId: 5).first?.summary == "Lecture 1")
        let cancelled = v2.replacingOccurrences(of: "SEQUENCE:2", with: "SEQUENCE:3\r\nSTATUS:CANCELLED")
        let report = try await ingest(harness, "a.ics", cancelled, modified: 3)
        #expect(report.items.first?.result == .cancelled)
        #expect(report.items.first?.action == "cancel")
        #expect(try await harness.store.events(partnerId: 5).first?.status == .cancelled)
    }

    @Test func strictFolderCommitsNothingWhenAnItemIsRejected() async throws {
        let harness = try Harness()
        let text = calendar(events: 2).replacingOccurrences(of: "UID:u2\r\n", with: "")
        let report = try await ingest(harness, "a.ics", text, modified: 1, strict: true)
        #expect(report.status == .error)
        #expect(report.code == "job.strictRejection")
        #expect(report.items.map(\.code) == ["event.missingUID"])
        #expect(try await harness.store.eventCount(partnerId: 5) == 0)
        #expect(try await harness.versions("a.ics").map(\.state) == [.error])
    }

    @Test func fileThatIsNotICalendarFailsWithACodeAndCommitsNothing() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "a.ics", "this is a spreadsheet, not a calendar\n", modified: 1)
        #expect(report.status == .error)
        #expect(report.code == "ical.notICalendar")
        #expect(report.message?.contains("line 1") == true)
        let truncated = String(calendar(events: 5).dropLast(200))
        let cut = try await ingest(harness, "b.ics", truncated, modified: 1)
        #expect(cut.code == "ical.unterminatedComponent")
        #expect(cut.items.isEmpty)
        #expect(try await harness.store.eventCount(partnerId: 5) == 0, "a broken file is never half-ingested")
        let stored = try await harness.versions("b.ics")
        #expect(stored.map(\.state) == [.error])
        #expect(stored.first?.errorCode == "ical.unterminatedComponent")
    }

    @Test func dryRunReportsWhatWouldHappenAndStoresNothing() async throws {
        let harness = try Harness()
        _ = try await ingest(harness, "a.ics", calendar(events: 2), modified: 1)
        let path = harness.data + "/edit.ics"
        let text = calendar(events: 3, summary: "Edited")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let identity = FileIdentity(folderId: "drop", path: "edit.ics", size: Int64(text.utf8.count), modified: 9)
        let report = try await harness.runner.dryRun(identity, stagedFile: path, settings: JobSettings(partnerId: 5))
        #expect(report.status == .handled)
        #expect(report.items.map(\.result) == [.updated, .updated, .added])
        #expect(try await harness.store.eventCount(partnerId: 5) == 2)
        #expect(try await harness.store.events(partnerId: 5).allSatisfy { $0.summary?.hasPrefix("Lecture") == true })
        #expect(try await harness.versions("edit.ics").isEmpty, "no file version, job or report is recorded")

        try Data("not a calendar".utf8).write(to: URL(fileURLWithPath: path))
        let broken = try await harness.runner.dryRun(identity, stagedFile: path, settings: JobSettings(partnerId: 5))
        #expect(broken.code == "ical.notICalendar")
        #expect(try await harness.versions("edit.ics").isEmpty)
    }

    @Test func longMultiByteFileNameGetsItsReportFiles() async throws {
        let harness = try Harness()
        let name = String(repeating: "日", count: 82) + ".ics"
        #expect(name.utf8.count == 250)
        let report = try await ingest(harness, name, calendar(events: 1), modified: 1)
        #expect(report.status == .handled)
        let written = try FileManager.default.contentsOfDirectory(atPath: harness.data + "/reports/drop")
        #expect(written.count == 3, "the JSON report, the summary and Kaltura's log")
        #expect(written.allSatisfy { $0.utf8.count <= 255 && $0.hasPrefix("1-日") })
    }

    @Test func unwritableReportsFolderDoesNotFailTheJob() async throws {
        let harness = try Harness()
        try Data("a file where the reports folder should be".utf8).write(to: URL(fileURLWithPath: harness.data + "/reports"))
        let report = try await ingest(harness, "a.ics", calendar(events: 1), modified: 1)
        #expect(report.status == .handled)
        #expect(try await harness.reports("a.ics") == [report], "the store keeps the report")
        #expect(try await harness.versions("a.ics").map(\.state) == [.handled])
    }

    @Test func aJobWithMoreItemsThanItHoldsReportsThemAllInFileOrder() async throws {
        let harness = try Harness()
        // A series first whose override comes last, so its items are applied after every single event; 16,400 single
        // events between (more than a job holds before spooling); a broken line of the calendar after the last event.
        // The series starts next week (within the horizon whenever the test runs).
        let singles = 16_400
        let week: Int64 = 7 * 86_400
        let series = (Int64(Date().timeIntervalSince1970) / 86_400 + 7) * 86_400 + 9 * 3_600
        var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        text += "BEGIN:VEVENT\r\nUID:series\r\nDTSTART:\(utc(series))\r\nDTEND:\(utc(series + 3_600))\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        text += "SUMMARY:Series\r\nEND:VEVENT\r\n"
        for index in 0..<singles {
            let start = 1_893_920_400 + Int64(index) * 7_200
            text += "BEGIN:VEVENT\r\nUID:single-\(index)\r\nDTSTART:\(utc(start))\r\nDTEND:\(utc(start + 3_600))\r\nEND:VEVENT\r\n"
        }
        text += "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:\(utc(series + week))\r\nDTSTART:\(utc(series + week + 7_200))\r\n"
        text += "DTEND:\(utc(series + week + 10_800))\r\nEND:VEVENT\r\nX-BROKEN;NO VALUE\r\nEND:VCALENDAR\r\n"
        let report = try await ingest(harness, "large.ics", text, modified: 1)
        #expect(report.status == .handled)
        #expect(report.items.count == singles + 2)
        #expect(report.counts.added == singles + 2 && report.counts.rejected == 0, "the series, its override and every single")
        #expect(zip(report.items, report.items.dropFirst()).allSatisfy { $0.line < $1.line }, "in the order of their lines")
        #expect(report.items.first?.uid == "series" && report.items.first?.occurrences?.added == 3)
        #expect(report.items.last?.recurrenceKey == utc(series + week))
        #expect(report.items.last?.warnings.map(\.code) == ["ical.malformedContentLine"], "the line after the last event is told on it")
        #expect(report.items.dropFirst().dropLast().allSatisfy { $0.result == .added && $0.warnings.isEmpty })
        #expect(try await harness.reports("large.ics") == [report])
        let directory = harness.data + "/reports/drop"
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == [
                "1-large.ics.json", "1-large.ics.log.ics", "1-large.ics.txt",
            ])
        let written = try Data(contentsOf: URL(fileURLWithPath: directory + "/1-large.ics.json"))
        #expect(try JSONDecoder().decode(IngestionReport.self, from: written) == report)
    }

    @Test func reportFilesMatchTheStoredReport() async throws {
        let harness = try Harness()
        let report = try await ingest(harness, "a.ics", calendar(events: 2), modified: 1)
        let directory = harness.data + "/reports/drop"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["1-a.ics.json", "1-a.ics.log.ics", "1-a.ics.txt"])
        let json = try #require(names.first { $0.hasSuffix(".json") })
        let written = try JSONDecoder().decode(IngestionReport.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + json)))
        #expect(written == report)
        #expect(try await harness.reports("a.ics") == [report])
        let text = try String(contentsOfFile: directory + "/" + json.replacingOccurrences(of: ".json", with: ".txt"), encoding: .utf8)
        #expect(text.contains("added 2"))
        #expect(report.file.sha256?.count == 64)
    }

    @Test func aJobCutOffThreeTimesFailsItsFileInsteadOfRunningAgain() async throws {
        let harness = try Harness()
        let text = calendar(events: 2)
        let path = harness.data + "/a.ics"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let identity = FileIdentity(folderId: "drop", path: "a.ics", size: Int64(text.utf8.count), modified: 1)
        let ticket = try #require(try await harness.store.claim(identity, kind: .ical))
        // Three runs of the daemon started the job and died with it; a job taken up again within one run is not cut off.
        for run in ["run-1", "run-1", "run-2", "run-3"] { _ = try await harness.store.startJob(ticket, run: run) }
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let runner = JobRunner(
            store: harness.store, reports: ReportWriter(directory: harness.data + "/reports"), logger: logger, run: "run-4")
        let report = try await runner.run(ticket, stagedFile: path, settings: JobSettings(partnerId: 5))
        #expect(report.status == .error)
        #expect(report.code == JobError.Code.cutOffRepeatedly.rawValue)
        #expect(report.message?.contains("cut off 3 times") == true)
        #expect(try await harness.versions("a.ics").map(\.state) == [.error])
        #expect(try await harness.reports("a.ics") == [report])
        #expect(try await harness.store.eventCount(partnerId: 5) == 0, "the file's events were not tried")
        #expect(try await harness.store.unfinishedJobs(folderId: "drop").isEmpty, "nothing is left to run again at the next start")

        var newer = identity
        newer.modified = 2
        let twice = try #require(try await harness.store.claim(newer, kind: .ical))
        for run in ["run-1", "run-2"] { _ = try await harness.store.startJob(twice, run: run) }
        let fine = try await runner.run(twice, stagedFile: path, settings: JobSettings(partnerId: 5))
        #expect(fine.status == .handled, "two cut-offs are tried again")
        #expect(fine.counts.added == 2)
    }

    @Test func controlCharactersNeitherTruncateValuesNorMergeUIDs() async throws {
        let harness = try Harness()
        let text = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            UID:lecture-1\r
            DTSTART:20270101T090000Z\r
            DTEND:20270101T100000Z\r
            SUMMARY:a\u{0}b\r
            CLASS:PUBLIC\r
            LOCATION;X-NOTE="x\u{1B}[31m":Room \u{1B}[2J1\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:lecture-1\u{0}x\r
            DTSTART:20270102T090000Z\r
            DTEND:20270102T100000Z\r
            SUMMARY:second\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let report = try await ingest(harness, "nul.ics", text, modified: 1)
        #expect(report.items.map(\.result) == [.added, .rejected], "a UID with a NUL is not the UID before the NUL")
        #expect(report.items[0].warnings.map(\.code) == ["event.controlCharacter", "event.controlCharacter"])
        #expect(report.items[1].code == "event.invalidUID")
        let event = try #require(try await harness.store.events(partnerId: 5).first)
        #expect(event.summary == "a\u{FFFD}b", "the text after the NUL is kept")
        #expect(event.location == "Room \u{FFFD}[2J1")
        #expect(event.source?.contains("\u{0}") == false, "the source (kept for its CLASS) is clean too")
        #expect(event.source?.contains("X-NOTE=x\u{FFFD}[31m") == true)
        let again = try await ingest(harness, "nul.ics", text, modified: 2)
        #expect(again.items.map(\.result) == [.unchanged, .rejected], "the same file again changes nothing")
    }
}

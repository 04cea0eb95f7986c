import ICalendar
import Schedule
import Testing

@testable import Ingestion

/// Each file kind's job and the errors it turns into a report's code.
@Suite struct FileJobTests {
    @Test func aKindsJobReportsItsOwnReadErrorAndNoOtherKinds() {
        let csv = CSVError(.unterminatedQuote, line: 3, column: 2, "the quote is not closed")
        let ical = ICalendarError(.readFailed, line: 4, "cannot read")
        #expect(FileKind.resourceCsv.job.failure(of: csv)?.code == "csv.unterminatedQuote")
        #expect(FileKind.resourceCsv.job.failure(of: ical) == nil)
        #expect(FileKind.ical.job.failure(of: ical)?.message == "line 4: cannot read")
        #expect(FileKind.ical.job.failure(of: csv) == nil)
    }

    @Test func aResourceCSVThatCannotBeOpenedFailsWithTheCSVCode() async throws {
        let harness = try Harness()
        let error = await #expect(throws: CSVError.self) {
            try await harness.store.write { transaction in
                try ResourceJob(settings: JobSettings(partnerId: 5), now: 0).ingest(
                    path: "/nonexistent/rooms.csv", progress: nil, into: transaction)
            }
        }
        #expect(error?.code == .readFailed)
    }
}

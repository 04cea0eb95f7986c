import Foundation
import Schedule
import Testing

/// A job's conflicts spooled to a file read, compare and encode as the same conflicts held in memory.
@Suite struct ConflictListTests {
    /// Conflicts of every shape: with and without a resource, negative and far times, ids up to `Int64.max`.
    static func conflicts(_ count: Int) -> [ConflictReport] {
        (0..<count).map { index in
            let id = Int64(index)
            return ConflictReport(
                eventId: index == 7 ? .max : id, otherEventId: id * 3 + 1, resourceId: index.isMultiple(of: 5) ? nil : id % 49 + 1,
                start: index == 9 ? -62_135_596_800 : 1_740_819_600 + id * 60, end: 1_740_819_600 + id * 60 + 3_600)
        }
    }

    @Test(arguments: [0, 3, 4, 5, 4_096 + 7, 10_000])
    func aSpooledListIsTheListItWasGiven(count: Int) throws {
        let expected = Self.conflicts(count)
        var writer = ConflictList.Writer(memoryLimit: 4)
        for conflict in expected { try writer.append(conflict) }
        let list = try writer.finish()
        #expect(list.count == count)
        #expect(Array(list) == expected, "read in order, a batch at a time")
        for index in [0, 1, 4_095, 4_096, 4_097, count - 1] where index >= 0 && index < count {
            #expect(list[index] == expected[index], "read alone: \(index)")
        }
        #expect(list == ConflictList(expected))
        #expect(list.map(\.resourceId).filter { $0 == nil }.count == expected.filter { $0.resourceId == nil }.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(list)
        #expect(encoded == (try encoder.encode(expected)), "encoded as an array")
        #expect(try JSONDecoder().decode(ConflictList.self, from: encoded) == list)
        if count > 0 {
            var changed = expected
            changed[count - 1].end += 1
            #expect(list != ConflictList(changed))
        }
    }

    @Test func aReportWithASpooledListIsWrittenAsTheSameReportHeldInMemory() throws {
        let expected = Self.conflicts(20_000)
        var writer = ConflictList.Writer(memoryLimit: 100)
        for conflict in expected { try writer.append(conflict) }
        func report(_ conflicts: ConflictList) -> IngestionReport {
            IngestionReport(
                file: FileReport(folderId: "f", path: "p.ics", size: 1, mtime: nil, sha256: nil), partnerId: 1, kind: .ical,
                startedAt: "s", finishedAt: "e", status: .handled, items: [], conflicts: conflicts)
        }
        let spooled = report(try writer.finish())
        let held = report(ConflictList(expected))
        #expect(spooled.json() == held.json())
        #expect(spooled.summary(jobId: 1) == held.summary(jobId: 1))
        #expect(try JSONDecoder().decode(IngestionReport.self, from: spooled.json()) == held)
    }

    @Test func aSpoolThatCannotBeMadeIsAnErrorNamingItsDirectory() throws {
        var writer = ConflictList.Writer(directory: "/nonexistent/spool", memoryLimit: 1)
        try writer.append(Self.conflicts(1)[0])
        #expect {
            try writer.append(Self.conflicts(2)[1])
        } throws: { error in
            "\(error)".contains("/nonexistent/spool")
        }
    }
}

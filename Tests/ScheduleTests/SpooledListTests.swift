import Foundation
import Schedule
import Testing

/// A job's conflicts and items spooled to a file read, compare and encode as the same rows held in memory.
@Suite struct SpooledListTests {
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

    /// Items of every shape, in file order: single events, series with their counts, rejections, warnings, resource
    /// rows, overrides, texts with every kind of character.
    static func items(_ count: Int) -> [ItemReport] {
        (0..<count).map { index in
            let line = index * 10 + 1
            switch index % 5 {
            case 0:
                return ItemReport(line: line, uid: "uid-\(index)-é 日本 \"q\"", action: "upsert", result: .added, id: Int64(index))
            case 1:
                var counts = OccurrenceCounts()
                (counts.added, counts.cancelled) = (index, 3)
                return ItemReport(line: line, uid: "series-\(index)", action: "upsert", result: .updated, id: .max, occurrences: counts)
            case 2:
                return ItemReport(
                    line: line, uid: nil, action: "upsert", result: .rejected, code: "event.missingUID", message: "no UID\n\u{07}",
                    warnings: [ReportWarning(code: "ical.skippedLine", message: ""), ReportWarning(code: "w", message: "🎓")])
            case 3:
                return ItemReport(line: line, systemName: "room-\(index)", action: "1", result: .unchanged, id: 5)
            default:
                return ItemReport(
                    line: line, uid: "series-\(index - 3)", action: "cancel", result: .cancelled, id: -1, recurrenceKey: "20250301T090000Z")
            }
        }
    }

    @Test(arguments: [0, 7, 5_000])
    func spooledItemsComeBackInTheOrderOfTheirLines(count: Int) throws {
        let expected = Self.items(count)
        // Added as a job applies them: series items after the single events that follow them in the file.
        var shuffled = expected
        var random = SystemRandomNumberGenerator()
        shuffled.shuffle(using: &random)
        var writer = ItemList.Writer(memoryLimit: 3, sortKey: \.line)
        for item in shuffled { try writer.append(item) }
        let list = try writer.finish()
        #expect(Array(list) == expected)
        for index in [0, count / 2, count - 1] where index >= 0 && index < count {
            #expect(list[index] == expected[index])
        }
        var held = ItemList.Writer(memoryLimit: .max, sortKey: \.line)
        for item in shuffled { try held.append(item) }
        #expect(try held.finish() == list, "held in memory or spooled, the same list")
    }

    @Test func aReportWithSpooledListsIsWrittenAsTheSameReportHeldInMemory() throws {
        let expected = Self.conflicts(20_000)
        var writer = ConflictList.Writer(memoryLimit: 100)
        for conflict in expected { try writer.append(conflict) }
        let items = Self.items(3_000)
        var itemWriter = ItemList.Writer(memoryLimit: 100)
        for item in items { try itemWriter.append(item) }
        func report(_ items: ItemList, _ conflicts: ConflictList) -> IngestionReport {
            IngestionReport(
                file: FileReport(folderId: "f", path: "p.ics", size: 1, mtime: nil, sha256: nil), partnerId: 1, kind: .ical,
                startedAt: "s", finishedAt: "e", status: .handled, items: items, conflicts: conflicts)
        }
        let spooled = report(try itemWriter.finish(), try writer.finish())
        let held = report(ItemList(items), ConflictList(expected))
        #expect(spooled.counts == held.counts)
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

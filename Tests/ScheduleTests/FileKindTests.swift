import Schedule
import Testing

/// A file's kind by its name's extension.
@Suite struct FileKindTests {
    @Test(arguments: [
        ("rooms.csv", FileKind.resourceCsv), ("ROOMS.CSV", .resourceCsv), ("week.ics", .ical), ("week.ICAL", .ical),
        ("week.txt", .ical), ("csv", .ical), ("dir.csv/week.ics", .ical),
    ])
    func aFilesKindComesFromItsExtensionAndIsICalendarWithoutAKnownOne(name: String, kind: FileKind) {
        #expect(FileKind(path: name) == kind)
    }

    @Test func eachKindNamesItsExtensionsAndTheOneANameIsGiven() {
        #expect(FileKind.ical.matches("a.ical") && FileKind.ical.matches("a.ICS") && !FileKind.ical.matches("a.csv"))
        #expect(FileKind.resourceCsv.matches("a.Csv") && !FileKind.resourceCsv.matches("acsv"))
        #expect(FileKind.allCases.map(\.defaultSuffix) == [".ics", ".csv"])
    }
}

import Foundation
import Testing

@testable import ICalendar

@Suite struct WindowsZonesTests {
    @Test(arguments: [
        ("Eastern Standard Time", "America/New_York"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Central Standard Time", "America/Chicago"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Romance Standard Time", "Europe/Paris"),
        ("GMT Standard Time", "Europe/London"),
        ("Greenwich Standard Time", "Atlantic/Reykjavik"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("New Zealand Standard Time", "Pacific/Auckland"),
        ("India Standard Time", "Asia/Kolkata"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("E. South America Standard Time", "America/Sao_Paulo"),
        ("Pacific Standard Time (Mexico)", "America/Tijuana"),
        ("UTC-11", "Etc/GMT+11"),
        ("UTC+12", "Etc/GMT-12"),
        ("UTC", "Etc/UTC"),
    ])
    func windowsNamesMapToTheirCLDRZone(windows: String, iana: String) {
        #expect(WindowsZones.ianaIdentifier(forWindowsName: windows) == iana)
    }

    @Test func spacesQuotesAndCaseAreIgnored() {
        #expect(WindowsZones.ianaIdentifier(forWindowsName: "  eastern standard TIME ") == "America/New_York")
        #expect(WindowsZones.ianaIdentifier(forWindowsName: "\"Tokyo Standard Time\"") == "Asia/Tokyo")
        #expect(WindowsZones.ianaIdentifier(forWindowsName: " \" W. Europe Standard Time \" ") == "Europe/Berlin")
    }

    @Test func displayNamesAsOutlookWritesThemAreRecognised() {
        #expect(WindowsZones.ianaIdentifier(forWindowsName: "(UTC-05:00) Eastern Time (US & Canada)") == "America/New_York")
        #expect(
            WindowsZones.ianaIdentifier(forWindowsName: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna") == "Europe/Berlin")
        #expect(WindowsZones.ianaIdentifier(forWindowsName: "(UTC) Coordinated Universal Time") == "Etc/UTC")
        // Tests/Corpus/files/py-icalendar: Outlook writes the accented city of a Portuguese Windows.
        #expect(WindowsZones.ianaIdentifier(forWindowsName: "(UTC-03:00) Brasília") == "America/Sao_Paulo")
    }

    @Test(arguments: [
        "", "Europe/Berlin", "Eastern", "Standard Time", "UTC+11", "Eastern Standard Time2",
        "(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", "\"", "(UTC-05:00)",
    ])
    func otherNamesAreNotWindowsZones(name: String) {
        #expect(WindowsZones.ianaIdentifier(forWindowsName: name) == nil)
    }

    @Test func theTableHasEveryWindowsZoneOnce() {
        #expect(WindowsZones.table.count == 139)
        #expect(Set(WindowsZones.table.map { $0.windows.lowercased() }).count == WindowsZones.table.count)
        #expect(Set(WindowsZones.table.map { $0.display.lowercased() }).count == WindowsZones.table.count)
    }

    @Test func everyZoneIsKnownToFoundation() {
        for entry in WindowsZones.table {
            #expect(TimeZone(identifier: entry.iana) != nil, "\(entry.windows) maps to \(entry.iana)")
            #expect(WindowsZones.ianaIdentifier(forWindowsName: entry.windows) == entry.iana)
            #expect(WindowsZones.ianaIdentifier(forWindowsName: entry.display) == entry.iana)
        }
    }
}

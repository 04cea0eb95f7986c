import Foundation
import ICalendar
import Schedule
import Testing

@testable import Ingestion

/// One rule of SPEC §3.2 (or of the event checks around it), with a value that keeps it or breaks it.
struct ValidationCase: Sendable, CustomTestStringConvertible {
    /// What the case shows.
    let name: String
    /// The VEVENT's lines; `{NAME}` placeholders are ids of the fixture.
    let lines: [String]
    /// The rejection code expected, or nil when the item is accepted.
    let code: String?
    /// A warning code expected on an accepted item.
    var warning: String? = nil

    var testDescription: String { name }

    /// A one-hour event `case` on 2025-06-10 with `extra` lines.
    init(_ name: String, _ extra: [String], code: String?, warning: String? = nil, uid: String = "case") {
        self.init(name, lines: ["UID:\(uid)", "DTSTART:20250610T090000Z", "DTEND:20250610T100000Z"] + extra, code: code, warning: warning)
    }

    /// A VEVENT of exactly `lines`.
    init(_ name: String, lines: [String], code: String?, warning: String? = nil) {
        self.name = name
        self.lines = lines
        self.code = code
        self.warning = warning
    }
}

/// The table of SPEC §3.2: one valid and one invalid value per rule, each asserting the report's code.
let validationCases: [ValidationCase] = [
    .init("X-KALTURA-ID naming the event itself", ["X-KALTURA-ID:{SINGLE}", "SUMMARY:renamed"], code: nil, uid: "stored-single"),
    .init("X-KALTURA-ID not an integer", ["X-KALTURA-ID:abc"], code: "event.invalidId"),
    .init("X-KALTURA-ID naming nothing", ["X-KALTURA-ID:99999"], code: "event.idNotFound"),
    .init("X-KALTURA-ID naming another UID's event", ["X-KALTURA-ID:{SINGLE}"], code: "event.idMismatch"),
    .init("X-KALTURA-ID of another partner's event", ["X-KALTURA-ID:{FOREIGN_EVENT}"], code: "event.idNotFound"),
    .init("X-KALTURA-PARTNER-ID of the folder's partner", ["X-KALTURA-PARTNER-ID:5"], code: nil),
    .init("X-KALTURA-PARTNER-ID of another partner", ["X-KALTURA-PARTNER-ID:6"], code: "event.partnerMismatch"),
    .init("X-KALTURA-PARTNER-ID not an integer", ["X-KALTURA-PARTNER-ID:five"], code: "event.invalidPartnerId"),
    .init(
        "X-KALTURA-PARENT-ID on an override of that series",
        lines: [
            "UID:stored-series", "RECURRENCE-ID:20250609T090000Z", "DTSTART:20250609T110000Z", "DTEND:20250609T120000Z",
            "X-KALTURA-PARENT-ID:{SERIES}",
        ], code: nil),
    .init("X-KALTURA-PARENT-ID not a positive integer", ["X-KALTURA-PARENT-ID:-1"], code: "event.invalidParentId"),
    .init("X-KALTURA-PARENT-ID naming a single event", ["X-KALTURA-PARENT-ID:{SINGLE}"], code: "event.parentNotFound"),
    .init("X-KALTURA-PARENT-ID on an event that is no override", ["X-KALTURA-PARENT-ID:{SERIES}"], code: "event.parentMismatch"),
    .init("X-KALTURA-STATUS cancelled", ["X-KALTURA-STATUS:1"], code: nil),
    .init("X-KALTURA-STATUS not a status", ["X-KALTURA-STATUS:4"], code: "event.invalidStatus"),
    .init("X-KALTURA-CATEGORY-IDS integers", ["X-KALTURA-CATEGORY-IDS:1, 22,333"], code: nil),
    .init("X-KALTURA-CATEGORY-IDS with a word", ["X-KALTURA-CATEGORY-IDS:1,news"], code: "event.invalidCategoryIds"),
    .init("X-KALTURA-ENTRY-IDS of 10 characters", ["X-KALTURA-ENTRY-IDS:0_abcdefgh,1_zz_99xyz"], code: nil),
    .init("X-KALTURA-ENTRY-IDS with capitals", ["X-KALTURA-ENTRY-IDS:0_ABCDEFGH"], code: "event.invalidEntryId"),
    .init("X-KALTURA-ENTRY-IDS too short", ["X-KALTURA-ENTRY-IDS:0_abcdefgh,0_abc"], code: "event.invalidEntryId"),
    .init("X-KALTURA-RESOURCE-IDS of the partner", ["X-KALTURA-RESOURCE-IDS:{ROOM},{CAMERA}"], code: nil),
    .init("X-KALTURA-RESOURCE-IDS not integers", ["X-KALTURA-RESOURCE-IDS:room-1"], code: "event.invalidResourceIds"),
    .init("X-KALTURA-RESOURCE-IDS naming nothing", ["X-KALTURA-RESOURCE-IDS:{ROOM},99999"], code: "event.unknownResource"),
    .init("X-KALTURA-RESOURCE-IDS naming a deleted resource", ["X-KALTURA-RESOURCE-IDS:{DELETED}"], code: "event.unknownResource"),
    .init(
        "X-KALTURA-RESOURCE-IDS of another partner", ["X-KALTURA-RESOURCE-IDS:{FOREIGN_RESOURCE}"], code: "event.unknownResource"),
    .init("X-KALTURA-TAGS", ["X-KALTURA-TAGS:math,first year"], code: nil),
    .init(
        "X-KALTURA-TAGS of 65,536 bytes", ["X-KALTURA-TAGS:" + String(repeating: "t,", count: 32_768)], code: "event.tagsTooLong"),
    .init("X-KALTURA-TEMPLATE-ENTRY-ID of 10 characters", ["X-KALTURA-TEMPLATE-ENTRY-ID:0_template"], code: nil),
    .init("X-KALTURA-TEMPLATE-ENTRY-ID of 11", ["X-KALTURA-TEMPLATE-ENTRY-ID:0_templates"], code: "event.invalidTemplateEntryId"),
    .init("X-KALTURA-TYPE live stream", ["X-KALTURA-TYPE:2"], code: nil),
    .init("X-KALTURA-TYPE blackout", ["X-KALTURA-TYPE:3"], code: "event.invalidType"),
    .init("X-KALTURA-TYPE twice, differing", ["X-KALTURA-TYPE:1", "X-KALTURA-TYPE:2"], code: "event.conflictingProperty"),
    .init("an unknown X-KALTURA property", ["X-KALTURA-COLOUR:blue"], code: nil, warning: "event.unknownKalturaProperty"),
    .init("no UID", lines: ["DTSTART:20250610T090000Z"], code: "event.missingUID"),
    .init("no DTSTART", lines: ["UID:case"], code: "event.missingStart"),
    .init(
        "an end before the start", lines: ["UID:case", "DTSTART:20250610T090000Z", "DTEND:20250610T080000Z"], code: "event.endBeforeStart"),
    .init("an unknown TZID", lines: ["UID:case", "DTSTART;TZID=Mars/Olympus:20250610T090000"], code: "ical.unknownTimeZone"),
    .init("24 hours", lines: ["UID:case", "DTSTART:20250610T090000Z", "DTEND:20250611T090000Z"], code: nil),
    .init("over 24 hours", lines: ["UID:case", "DTSTART:20250610T090000Z", "DTEND:20250611T090001Z"], code: "event.tooLong"),
    .init("a series of two years", ["RRULE:FREQ=MONTHLY;COUNT=24"], code: nil),
    .init("a series of over two years", ["RRULE:FREQ=MONTHLY;COUNT=26"], code: "event.seriesTooLong"),
    .init("1,000 occurrences", ["RRULE:FREQ=HOURLY;COUNT=1000"], code: nil),
    .init("1,001 occurrences", ["RRULE:FREQ=HOURLY;COUNT=1001"], code: "event.tooManyOccurrences"),
    .init("an occurrence over 24 hours", ["RRULE:FREQ=DAILY;COUNT=2", "RDATE;VALUE=PERIOD:20250620T090000Z/P2D"], code: "event.tooLong"),
]

@Suite struct KalturaValidationTests {
    @Test(arguments: validationCases)
    func eachRuleOfTheTableGivesItsCode(_ rule: ValidationCase) async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run("case.ics", KalturaFixture.calendar([rule.lines]))
        #expect(report.status == .handled)
        let item = try #require(report.items.first)
        #expect(report.items.count == 1)
        if let code = rule.code {
            #expect(item.result == .rejected)
            #expect(item.code == code)
            let message = try #require(item.message)
            #expect(message.count < 400, "a rejection names the property, a cut value and the rule")
            if let property = rule.lines.first(where: { $0.hasPrefix("X-KALTURA-") })?.split(separator: ":").first,
                code != "event.conflictingProperty"
            {
                #expect(message.contains(property.split(separator: ";").first!), "\(message)")
            }
        } else {
            #expect(item.result != .rejected, "\(item.code ?? ""): \(item.message ?? "")")
            #expect(item.id != nil)
        }
        if let warning = rule.warning {
            #expect(item.warnings.map(\.code) == [warning])
        }
    }

    @Test func acceptedValuesAreStoredOnTheEvent() async throws {
        var fixture = try await KalturaFixture()
        let values = KalturaFixture.calendar([
            [
                "UID:values", "DTSTART:20250610T090000Z", "DTEND:20250610T100000Z", "X-KALTURA-PARTNER-ID:5", "X-KALTURA-TYPE:2",
                "X-KALTURA-CATEGORY-IDS:7,3", "X-KALTURA-ENTRY-IDS:0_abcdefgh", "X-KALTURA-TEMPLATE-ENTRY-ID:0_template",
                "X-KALTURA-TAGS:math\\,first year", "X-KALTURA-RESOURCE-IDS:{CAMERA},{ROOM},{CAMERA}",
            ]
        ])
        let report = try await fixture.run("values.ics", values)
        #expect(report.counts.added == 1)
        let event = try #require(try await fixture.events().first { $0.referenceId == "values" })
        #expect(event.type == .liveStream)
        #expect(event.categoryIds == [7, 3])
        #expect(event.entryIds == ["0_abcdefgh"])
        #expect(event.templateEntryId == "0_template")
        #expect(event.tags == "math,first year")
        #expect(event.resourceIds == [fixture.ids["ROOM"]!, fixture.ids["CAMERA"]!].sorted(), "linked once each")
        #expect(event.source == nil, "a VEVENT whose fields say all of it is not kept: the store holds what it needs")
        let again = try await fixture.run("values.ics", values)
        #expect(again.counts.unchanged == 1, "resources out of order and repeated, read again, change nothing")

        _ = try await fixture.run(
            "class.ics",
            KalturaFixture.calendar([
                [
                    "UID:classified", "DTSTART:20250610T090000Z", "DTEND:20250610T100000Z", "CLASS:PRIVATE",
                    "X-KALTURA-TAGS:math\\,first year",
                ]
            ]))
        let classified = try #require(try await fixture.events().first { $0.referenceId == "classified" })
        #expect(classified.source?.contains("CLASS:PRIVATE") == true, "a VEVENT with more than its fields is kept for export")
        #expect(classified.source?.contains("X-KALTURA-TAGS:math\\,first year") == true)
    }

    @Test func kalturasLogHasOneVEventPerItem() async throws {
        var fixture = try await KalturaFixture()
        let report = try await fixture.run(
            "log.ics",
            KalturaFixture.calendar([
                ["UID:fine", "DTSTART:20250610T090000Z"],
                ["UID:broken", "DTSTART:20250610T090000Z", "X-KALTURA-TYPE:7"],
                ["UID:gone", "DTSTART:20250610T090000Z", "STATUS:CANCELLED"],
            ]))
        let directory = fixture.harness.data + "/reports/drop"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix("-log.ics.log.ics") })
        var reader = CalendarReader(try FileByteSource(path: directory + "/" + name))
        var events: [Component] = []
        while let item = try reader.next() { events.append(item.component) }
        #expect(events.map { $0.property("UID")?.value } == ["fine", "broken", "gone"])
        #expect(events.map { $0.property("X-KALTURA-INDEX")?.value } == ["1", "2", "3"])
        #expect(events.map { $0.property("X-KALTURA-INGEST-STATUS")?.value } == ["2", "1", "2"])
        #expect(events.map { $0.property("X-KALTURA-INGEST-ACTION")?.value } == ["1", "6", "10"])
        #expect(events[0].property("X-KALTURA-ID")?.value == report.items[0].id.map(String.init))
        #expect(events[1].property("X-KALTURA-ERROR-CODE")?.value == "event.invalidType")
        #expect(events[1].property("X-KALTURA-ERROR-DESCRIPTION").map { TextValue.unescape($0.value) } == report.items[1].message)
    }

    @Test func partnersAreIsolated() async throws {
        var fixture = try await KalturaFixture()
        let claimed = try await fixture.run(
            "other.ics",
            KalturaFixture.calendar([["UID:mine", "DTSTART:20250610T090000Z", "X-KALTURA-PARTNER-ID:102"]]), partner: 101)
        #expect(claimed.items.map(\.code) == ["event.partnerMismatch"])
        let foreign = fixture.ids["FOREIGN_EVENT"]!
        let takeover = try await fixture.run(
            "takeover.ics",
            KalturaFixture.calendar([
                ["UID:foreign", "DTSTART:20250601T090000Z", "DTEND:20250601T100000Z", "SUMMARY:hijacked", "X-KALTURA-ID:\(foreign)"]
            ]))
        #expect(takeover.items.map(\.code) == ["event.idNotFound"])
        #expect(try await fixture.events(partner: 6).map(\.summary) == [nil], "the other partner's event is untouched")
        #expect(try await fixture.events(partner: 101).isEmpty)
    }

    @Test func aStrictFolderCommitsNothingOfAFileWithOneBadValue() async throws {
        var fixture = try await KalturaFixture()
        let before = try await fixture.events()
        let report = try await fixture.run(
            "strict.ics",
            KalturaFixture.calendar([
                ["UID:good", "DTSTART:20250610T090000Z", "RRULE:FREQ=DAILY;COUNT=3"],
                ["UID:bad", "DTSTART:20250610T090000Z", "X-KALTURA-ENTRY-IDS:nope"],
            ]), strict: true)
        #expect(report.status == .error)
        #expect(report.code == "job.strictRejection")
        #expect(report.items.map(\.code) == ["event.invalidEntryId"])
        #expect(try await fixture.events() == before)
    }
}

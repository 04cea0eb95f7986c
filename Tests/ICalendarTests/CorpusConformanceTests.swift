import Foundation
import Testing

@testable import ICalendar

/// The conformance corpus checked in under `Tests/Corpus` (see its README).
enum Corpus {
    /// The corpus folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    /// Every file under `files/` (calendars, fuzz crashers, broken inputs, licences), as paths relative to `root`.
    static func allFiles() throws -> [String] {
        let files = root.appendingPathComponent("files")
        guard let walker = FileManager.default.enumerator(atPath: files.path) else { return [] }
        var paths: [String] = []
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: files.appendingPathComponent(path).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                paths.append("files/" + path)
            }
        }
        return paths.sorted()
    }

    /// The checked-in list of known disagreements in `known-disagreements/NAME.tsv`: key → reason.
    static func knownDisagreements(_ name: String) throws -> [String: String] {
        let text = try String(contentsOf: root.appendingPathComponent("known-disagreements/\(name).tsv"), encoding: .utf8)
        var table: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2 { table[String(fields[0])] = String(fields[1]) }
        }
        return table
    }
}

/// Expands every VEVENT of a file over a window into the oracle's line format:
/// `UID⇥RECURRENCE-ID⇥START⇥END⇥SUMMARY`, sorted by bytes.
struct OracleFormat {
    /// [2000-01-01, 2030-01-01) in seconds since 1970.
    static let window: Range<Int64> = 946_684_800..<1_893_456_000

    /// The lines for the file at `path`, and why events or the whole file were left out.
    static func expand(path: String) -> (lines: [String], skipped: [String]) {
        guard let source = try? FileByteSource(path: path) else { return ([], ["cannot open"]) }
        var reader = CalendarReader(source)
        var calendars: [[Component]] = []
        var floatingZones: [String?] = []
        var zones = ZoneResolver()
        do {
            var index = 0
            while let item = try reader.next() {
                if item.calendarIndex != index {
                    index = item.calendarIndex
                    calendars.append([])
                    floatingZones.append(nil)
                }
                switch item.component.name {
                case "VEVENT":
                    calendars[calendars.count - 1].append(item.component)
                    floatingZones[calendars.count - 1] = item.calendarProperties.last { $0.name == "X-WR-TIMEZONE" }?.value.trimmingSpaces
                case "VTIMEZONE": try? zones.register(item.component)
                default: break
                }
            }
        } catch {
            return ([], ["file: \(error)"])
        }
        var lines: [String] = []
        var skipped: [String] = []
        for (events, floatingZone) in zip(calendars, floatingZones) {
            var groups: [String: [Component]] = [:]
            var order: [String] = []
            for event in events {
                // Events without a UID are each their own event.
                let uid = event.property("UID").map { TextValue.unescape($0.value) } ?? ""
                let key = uid.isEmpty ? "\u{0}\(order.count)" : uid
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(event)
            }
            for key in order {
                let uid = key.hasPrefix("\u{0}") ? "" : key
                let set = RecurrenceSet(uid: uid, components: groups[key]!, floatingTimeZone: floatingZone)
                do {
                    for occurrence in try set.occurrences(overlapping: window, zones: &zones) {
                        let summary = occurrence.component.property("SUMMARY").map { TextValue.unescape($0.value) } ?? ""
                        lines.append(
                            [
                                uid, occurrence.recurrenceID.map(format) ?? "-", format(occurrence.start), format(occurrence.end),
                                escape(summary),
                            ].joined(separator: "\t"))
                    }
                } catch {
                    skipped.append("\(uid): \(error)")
                }
            }
        }
        return (lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, skipped)
    }

    /// The oracle's time format: UTC with `Z`, floating without, dates as `YYYY-MM-DD`.
    static func format(_ value: DateTimeValue) -> String {
        let local = value.local
        func pad(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let date = "\(pad(local.year, 4))-\(pad(local.month, 2))-\(pad(local.day, 2))"
        let time = "\(date)T\(pad(local.hour, 2)):\(pad(local.minute, 2)):\(pad(local.second, 2))"
        switch value {
        case .date: return date
        case .utc, .zoned: return time + "Z"
        case .floating: return time
        }
    }

    /// The oracle's escaping of a summary: backslash, tab, CR and LF.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}

@Suite struct CorpusConformanceTests {
    @Test func everyCorpusFileIsReadWithoutCrashingAndEveryFailureIsCoded() throws {
        var read = 0
        var failed: [ICalendarError.Code: Int] = [:]
        for path in try Corpus.allFiles() {
            do {
                var reader = CalendarReader(try FileByteSource(path: Corpus.root.appendingPathComponent(path).path))
                var zones = ZoneResolver()
                while let item = try reader.next() {
                    if item.component.name == "VTIMEZONE" { try? zones.register(item.component) }
                    if item.component.name == "VEVENT" {
                        let uid = item.component.property("UID")?.value ?? ""
                        _ = try? RecurrenceSet(uid: uid, components: [item.component]).occurrences(
                            overlapping: OracleFormat.window, zones: &zones)
                    }
                }
                read += 1
            } catch let error as ICalendarError {
                failed[error.code, default: 0] += 1
            }
        }
        print("corpus: \(read) files read, \(failed.values.reduce(0, +)) refused with codes \(failed)")
        #expect(read > 900)
    }

    @Test func expansionAgreesWithTheOracleOrTheDisagreementIsKnown() throws {
        let known = try Corpus.knownDisagreements("corpus")
        let expected = Corpus.root.appendingPathComponent("expected")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: expected.path).filter { $0.hasSuffix(".out") }.sorted()
        var agreeingFiles = 0
        var agreeingOccurrences = 0
        var oracleOccurrences = 0
        var unexpected: [String] = []
        var nowAgreeing: [String] = []
        for output in outputs {
            let name = String(output.dropLast(4))
            let relative = "files/" + name.replacingOccurrences(of: "__", with: "/")
            let oracle = try String(contentsOf: expected.appendingPathComponent(output), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let (ours, skipped) = OracleFormat.expand(path: Corpus.root.appendingPathComponent(relative).path)
            oracleOccurrences += oracle.count
            var remaining = Dictionary(oracle.map { ($0, 1) }, uniquingKeysWith: +)
            for line in ours where (remaining[line] ?? 0) > 0 {
                remaining[line]! -= 1
                agreeingOccurrences += 1
            }
            if ours == oracle {
                agreeingFiles += 1
                if known[relative] != nil { nowAgreeing.append(relative) }
            } else if known[relative] == nil {
                let missing = Set(oracle).subtracting(ours).sorted().prefix(3)
                let extra = Set(ours).subtracting(oracle).sorted().prefix(3)
                unexpected.append(
                    "\(relative): oracle \(oracle.count), ours \(ours.count); missing \(Array(missing)); extra \(Array(extra)); skipped \(skipped.prefix(2))"
                )
            }
        }
        print(
            "corpus vs oracle: \(agreeingFiles)/\(outputs.count) files agree, \(agreeingOccurrences)/\(oracleOccurrences) occurrences agree, \(known.count) disagreements known"
        )
        #expect(unexpected.isEmpty, "unlisted disagreements:\n\(unexpected.joined(separator: "\n"))")
        #expect(nowAgreeing.isEmpty, "listed as disagreeing but now agreeing: \(nowAgreeing)")
    }
}

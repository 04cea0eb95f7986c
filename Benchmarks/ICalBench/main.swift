// Times the ICalendar module on one file: parse and walk every VEVENT (touching UID, DTSTART,
// SUMMARY and the X-KALTURA-* properties, as the peer drivers do), then expand every event
// over a window. Components are streamed; the VEVENTs of one UID that follow each other (a
// master and its overrides) are expanded together.
//
// usage: ical-bench FILE [WINDOW-START WINDOW-END]   (UTC, YYYYMMDD; default 20250101 20260101)
import Foundation
import ICalendar

/// Seconds of monotonic time since an arbitrary origin.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// The peak resident set size of this process, in MiB (VmHWM).
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kib / 1024
}

/// Seconds since 1970 of a `YYYYMMDD` day at midnight UTC.
func day(_ text: String) -> Int64 {
    let digits = Array(text.utf8).map { Int($0) - 48 }
    guard digits.count == 8, digits.allSatisfy({ (0...9).contains($0) }) else {
        FileHandle.standardError.write(Data("not a YYYYMMDD day: \(text)\n".utf8))
        exit(2)
    }
    let value = LocalDateTime(
        year: digits[0...3].reduce(0) { $0 * 10 + $1 }, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    return value.wallSeconds
}

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: ical-bench FILE [WINDOW-START WINDOW-END]\n".utf8))
    exit(2)
}
let path = arguments[1]
let window = arguments.count == 4 ? day(arguments[2])..<day(arguments[3]) : day("20250101")..<day("20260101")
let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0

/// What the run counts and times.
struct Tally {
    var events = 0
    var kaltura = 0
    var checksum = 0
    var occurrences = 0
    var expandErrors = 0
    var expandSeconds = 0.0
    var zones = ZoneResolver()
    var group: [Component] = []
    var groupUID = ""

    /// Reads every component of the file, walking VEVENTs and expanding each UID's group.
    mutating func run(path: String, window: Range<Int64>) throws {
        var reader = CalendarReader(try FileByteSource(path: path))
        while let item = try reader.next() {
            let component = item.component
            if component.name == "VTIMEZONE" {
                try zones.register(component)
                continue
            }
            guard component.name == "VEVENT" else { continue }
            events += 1
            let uid = component.property("UID")?.value ?? ""
            checksum &+= uid.utf8.count
            if let start = component.property("DTSTART") { checksum &+= (try DateTimeValue(start)).local.day }
            checksum &+= TextValue.unescape(component.property("SUMMARY")?.value ?? "").utf8.count
            for property in component.properties where property.name.hasPrefix("X-KALTURA-") {
                kaltura += 1
                checksum &+= property.value.utf8.count
            }
            if uid != groupUID { expandGroup(window: window) }
            groupUID = uid
            group.append(component)
        }
        expandGroup(window: window)
    }

    /// Expands the pending VEVENTs that share a UID.
    mutating func expandGroup(window: Range<Int64>) {
        guard !group.isEmpty else { return }
        let started = now()
        do {
            occurrences += try RecurrenceSet(uid: groupUID, components: group).occurrences(overlapping: window, zones: &zones).count
        } catch {
            expandErrors += 1
        }
        expandSeconds += now() - started
        group.removeAll(keepingCapacity: true)
    }
}

var tally = Tally()
let started = now()
do {
    try tally.run(path: path, window: window)
} catch {
    FileHandle.standardError.write(Data("ical-bench: \(error)\n".utf8))
    exit(1)
}
let total = now() - started
let parseSeconds = total - tally.expandSeconds
print(
    String(
        format:
            "bytes=%.0f vevents=%d xkaltura=%d parse_walk_s=%.3f parse_MB_s=%.1f events_s=%.0f expand_s=%.3f occurrences=%d expand_errors=%d peak_rss_MiB=%.1f chk=%d",
        bytes, tally.events, tally.kaltura, parseSeconds, bytes / 1e6 / parseSeconds, Double(tally.events) / parseSeconds,
        tally.expandSeconds,
        tally.occurrences, tally.expandErrors, peakResidentMiB(), tally.checksum))

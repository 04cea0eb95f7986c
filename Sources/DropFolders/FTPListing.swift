import Foundation

/// Reads FTP directory listings: `MLSD` (RFC 3659: exact size and UTC modification time) where the server
/// offers it, else `LIST` in the common Unix (`ls -l`) and Windows (IIS, DOS) formats.
///
/// `LIST` is made for people, so what it gives is weaker, and each entry says so:
/// - times are to the minute at best, and to the day for files older than about six months (Unix prints a
///   year instead of the time);
/// - a recent Unix entry has no year: it is taken as the year that puts the time at most one day after
///   `now` (a server's clock a little ahead is allowed), else the year before;
/// - no listing says its zone: times are read in the folder's configured zone (UTC by default).
/// Only regular files are listed; directories, links and lines that match no format are left out.
public enum FTPListing {
    /// One regular file of a listing.
    public struct Entry: Equatable, Sendable {
        /// The file's name, as the server gives it.
        public var name: String
        /// Its size in bytes.
        public var size: Int64
        /// Its modification time in nanoseconds since 1970.
        public var modified: Int64
        /// How exact `modified` is.
        public var precision: Precision
        /// Whether the server gave the name in UTF-8; if not, `name` is its escaped form (`FileName.decoded`).
        public var nameIsUTF8: Bool

        /// Creates an entry.
        public init(name: String, size: Int64, modified: Int64, precision: Precision, nameIsUTF8: Bool = true) {
            self.name = name
            self.size = size
            self.modified = modified
            self.precision = precision
            self.nameIsUTF8 = nameIsUTF8
        }
    }

    /// How exact a listed time is.
    public enum Precision: String, Equatable, Sendable {
        /// To the second or better, in UTC (`MLSD`).
        case exact
        /// To the minute, in the assumed zone (a `LIST` line with a time).
        case minute
        /// To the day, in the assumed zone (a `LIST` line with a year instead of a time).
        case day
    }

    /// The entries of a listing reply as the server sent it, `parse` reading it line by line: a line that is not
    /// UTF-8 is read with its stray bytes escaped (`FileName.decoded`) and its entry marked, so that its name is
    /// refused rather than left out.
    public static func entries(of reply: [UInt8], _ parse: (String) -> [Entry]) -> [Entry] {
        reply.split(separator: UInt8(ascii: "\n")).flatMap { line in
            let (text, isUTF8) = FileName.decoded(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
            return parse(text).map { entry in
                var entry = entry
                entry.nameIsUTF8 = isUTF8
                return entry
            }
        }
    }

    /// The regular files of an `MLSD` reply (`fact=value;…; name` per line).
    public static func parseMLSD(_ text: String) -> [Entry] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let name = String(line[line.index(after: space)...])
            var facts: [String: Substring] = [:]
            for fact in line[..<space].split(separator: ";") {
                let pair = fact.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { facts[pair[0].lowercased()] = pair[1] }
            }
            guard facts["type"]?.lowercased() == "file", let size = facts["size"].flatMap({ Int64($0) }),
                let modify = facts["modify"], let modified = mlsdTime(modify)
            else { return nil }
            return Entry(name: name, size: size, modified: modified, precision: .exact)
        }
    }

    /// The regular files of a `LIST` reply in Unix or Windows form, times read in `zone`, a missing year
    /// chosen from `now` (seconds since 1970).
    public static func parseLIST(_ text: String, now: Int64, zone: TimeZone = TimeZone(identifier: "UTC")!) -> [Entry] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            unixEntry(line, now: now, calendar: calendar) ?? windowsEntry(line, calendar: calendar)
        }
    }

    /// `YYYYMMDDHHMMSS[.fraction]` in UTC, as nanoseconds since 1970.
    static func mlsdTime(_ text: Substring) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1)
        let digits = Array(parts[0].utf8)
        guard digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(digits[$1] - 0x30) } }
        var components = DateComponents()
        (components.year, components.month, components.day) = (number(0..<4), number(4..<6), number(6..<8))
        (components.hour, components.minute, components.second) = (number(8..<10), number(10..<12), number(12..<14))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == components.day else { return nil }
        var nanoseconds = Int64(date.timeIntervalSince1970) * 1_000_000_000
        if parts.count == 2, let fraction = Int64(parts[1].prefix(9).padding(toLength: 9, withPad: "0", startingAt: 0)) {
            nanoseconds += fraction
        }
        return nanoseconds
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `-rw-r--r--  1 owner group  1234 Nov 24 12:00 name` or `… Jan  5  2025 name`; the owner and group
    /// may be missing (some servers), the name may hold spaces.
    private static func unixEntry(_ line: Substring, now: Int64, calendar: Calendar) -> Entry? {
        guard let kind = line.first, kind == "-" else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        // Find the month field: the size is just before it, the day and time or year after it, then the name.
        guard
            let monthIndex = fields.indices.dropFirst(2).first(where: { index in
                months.contains(fields[index].lowercased()) && index + 3 < fields.count && Int64(fields[index - 1]) != nil
            }),
            let size = Int64(fields[monthIndex - 1]), let day = Int(fields[monthIndex + 1]),
            let month = months.firstIndex(of: fields[monthIndex].lowercased())
        else { return nil }
        let clockOrYear = fields[monthIndex + 2]
        // The name starts after the time-or-year field, keeping its own spaces.
        let nameStart = clockOrYear.endIndex
        let name = String(line[nameStart...].drop(while: { $0 == " " }))
        guard !name.isEmpty else { return nil }
        var components = DateComponents(month: month + 1, day: day)
        let precision: Precision
        if clockOrYear.contains(":") {
            let clock = clockOrYear.split(separator: ":")
            guard clock.count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]) else { return nil }
            (components.hour, components.minute) = (hour, minute)
            precision = .minute
            let current = calendar.component(.year, from: Date(timeIntervalSince1970: TimeInterval(now)))
            components.year = current
            if let date = calendar.date(from: components), Int64(date.timeIntervalSince1970) > now + 86_400 {
                components.year = current - 1
            }
        } else {
            guard let year = Int(clockOrYear) else { return nil }
            components.year = year
            precision = .day
        }
        guard let date = calendar.date(from: components) else { return nil }
        return Entry(name: name, size: size, modified: Int64(date.timeIntervalSince1970) * 1_000_000_000, precision: precision)
    }

    /// `11-24-26  12:00PM  1234 name` (IIS and DOS), the year with two or four digits, `<DIR>` for folders.
    private static func windowsEntry(_ line: Substring, calendar: Calendar) -> Entry? {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard fields.count == 4, let size = Int64(fields[2]) else { return nil }
        let date = fields[0].split(separator: "-")
        guard date.count == 3, let month = Int(date[0]), let day = Int(date[1]), var year = Int(date[2]) else { return nil }
        if date[2].count == 2 { year += year < 70 ? 2000 : 1900 }
        let clock = fields[1].uppercased()
        let pm = clock.hasSuffix("PM")
        let hourMinute = clock.dropLast(clock.hasSuffix("AM") || pm ? 2 : 0).split(separator: ":")
        guard hourMinute.count == 2, var hour = Int(hourMinute[0]), let minute = Int(hourMinute[1]) else { return nil }
        if clock.hasSuffix("AM") || pm { hour = hour % 12 + (pm ? 12 : 0) }
        guard let instant = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) else {
            return nil
        }
        let name = String(fields[3])
        return Entry(name: name, size: size, modified: Int64(instant.timeIntervalSince1970) * 1_000_000_000, precision: .minute)
    }
}

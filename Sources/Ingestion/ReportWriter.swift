import Foundation
import ICalendar
import Logging
import Schedule

/// Writes a job's report into the reports folder: `<folder>/<job>-<name>.json` and a `.txt` summary beside it.
///
/// Files are written atomically (a temporary file renamed into place), so a reader never sees half a report.
public struct ReportWriter: Sendable {
    /// The reports folder.
    public let directory: String

    /// Creates a writer into `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Writes both files of a report, and Kaltura's log beside them (`<job>-<name>.log.csv` or `.log.ics`) when there
    /// is one; returns the path of the JSON file, its text streamed into it (`IngestionReport.writeJSON`), so that a
    /// large report is never held whole and the store can take its text from there.
    @discardableResult
    public func write(_ report: IngestionReport, kalturaLog: KalturaLog? = nil, jobId: Int64) throws -> String {
        let folder = directory + "/" + Self.safe(report.file.folderId)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = folder + "/\(jobId)-" + Self.safe((report.file.path as NSString).lastPathComponent)
        if let kalturaLog {
            try Self.stream(to: base + ".log." + kalturaLog.extension, kalturaLog.write)
        }
        return try Self.write(report, jobId: jobId, base: base)
    }

    /// Writes a report beside the quarantined file at `path` (`NAME.report.json` and `NAME.report.txt`), so whoever
    /// looks into the failed folder sees why without the reports folder.
    public static func writeBeside(_ report: IngestionReport, jobId: Int64, path: String) throws {
        _ = try write(report, jobId: jobId, base: path + ".report")
    }

    /// Writes `<base>.json` and the `<base>.txt` summary; returns the JSON file's path.
    private static func write(_ report: IngestionReport, jobId: Int64, base: String) throws -> String {
        let json = base + ".json"
        try stream(to: json) { sink in try report.writeJSON { bytes in try bytes.withUnsafeBytes { try sink.write($0) } } }
        try stream(to: base + ".txt") { sink in
            try report.writeSummary(jobId: jobId) { bytes in try bytes.withUnsafeBytes { try sink.write($0) } }
        }
        return json
    }

    /// Writes the file at `path` through `body` atomically: into a temporary file beside it, renamed over it once whole.
    private static func stream(to path: String, _ body: (FileByteSink) throws -> Void) throws {
        let temporary = path + ".partial-" + UUID().uuidString
        do {
            let sink = try FileByteSink(path: temporary)
            try body(sink)
            try sink.flush()
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Writes the report files inside a job's transaction and returns the JSON file's path; a failure is logged, does
    /// not fail the job, and gives nil.
    ///
    /// The store keeps the report either way. Written before the commit, the files of a job cut off by a
    /// crash are written again, under the same name, when the job runs again.
    func writeLoggingFailure(_ report: IngestionReport, kalturaLog: KalturaLog? = nil, jobId: Int64, logger: Logger) -> String? {
        do {
            return try write(report, kalturaLog: kalturaLog, jobId: jobId)
        } catch {
            logger.error("cannot write report files", metadata: ["job": "\(jobId)", "directory": "\(directory)", "error": "\(error)"])
            return nil
        }
    }

    /// A name safe as one path component: separators and control characters replaced, and at most
    /// 180 bytes of UTF-8 (cut between characters), leaving room for the job id and extension within 255.
    static func safe(_ name: String) -> String {
        var cleaned = ""
        for character in name {
            let replaced: Character =
                character == "/" || character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? "_" : character
            guard cleaned.utf8.count + String(replaced).utf8.count <= 180 else { break }
            cleaned.append(replaced)
        }
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "_" : cleaned
    }
}

import Foundation
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

    /// Writes both files of a report, `json` being its encoding, and Kaltura's log beside them
    /// (`<job>-<name>.log.csv` or `.log.ics`) when there is one.
    public func write(_ report: IngestionReport, json: Data, kalturaLog: KalturaLog? = nil, jobId: Int64) throws {
        let folder = directory + "/" + Self.safe(report.file.folderId)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = folder + "/\(jobId)-" + Self.safe((report.file.path as NSString).lastPathComponent)
        if let kalturaLog {
            try kalturaLog.data.write(to: URL(fileURLWithPath: base + ".log." + kalturaLog.extension), options: .atomic)
        }
        try Self.write(report, json: json, jobId: jobId, base: base)
    }

    /// Writes a report beside the quarantined file at `path` (`NAME.report.json` and `NAME.report.txt`), so whoever
    /// looks into the failed folder sees why without the reports folder.
    public static func writeBeside(_ report: IngestionReport, jobId: Int64, path: String) throws {
        try write(report, json: report.json(), jobId: jobId, base: path + ".report")
    }

    /// Writes `<base>.json` and the `<base>.txt` summary.
    private static func write(_ report: IngestionReport, json: Data, jobId: Int64, base: String) throws {
        try json.write(to: URL(fileURLWithPath: base + ".json"), options: .atomic)
        try report.summary(jobId: jobId).write(to: URL(fileURLWithPath: base + ".txt"), options: .atomic)
    }

    /// Writes the report files inside a job's transaction; a failure is logged and does not fail the job.
    ///
    /// The store keeps the report either way. Written before the commit, the files of a job cut off by a
    /// crash are written again, under the same name, when the job runs again.
    func writeLoggingFailure(_ report: IngestionReport, json: Data, kalturaLog: KalturaLog? = nil, jobId: Int64, logger: Logger) {
        do {
            try write(report, json: json, kalturaLog: kalturaLog, jobId: jobId)
        } catch {
            logger.error("cannot write report files", metadata: ["job": "\(jobId)", "directory": "\(directory)", "error": "\(error)"])
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

import Foundation
import ICalendar

extension IngestionReport {
    /// A short text summary for people, as UTF-8: the file, the outcome, the counts, and every rejection, warning and
    /// conflict, one line each; control characters a partner wrote are shown escaped (`\u{1B}`), never obeyed by a
    /// terminal. A nil `jobId` is a dry run, and the summary says nothing was stored.
    ///
    /// Written line by line into one buffer reserved for it (an estimate; pages never written are never resident), so a
    /// report of a hundred thousand conflicts is held once, not as lines and then joined.
    public func summary(jobId: Int64?) -> Data {
        let report = self
        let counts = report.counts
        var text = Data(capacity: 1024 + 160 * (report.conflicts.count + counts.rejected + counts.warnings))
        func line(_ value: String) {
            text.append(contentsOf: ControlCharacters.escaping(in: value).utf8)
            text.append(0x0A)
        }
        line(jobId.map { "scheduledrop report, job \($0)" } ?? "scheduledrop report, dry run (nothing was stored)")
        line("file:    \(report.file.folderId):\(report.file.path) (\(report.file.size) bytes, sha256 \(report.file.sha256 ?? "-"))")
        line(
            "status:  \(report.status.rawValue), partner \(report.partnerId), \(report.kind.rawValue), \(report.startedAt) to \(report.finishedAt)"
        )
        line("counts:  " + counts.text)
        let series = report.items.compactMap(\.occurrences)
        if !series.isEmpty {
            let sum = series.reduce(OccurrenceCounts(), +)
            line(
                "series:  \(series.count), occurrences added \(sum.added), updated \(sum.updated), cancelled \(sum.cancelled), "
                    + "deleted \(sum.deleted), unchanged \(sum.unchanged)")
        }
        if !report.conflicts.isEmpty { line("conflicts: \(report.conflicts.count)") }
        if let code = report.code { line("error:   \(code): \(report.message ?? "")") }
        for item in report.items where item.result == .rejected || !item.warnings.isEmpty {
            let name = item.uid ?? item.systemName ?? "-"
            if item.result == .rejected {
                line("  line \(item.line) \(name): rejected, \(item.code ?? "-"): \(item.message ?? "")")
            }
            for warning in item.warnings {
                line("  line \(item.line) \(name): warning, \(warning.code): \(warning.message)")
            }
        }
        for conflict in report.conflicts {
            let place = conflict.resourceId.map { "on resource \($0)" } ?? "with a blackout"
            line(
                "  conflict: event \(conflict.eventId) overlaps event \(conflict.otherEventId) \(place), \(conflict.from) to \(conflict.to)"
            )
        }
        return text
    }
}

import Foundation
import ICalendar

extension IngestionReport {
    /// A short text summary for people, as UTF-8: the file, the outcome, the counts, and every rejection, warning and
    /// conflict, one line each; control characters a partner wrote are shown escaped (`\u{1B}`), never obeyed by a
    /// terminal. A nil `jobId` is a dry run, and the summary says nothing was stored.
    ///
    /// The whole text, for a report small enough to hold; `writeSummary` streams it.
    public func summary(jobId: Int64?) -> Data {
        var text = Data()
        writeSummary(jobId: jobId) { text.append(contentsOf: $0) }
        return text
    }

    /// Hands the summary (`summary(jobId:)`'s text) to `emit` about a megabyte at a time, so a report of millions of
    /// conflicts is never held whole.
    public func writeSummary(jobId: Int64?, _ emit: ([UInt8]) throws -> Void) rethrows {
        let report = self
        let counts = report.counts
        var text: [UInt8] = []
        func line(_ value: String) throws {
            text.append(contentsOf: ControlCharacters.escaping(in: value).utf8)
            text.append(0x0A)
            guard text.count >= 1 << 20 else { return }
            try emit(text)
            text.removeAll(keepingCapacity: true)
        }
        try line(jobId.map { "scheduledrop report, job \($0)" } ?? "scheduledrop report, dry run (nothing was stored)")
        try line("file:    \(report.file.folderId):\(report.file.path) (\(report.file.size) bytes, sha256 \(report.file.sha256 ?? "-"))")
        try line(
            "status:  \(report.status.rawValue), partner \(report.partnerId), \(report.kind.rawValue), \(report.startedAt) to \(report.finishedAt)"
        )
        try line("counts:  " + counts.text)
        let series = report.items.compactMap(\.occurrences)
        if !series.isEmpty {
            let sum = series.reduce(OccurrenceCounts(), +)
            try line(
                "series:  \(series.count), occurrences added \(sum.added), updated \(sum.updated), cancelled \(sum.cancelled), "
                    + "deleted \(sum.deleted), unchanged \(sum.unchanged)")
        }
        if !report.conflicts.isEmpty { try line("conflicts: \(report.conflicts.count)") }
        if let code = report.code { try line("error:   \(code): \(report.message ?? "")") }
        for item in report.items where item.result == .rejected || !item.warnings.isEmpty {
            let name = item.uid ?? item.systemName ?? "-"
            if item.result == .rejected {
                try line("  line \(item.line) \(name): rejected, \(item.code ?? "-"): \(item.message ?? "")")
            }
            for warning in item.warnings {
                try line("  line \(item.line) \(name): warning, \(warning.code): \(warning.message)")
            }
        }
        for conflict in report.conflicts {
            let place = conflict.resourceId.map { "on resource \($0)" } ?? "with a blackout"
            try line(
                "  conflict: event \(conflict.eventId) overlaps event \(conflict.otherEventId) \(place), \(conflict.from) to \(conflict.to)"
            )
        }
        if !text.isEmpty { try emit(text) }
    }
}

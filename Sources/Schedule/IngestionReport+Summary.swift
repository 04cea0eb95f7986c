import ICalendar

extension IngestionReport {
    /// A short text summary for people: the file, the outcome, the counts, and every rejection and warning, one line
    /// each; control characters a partner wrote are shown escaped (`\u{1B}`), never obeyed by a terminal.
    /// A nil `jobId` is a dry run, and the summary says nothing was stored.
    public func summary(jobId: Int64?) -> String {
        let report = self
        let counts = report.counts
        var lines = [
            jobId.map { "scheduledrop report, job \($0)" } ?? "scheduledrop report, dry run (nothing was stored)",
            "file:    \(report.file.folderId):\(report.file.path) (\(report.file.size) bytes, sha256 \(report.file.sha256 ?? "-"))",
            "status:  \(report.status.rawValue), partner \(report.partnerId), \(report.kind.rawValue), \(report.startedAt) to \(report.finishedAt)",
            "counts:  " + counts.text,
        ]
        let series = report.items.compactMap(\.occurrences)
        if !series.isEmpty {
            let sum = series.reduce(OccurrenceCounts(), +)
            lines.append(
                "series:  \(series.count), occurrences added \(sum.added), updated \(sum.updated), cancelled \(sum.cancelled), "
                    + "deleted \(sum.deleted), unchanged \(sum.unchanged)")
        }
        if !report.conflicts.isEmpty { lines.append("conflicts: \(report.conflicts.count)") }
        if let code = report.code { lines.append("error:   \(code): \(report.message ?? "")") }
        for item in report.items where item.result == .rejected || !item.warnings.isEmpty {
            let name = item.uid ?? item.systemName ?? "-"
            if item.result == .rejected {
                lines.append("  line \(item.line) \(name): rejected, \(item.code ?? "-"): \(item.message ?? "")")
            }
            for warning in item.warnings {
                lines.append("  line \(item.line) \(name): warning, \(warning.code): \(warning.message)")
            }
        }
        for conflict in report.conflicts {
            let place = conflict.resourceId.map { "on resource \($0)" } ?? "with a blackout"
            lines.append(
                "  conflict: event \(conflict.eventId) overlaps event \(conflict.otherEventId) \(place), \(conflict.from) to \(conflict.to)"
            )
        }
        return lines.map { ControlCharacters.escaping(in: $0) }.joined(separator: "\n") + "\n"
    }
}

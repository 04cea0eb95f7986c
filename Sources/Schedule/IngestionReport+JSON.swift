import Foundation

extension IngestionReport {
    /// The report's JSON, the form written to files, the store and standard output.
    ///
    /// Keys are sorted, absent optionals are left out, and each item is one line, so a large report is
    /// readable and diffable. Written directly rather than through `JSONEncoder`, which builds a tree of
    /// the whole report first: for 100,000 items that costs seconds and hundreds of megabytes.
    /// `JSONDecoder` reads it back into an equal report. Built into one buffer reserved for the whole report (an
    /// estimate; pages never written are never resident); `writeJSON` streams it instead.
    public func json() -> Data {
        var data = Data(capacity: 4096 + 320 * (items.count + conflicts.count))
        writeJSON { data.append(contentsOf: $0) }
        return data
    }

    /// Hands the report's JSON (`json()`'s text) to `emit` about a megabyte at a time, so a large report is never held
    /// whole: it goes to its file, and from there into the store.
    public func writeJSON(_ emit: ([UInt8]) throws -> Void) rethrows {
        var out = JSONText()
        func spill() throws {
            guard out.bytes.count >= 1 << 20 else { return }
            try emit(out.bytes)
            out.bytes.removeAll(keepingCapacity: true)
        }
        out.raw("{\n")
        if let code { out.field("code", code, indent: 2) }
        out.raw("  \"conflicts\": [")
        for (index, conflict) in conflicts.enumerated() {
            out.raw(index == 0 ? "\n    {" : ",\n    {")
            out.members([
                ("eventId", .int(conflict.eventId)), ("from", .string(conflict.from)), ("otherEventId", .int(conflict.otherEventId)),
                ("resourceId", conflict.resourceId.map(JSONText.Value.int)), ("to", .string(conflict.to)),
            ])
            out.raw("}")
            try spill()
        }
        out.raw(conflicts.isEmpty ? "],\n" : "\n  ],\n")
        out.raw("  \"counts\": {")
        out.members([
            ("added", .int(Int64(counts.added))), ("cancelled", .int(Int64(counts.cancelled))), ("deleted", .int(Int64(counts.deleted))),
            ("rejected", .int(Int64(counts.rejected))), ("unchanged", .int(Int64(counts.unchanged))),
            ("updated", .int(Int64(counts.updated))), ("warnings", .int(Int64(counts.warnings))),
        ])
        out.raw("},\n  \"file\": {")
        out.members([
            ("etag", file.etag.map(JSONText.Value.string)), ("folderId", .string(file.folderId)),
            ("mtime", file.mtime.map(JSONText.Value.string)), ("path", .string(file.path)),
            ("sha256", file.sha256.map(JSONText.Value.string)), ("size", .int(file.size)),
        ])
        out.raw("},\n")
        out.field("finishedAt", finishedAt, indent: 2)
        out.raw("  \"items\": [")
        for (index, item) in items.enumerated() {
            out.raw(index == 0 ? "\n    {" : ",\n    {")
            out.members([
                ("action", .string(item.action)), ("code", item.code.map(JSONText.Value.string)), ("id", item.id.map(JSONText.Value.int)),
                ("line", .int(Int64(item.line))), ("message", item.message.map(JSONText.Value.string)),
                (
                    "occurrences",
                    item.occurrences.map {
                        .object([
                            ("added", .int(Int64($0.added))), ("cancelled", .int(Int64($0.cancelled))),
                            ("deleted", .int(Int64($0.deleted))), ("unchanged", .int(Int64($0.unchanged))),
                            ("updated", .int(Int64($0.updated))),
                        ])
                    }
                ),
                ("recurrenceKey", item.recurrenceKey.map(JSONText.Value.string)), ("result", .string(item.result.rawValue)),
                ("systemName", item.systemName.map(JSONText.Value.string)), ("uid", item.uid.map(JSONText.Value.string)),
            ])

            out.raw(", \"warnings\": [")
            for (position, warning) in item.warnings.enumerated() {
                out.raw(position == 0 ? "{" : ", {")
                out.members([("code", .string(warning.code)), ("message", .string(warning.message))])
                out.raw("}")
            }
            out.raw("]}")
            try spill()
        }
        out.raw(items.isEmpty ? "],\n" : "\n  ],\n")
        out.field("kind", kind.rawValue, indent: 2)
        if let message { out.field("message", message, indent: 2) }
        out.raw("  \"partnerId\": \(partnerId),\n")
        out.field("startedAt", startedAt, indent: 2)
        out.raw("  \"status\": ")
        out.string(status.rawValue)
        out.raw("\n}")
        try emit(out.bytes)
    }

    /// Several reports' JSON as one JSON array.
    public static func jsonArray(_ reports: [IngestionReport]) -> Data {
        var data = Data("[\n".utf8)
        for (index, report) in reports.enumerated() {
            if index > 0 { data.append(contentsOf: ",\n".utf8) }
            data.append(report.json())
        }
        data.append(contentsOf: "\n]".utf8)
        return data
    }
}

import Foundation
import ICalendar
import Schedule
import ScheduleStore

/// Ingests a resource CSV into the store, inside the job's transaction.
///
/// Rows are applied in dependency order, not file order: a row waits for the row of the file that
/// adds its parent (anywhere in the file), and for the previous row about the same resource, so rows
/// about one resource keep their file order. A parent not added by the file is looked up in the
/// store, as it is when the row adding it was rejected. Rows whose parents lead back to themselves
/// are rejected as a cycle, and rows waiting on them as missing their parent. Each row is applied by
/// `ResourceWriter`, whose rules the API's resource writes share: update changes only the fields whose
/// cells are not empty, and never a resource's type (type and system name identify a resource); only a
/// location is a parent; delete is soft. Each row is one item, reported in file order with its line. Linear in
/// the rows, apart from the store lookups each row makes.
struct ResourceJob: FileJob {
    /// The partner that owns the resources.
    let partnerId: Int

    /// A job for the resources of `settings`' partner.
    init(settings: JobSettings, now: Int64) {
        partnerId = settings.partnerId
    }

    /// The error's `csv.*` code, and its message with its line and column.
    static func failure(_ error: CSVError) -> (code: String, message: String) {
        (error.code.rawValue, error.placedMessage)
    }

    private struct Key: Hashable {
        var type: ResourceType
        var systemName: String
    }

    /// What a row is about within the file: its resourceId when given, else its type and system name.
    private enum Identity: Hashable {
        case id(Int64)
        case key(Key)
    }

    /// Reads the file at `path` (counting its bytes in `progress`) and applies every row; throws `CSVError` for a
    /// file that cannot be read.
    func ingest(path: String, progress: ReadProgress?, into transaction: any StoreTransaction) throws -> JobOutput {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path, progress: progress)
        } catch let error as ICalendarError {
            throw CSVError(.readFailed, line: 0, error.message)
        }
        var reader = ResourceCSVReader(source)
        var lines: [ResourceCSVLine] = []
        while let line = try reader.next() { lines.append(line) }
        var items: [ItemReport?] = Array(repeating: nil, count: lines.count)
        var statuses: [ResourceStatus?] = Array(repeating: nil, count: lines.count)
        let rows: [ResourceRow?] = lines.map { try? $0.row.get() }
        for (index, line) in lines.enumerated() {
            if case .failure(let error) = line.row { items[index] = rejected(line, error) }
        }
        let valid = rows.indices.filter { rows[$0] != nil }

        // The first row of the file that may create each (type, systemName): an add or add-or-update.
        var adders: [Key: Int] = [:]
        for index in valid {
            guard let row = rows[index], !row.systemName.isEmpty, row.action == .add || row.action == .addOrUpdate else { continue }
            let key = Key(type: row.type, systemName: row.systemName)
            if adders[key] == nil { adders[key] = index }
        }
        var prerequisites: [Int: [Int]] = [:]
        var lastAbout: [Identity: Int] = [:]
        for index in valid {
            let row = rows[index]!
            var waitsFor: [Int] = []
            if row.action != .delete, !row.parentSystemName.isEmpty,
                let adder = adders[Key(type: row.parentType, systemName: row.parentSystemName)], adder != index
            {
                waitsFor.append(adder)
            }
            let identity: Identity? =
                row.resourceId.map(Identity.id) ?? (row.systemName.isEmpty ? nil : .key(Key(type: row.type, systemName: row.systemName)))
            if let identity {
                if let previous = lastAbout[identity] { waitsFor.append(previous) }
                lastAbout[identity] = index
            }
            prerequisites[index] = waitsFor
        }

        let (order, blocked) = Self.dependencyOrder(valid, prerequisites: prerequisites)
        var resolved: [Key: Int64] = [:]
        for index in order {
            let row = rows[index]!
            do {
                let parentId = try resolveParent(of: row, resolved: resolved, adders: adders, lines: lines, transaction: transaction)
                let (result, resource) = try ResourceWriter(partnerId: partnerId, transaction: transaction).apply(row, parentId: parentId)
                items[index] = ItemReport(
                    line: row.line, systemName: lines[index].systemName, action: row.action.name, result: result, id: resource.id,
                    warnings: row.warnings)
                statuses[index] = resource.status
                if resource.status != .deleted && !resource.systemName.isEmpty {
                    resolved[Key(type: resource.type, systemName: resource.systemName)] = resource.id
                }
            } catch let error as ValidationError {
                items[index] = rejected(lines[index], error, warnings: row.warnings)
            }
        }
        let inCycle = Self.cycleMembers(blocked, prerequisites: prerequisites)
        let blockedRows = Set(blocked)
        for index in blocked {
            let row = rows[index]!
            let error: ValidationError
            if inCycle.contains(index) {
                error = ValidationError(.parentCycle, "the parents of \(row.type.csvName) '\(row.systemName)' lead back to it")
            } else {
                let waited = (prerequisites[index] ?? []).first { blockedRows.contains($0) } ?? index
                error = ValidationError(
                    .parentMissing,
                    "parent \(row.parentType.csvName) '\(row.parentSystemName)' could not be applied (line \(lines[waited].line))")
            }
            items[index] = rejected(lines[index], error, warnings: row.warnings)
        }
        let reports = items.map { $0! }
        return JobOutput(
            items: ItemList(reports),
            kalturaLog: KalturaLog(extension: "csv") { [lines, statuses] sink in
                try Self.writeKalturaLog(lines, reports, statuses: statuses, to: sink)
            })
    }

    private func rejected(_ line: ResourceCSVLine, _ error: ValidationError, warnings: [ReportWarning] = []) -> ItemReport {
        ItemReport(
            line: line.line, systemName: line.systemName, action: line.actionName, result: .rejected, code: error.code,
            message: error.message, warnings: warnings)
    }

    /// The id of a row's parent: the resource a row of the file added (applied before), or the store's.
    private func resolveParent(
        of row: ResourceRow, resolved: [Key: Int64], adders: [Key: Int], lines: [ResourceCSVLine], transaction: any StoreTransaction
    ) throws -> Int64? {
        guard row.action != .delete, !row.parentSystemName.isEmpty else { return nil }
        let key = Key(type: row.parentType, systemName: row.parentSystemName)
        if key == Key(type: row.type, systemName: row.systemName) {
            throw ValidationError(.parentCycle, "\(row.type.csvName) '\(row.systemName)' is its own parent")
        }
        if let id = resolved[key] { return id }
        guard let parent = try transaction.resource(partnerId: partnerId, type: row.parentType, systemName: row.parentSystemName),
            parent.status != .deleted, let id = parent.id
        else {
            let rejectedAdder = adders[key].map { " (the row adding it at line \(lines[$0].line) was rejected)" } ?? ""
            throw ValidationError(
                .parentMissing, "no \(row.parentType.csvName) '\(row.parentSystemName)' exists for partner \(partnerId)\(rejectedAdder)")
        }
        return id
    }

    /// The rows in an order where every row comes after its prerequisites, and the rows left blocked
    /// (in a cycle, or waiting on one).
    ///
    /// Rows free to go are taken in file order, each followed at once (depth-first) by the rows it
    /// freed, so a file already in order is applied in file order. Linear in rows and prerequisites.
    static func dependencyOrder(_ indices: [Int], prerequisites: [Int: [Int]]) -> (order: [Int], blocked: [Int]) {
        var unmet: [Int: Int] = [:]
        var dependents: [Int: [Int]] = [:]
        for index in indices {
            let waitsFor = prerequisites[index] ?? []
            unmet[index] = waitsFor.count
            for prerequisite in waitsFor { dependents[prerequisite, default: []].append(index) }
        }
        var order: [Int] = []
        order.reserveCapacity(indices.count)
        let free = indices.filter { unmet[$0] == 0 }
        for root in free {
            var stack = [root]
            while let next = stack.popLast() {
                order.append(next)
                var freed: [Int] = []
                for dependent in dependents[next] ?? [] {
                    unmet[dependent]! -= 1
                    if unmet[dependent] == 0 { freed.append(dependent) }
                }
                stack.append(contentsOf: freed.reversed())
            }
        }
        let applied = Set(order)
        return (order, indices.filter { !applied.contains($0) })
    }

    /// The blocked rows that lie on a cycle: what remains after peeling, again and again, the rows no other blocked row waits for.
    static func cycleMembers(_ blocked: [Int], prerequisites: [Int: [Int]]) -> Set<Int> {
        var remaining = Set(blocked)
        var waitedOnBy: [Int: Int] = [:]
        for index in blocked {
            for prerequisite in prerequisites[index] ?? [] where remaining.contains(prerequisite) {
                waitedOnBy[prerequisite, default: 0] += 1
            }
        }
        var sinks = blocked.filter { waitedOnBy[$0, default: 0] == 0 }
        while let sink = sinks.popLast() {
            remaining.remove(sink)
            for prerequisite in prerequisites[sink] ?? [] where remaining.contains(prerequisite) {
                waitedOnBy[prerequisite]! -= 1
                if waitedOnBy[prerequisite] == 0 { sinks.append(prerequisite) }
            }
        }
        return remaining
    }

    /// Writes Kaltura's bulk-upload log into `sink`: each data row as read, plus resultStatus (1 error, 2 OK),
    /// objectId, objectStatus and errorDescription.
    static func writeKalturaLog(
        _ lines: [ResourceCSVLine], _ items: [ItemReport], statuses: [ResourceStatus?], to sink: FileByteSink
    ) throws {
        for (index, (line, item)) in zip(lines, items).enumerated() {
            let ok = item.result != .rejected
            let status = statuses[index].map { String($0.rawValue) } ?? ""
            let extra = [ok ? "2" : "1", item.id.map(String.init) ?? "", status, item.message ?? ""]
            var row = Array(((line.cells + extra).map(csvField).joined(separator: ",") + "\r\n").utf8)
            try row.withUnsafeMutableBytes { try sink.write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// A CSV field, quoted when it must be; control characters (but line breaks) are replaced by U+FFFD, and a value
    /// a spreadsheet would take for a formula (starting `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed
    /// with `'`, so that opening the log never runs what a partner wrote.
    static func csvField(_ cell: String) -> String {
        var value = ControlCharacters.replacing(in: cell, allowingLineFeed: true)
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) || value.hasPrefix(" ") || value.hasSuffix(" ") else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What a job's parser produced: the items, Kaltura's log of them, and the conflicts of what it committed.
struct JobOutput {
    /// One row per item, in file order.
    var items: ItemList
    /// Kaltura's bulk-upload log of the items.
    var kalturaLog: KalturaLog? = nil
    /// The committed events that overlap others (SPEC §3.4).
    var conflicts: ConflictList = []
}

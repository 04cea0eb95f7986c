import Foundation
import ICalendar
import Schedule
import ScheduleStore

/// Ingests a resource CSV into the store, inside the job's transaction.
///
/// Rows are applied in dependency order, not file order: a row whose parent is added by another
/// row of the file (anywhere in it) is applied after that row. A parent is otherwise looked up in
/// the store, as it is when the row adding it was rejected. Rows whose parents lead back to themselves are rejected as a cycle.
/// Update changes only the fields whose cells are not empty, and never a resource's type (type
/// and system name identify a resource); delete is soft. Each row is one item, reported in file
/// order with its line.
struct ResourceJob {
    /// The partner that owns the resources.
    let partnerId: Int

    /// The most parents followed when checking a new parent against the store for a cycle.
    static let maximumDepth = 64

    private struct Key: Hashable {
        var type: ResourceType
        var systemName: String
    }

    /// Reads the file at `path` and applies every row; throws `CSVError` for a file that cannot be read.
    func ingest(path: String, into transaction: any StoreTransaction) throws -> JobOutput {
        var reader = ResourceCSVReader(try FileByteSource(path: path))
        var lines: [ResourceCSVLine] = []
        while let line = try reader.next() { lines.append(line) }
        var items: [ItemReport?] = Array(repeating: nil, count: lines.count)
        var rows: [ResourceRow?] = lines.map { try? $0.row.get() }
        for (index, line) in lines.enumerated() {
            if case .failure(let error) = line.row { items[index] = rejected(line, error) }
        }
        let valid = rows.indices.filter { rows[$0] != nil }

        // The first row of the file that may create each (type, systemName): an add or add-or-update.
        var definers: [Key: Int] = [:]
        for index in valid {
            guard let row = rows[index], !row.systemName.isEmpty, row.action == .add || row.action == .addOrUpdate else { continue }
            let key = Key(type: row.type, systemName: row.systemName)
            if let first = definers[key] {
                if row.action == .add && rows[first]?.action == .add {
                    items[index] = rejected(
                        lines[index],
                        ValidationError(
                            .duplicateSystemName, "\(row.type.csvName) '\(row.systemName)' is already added at line \(lines[first].line)"))
                    rows[index] = nil
                }
            } else {
                definers[key] = index
            }
        }
        /// The row of the file that defines a row's parent (the row itself if it names itself), if any.
        func parentDefiner(_ index: Int) -> Int? {
            guard let row = rows[index], !row.parentSystemName.isEmpty else { return nil }
            return definers[Key(type: row.parentType, systemName: row.parentSystemName)]
        }

        var resolved: [Key: Int64] = [:]
        for index in Self.dependencyOrder(valid.filter { rows[$0] != nil }, parent: parentDefiner) {
            guard let row = rows[index] else { continue }
            let item: ItemReport
            do {
                let parentId = try resolveParent(
                    of: row, index: index, definer: parentDefiner(index), lines: lines, items: items, resolved: resolved,
                    transaction: transaction)
                let (result, resource) = try apply(row, parentId: parentId, transaction: transaction)
                item = ItemReport(
                    line: row.line, systemName: lines[index].systemName, action: row.action.name, result: result, id: resource.id,
                    warnings: row.warnings)
                if result != .rejected && resource.status != .deleted && !resource.systemName.isEmpty {
                    resolved[Key(type: resource.type, systemName: resource.systemName)] = resource.id
                }
            } catch let error as ValidationError {
                item = rejected(lines[index], error, warnings: row.warnings)
            }
            items[index] = item
        }
        // Rows never reached are in a cycle, or hang below one.
        for index in valid where items[index] == nil {
            guard let row = rows[index] else { continue }
            let inCycle = Self.isInCycle(index, parent: parentDefiner)
            let error =
                inCycle
                ? ValidationError(.parentCycle, "the parents of \(row.type.csvName) '\(row.systemName)' lead back to it")
                : ValidationError(
                    .parentMissing, "parent \(row.parentType.csvName) '\(row.parentSystemName)' is in a cycle and was rejected")
            items[index] = rejected(lines[index], error, warnings: row.warnings)
        }
        let reports = items.map { $0! }
        return JobOutput(items: reports, kalturaLog: Self.kalturaLog(lines, reports))
    }

    private func rejected(_ line: ResourceCSVLine, _ error: ValidationError, warnings: [ReportWarning] = []) -> ItemReport {
        ItemReport(
            line: line.line, systemName: line.systemName, action: line.actionName, result: .rejected, code: error.code,
            message: error.message, warnings: warnings)
    }

    /// The id of a row's parent: from the row of the file that defines it (applied before), or from the store.
    private func resolveParent(
        of row: ResourceRow, index: Int, definer: Int?, lines: [ResourceCSVLine], items: [ItemReport?], resolved: [Key: Int64],
        transaction: any StoreTransaction
    ) throws -> Int64? {
        guard !row.parentSystemName.isEmpty else { return nil }
        let key = Key(type: row.parentType, systemName: row.parentSystemName)
        let name = "\(row.parentType.csvName) '\(row.parentSystemName)'"
        if definer == index {
            throw ValidationError(.parentCycle, "\(row.type.csvName) '\(row.systemName)' is its own parent")
        }
        if let id = resolved[key] { return id }
        guard let parent = try transaction.resource(partnerId: partnerId, type: row.parentType, systemName: row.parentSystemName),
            parent.status != .deleted, let id = parent.id
        else {
            let rejectedDefiner = definer.map { " (the row adding it at line \(lines[$0].line) was rejected)" } ?? ""
            throw ValidationError(.parentMissing, "no \(name) exists for partner \(partnerId)\(rejectedDefiner)")
        }
        return id
    }

    /// Applies one row and returns its result and the resource as it now stands.
    private func apply(_ row: ResourceRow, parentId: Int64?, transaction: any StoreTransaction) throws -> (ItemResult, ScheduleResource) {
        let existing = try find(row, transaction: transaction)
        switch row.action {
        case .delete:
            guard var resource = existing, resource.status != .deleted else {
                guard let existing, existing.status == .deleted else { throw notFound(row) }
                return (.unchanged, existing)
            }
            resource.status = .deleted
            try transaction.update(resource)
            return (.deleted, resource)
        case .update:
            guard let resource = existing, resource.status != .deleted else { throw notFound(row) }
            return try change(resource, with: row, parentId: parentId, transaction: transaction)
        case .addOrUpdate where existing != nil && existing?.status != .deleted:
            return try change(existing!, with: row, parentId: parentId, transaction: transaction)
        case .add, .addOrUpdate:
            if let existing, existing.status != .deleted {
                throw ValidationError(
                    .duplicateSystemName, "\(row.type.csvName) '\(row.systemName)' already exists (resource \(existing.id ?? 0))")
            }
            var resource = ScheduleResource(
                id: existing?.id, partnerId: partnerId, type: row.type, name: row.name ?? "", systemName: row.systemName,
                description: row.description ?? "", tags: row.tags ?? "", parentId: parentId)
            if existing != nil {
                try transaction.update(resource)
            } else {
                resource.id = try transaction.insert(resource)
            }
            return (.added, resource)
        }
    }

    /// The stored resource a row names: by resourceId when given, else by type and system name.
    private func find(_ row: ResourceRow, transaction: any StoreTransaction) throws -> ScheduleResource? {
        if let id = row.resourceId { return try transaction.resource(partnerId: partnerId, id: id) }
        guard !row.systemName.isEmpty else { return nil }
        return try transaction.resource(partnerId: partnerId, type: row.type, systemName: row.systemName)
    }

    private func notFound(_ row: ResourceRow) -> ValidationError {
        let key = row.resourceId.map { "resource \($0)" } ?? "\(row.type.csvName) '\(row.systemName)'"
        return ValidationError(.notFound, "\(key) does not exist for partner \(partnerId)")
    }

    /// Updates `resource` with the row's non-empty cells; unchanged if nothing differs.
    private func change(
        _ resource: ScheduleResource, with row: ResourceRow, parentId: Int64?, transaction: any StoreTransaction
    ) throws -> (ItemResult, ScheduleResource) {
        var updated = resource
        updated.name = row.name ?? resource.name
        updated.description = row.description ?? resource.description
        updated.tags = row.tags ?? resource.tags
        if row.resourceId != nil, !row.systemName.isEmpty, row.systemName != resource.systemName {
            if let other = try transaction.resource(partnerId: partnerId, type: resource.type, systemName: row.systemName),
                other.id != resource.id
            {
                throw ValidationError(
                    .duplicateSystemName, "\(resource.type.csvName) '\(row.systemName)' already exists (resource \(other.id ?? 0))")
            }
            updated.systemName = row.systemName
        }
        if let parentId {
            try checkNoCycle(resource: resource, newParent: parentId, transaction: transaction)
            updated.parentId = parentId
        }
        guard updated != resource else { return (.unchanged, resource) }
        try transaction.update(updated)
        return (.updated, updated)
    }

    /// Throws `parentCycle` if `newParent` is `resource` or one of its descendants in the store.
    private func checkNoCycle(resource: ScheduleResource, newParent: Int64, transaction: any StoreTransaction) throws {
        var current: Int64? = newParent
        for _ in 0..<Self.maximumDepth {
            guard let id = current else { return }
            if id == resource.id {
                throw ValidationError(.parentCycle, "the new parent of \(resource.type.csvName) '\(resource.systemName)' descends from it")
            }
            current = try transaction.resource(partnerId: partnerId, id: id)?.parentId
        }
        throw ValidationError(
            .parentCycle, "the parents of \(resource.type.csvName) '\(resource.systemName)' go deeper than \(Self.maximumDepth)")
    }

    /// The rows in an order where every row comes after the row adding its parent; rows in or below a cycle are left out.
    ///
    /// Rows free to go are taken in file order, each followed at once (depth-first) by the rows that
    /// waited for it, so a file already in order is applied in file order. Linear in the rows.
    static func dependencyOrder(_ indices: [Int], parent: (Int) -> Int?) -> [Int] {
        var children: [Int: [Int]] = [:]
        var free: [Int] = []
        for index in indices {
            if let parent = parent(index), parent != index {
                children[parent, default: []].append(index)
            } else {
                free.append(index)
            }
        }
        var order: [Int] = []
        order.reserveCapacity(indices.count)
        for root in free {
            var stack = [root]
            while let next = stack.popLast() {
                order.append(next)
                stack.append(contentsOf: (children[next] ?? []).reversed())
            }
        }
        return order
    }

    /// Whether following parents from `index` through the file comes back to it.
    static func isInCycle(_ index: Int, parent: (Int) -> Int?) -> Bool {
        var seen = Set<Int>()
        var current = parent(index)
        while let next = current, seen.insert(next).inserted {
            if next == index { return true }
            current = parent(next)
        }
        return false
    }

    /// Kaltura's bulk-upload log: each data row as read, plus resultStatus (1 error, 2 OK), objectId,
    /// objectStatus and errorDescription.
    static func kalturaLog(_ lines: [ResourceCSVLine], _ items: [ItemReport]) -> Data {
        var text = Data()
        for (line, item) in zip(lines, items) {
            let ok = item.result != .rejected
            let status = ok ? (line.actionName == ResourceAction.delete.name ? ResourceStatus.deleted : .active).rawValue : nil
            let extra = [ok ? "2" : "1", item.id.map(String.init) ?? "", status.map(String.init) ?? "", item.message ?? ""]
            text.append(contentsOf: ((line.cells + extra).map(csvField).joined(separator: ",") + "\r\n").utf8)
        }
        return text
    }

    /// A CSV field, quoted when it must be.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) || value.hasPrefix(" ") || value.hasSuffix(" ") else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What a job's parser produced: the items, and for resource CSVs Kaltura's log of the rows.
struct JobOutput {
    /// One row per item, in file order.
    var items: [ItemReport]
    /// Kaltura's CSV log shape, when the kind has one.
    var kalturaLog: Data? = nil
}

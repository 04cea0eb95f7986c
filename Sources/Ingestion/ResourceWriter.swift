import Schedule
import ScheduleStore

/// Applies one resource change (a CSV row, or a `scheduleResource` call) inside a transaction, by the rules every way in
/// shares: a system name is unique per partner and type, a parent is a resource of the partner that is not deleted and
/// of a kind that holds resources (`ResourceType.holdsResources`), parents never lead back to the resource, a
/// delete is soft, and an update changes only the fields it gives and never a resource's type.
struct ResourceWriter {
    /// The partner that owns the resources.
    let partnerId: Int
    let transaction: any StoreTransaction

    /// Applies one row whose parent is `parentId` (already resolved) and returns its result and the resource as it now stands.
    func apply(_ row: ResourceRow, parentId: Int64?) throws -> (ItemResult, ScheduleResource) {
        let existing = try find(row)
        if row.action == .addOrUpdate, row.resourceId != nil, existing?.status == .deleted {
            throw ValidationError(.notFound, "resource \(row.resourceId!) was deleted; add it anew without a resourceId")
        }
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
            return try change(resource, with: row, parentId: parentId)
        case .addOrUpdate where existing != nil && existing?.status != .deleted:
            return try change(existing!, with: row, parentId: parentId)
        case .add, .addOrUpdate:
            if let existing, existing.status != .deleted {
                throw ValidationError(
                    .duplicateSystemName, "\(row.type.csvName) '\(row.systemName)' already exists (resource \(existing.id ?? 0))")
            }
            if let parentId { try checkParent(parentId, of: row.type) }
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

    /// The partner's live resource `id`, to be the parent of a resource of `type`; throws `parentMissing` when there is
    /// none, `parentKind` when it is of a kind that cannot hold `type`.
    @discardableResult
    func checkParent(_ id: Int64, of type: ResourceType) throws -> ScheduleResource {
        guard let parent = try transaction.resource(partnerId: partnerId, id: id), parent.status != .deleted else {
            throw ValidationError(.parentMissing, "no resource \(id) exists for partner \(partnerId)")
        }
        guard parent.type.holdsResources else {
            throw ValidationError(
                .parentKind, "a \(parent.type.csvName) (resource \(id)) cannot hold a \(type.csvName): only a location holds resources")
        }
        return parent
    }

    /// The stored resource a row names: by resourceId when given (but never for an add, which is about
    /// its type and system name), else by type and system name.
    private func find(_ row: ResourceRow) throws -> ScheduleResource? {
        if let id = row.resourceId, row.action != .add { return try transaction.resource(partnerId: partnerId, id: id) }
        guard !row.systemName.isEmpty else { return nil }
        return try transaction.resource(partnerId: partnerId, type: row.type, systemName: row.systemName)
    }

    private func notFound(_ row: ResourceRow) -> ValidationError {
        let key = row.resourceId.map { "resource \($0)" } ?? "\(row.type.csvName) '\(row.systemName)'"
        return ValidationError(.notFound, "\(key) does not exist for partner \(partnerId)")
    }

    /// Updates `resource` with the row's given fields; unchanged if nothing differs.
    private func change(_ resource: ScheduleResource, with row: ResourceRow, parentId: Int64?) throws -> (ItemResult, ScheduleResource) {
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
        if let parentId, parentId != resource.parentId {
            try checkParent(parentId, of: resource.type)
            try checkNoCycle(resource: resource, newParent: parentId)
            updated.parentId = parentId
        }
        guard updated != resource else { return (.unchanged, resource) }
        try transaction.update(updated)
        return (.updated, updated)
    }

    /// Throws `parentCycle` if `newParent` is `resource` or one of its descendants in the store.
    private func checkNoCycle(resource: ScheduleResource, newParent: Int64) throws {
        var seen = Set<Int64>()
        var current: Int64? = newParent
        while let id = current, seen.insert(id).inserted {
            if id == resource.id {
                throw ValidationError(.parentCycle, "the new parent of \(resource.type.csvName) '\(resource.systemName)' descends from it")
            }
            current = try transaction.resource(partnerId: partnerId, id: id)?.parentId
        }
    }
}

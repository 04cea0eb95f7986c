import ICalendar

/// A column of a resource CSV.
public enum ResourceColumn: String, Sendable, CaseIterable {
    case action, resourceId, name, type, systemName, description, tags, parentType, parentSystemName

    /// The column order of a file without a header line (SPEC §3.3).
    public static let defaultOrder: [ResourceColumn] = [
        .action, .name, .type, .systemName, .description, .tags, .parentType, .parentSystemName,
    ]
}

/// One valid row of a resource CSV, with every default applied.
public struct ResourceRow: Equatable, Sendable {
    /// The 1-based line the row starts on.
    public var line: Int
    /// What the row asks for.
    public var action: ResourceAction
    /// The resource to update or delete, when given.
    public var resourceId: Int64?
    /// The name; nil when the cell is empty (an update then keeps the stored name).
    public var name: String?
    /// The type (default location).
    public var type: ResourceType
    /// The partner's key for the resource; empty when not given.
    public var systemName: String
    /// The description; nil when the cell is empty.
    public var description: String?
    /// The tags; nil when the cell is empty.
    public var tags: String?
    /// The parent's type (default location).
    public var parentType: ResourceType
    /// The parent's system name; empty for no parent.
    public var parentSystemName: String
    /// Warnings about how the row was read.
    public var warnings: [ReportWarning]

    /// Creates a row (an API call's is one with no line).
    public init(
        line: Int = 0, action: ResourceAction, resourceId: Int64? = nil, name: String? = nil, type: ResourceType = .location,
        systemName: String = "", description: String? = nil, tags: String? = nil, parentType: ResourceType = .location,
        parentSystemName: String = "", warnings: [ReportWarning] = []
    ) {
        self.line = line
        self.action = action
        self.resourceId = resourceId
        self.name = name
        self.type = type
        self.systemName = systemName
        self.description = description
        self.tags = tags
        self.parentType = parentType
        self.parentSystemName = parentSystemName
        self.warnings = warnings
    }
}

/// A data line of a resource CSV: a valid row, or a row rejected with its reason.
public struct ResourceCSVLine: Sendable {
    /// The 1-based line the row starts on.
    public var line: Int
    /// The cells as read, for Kaltura's CSV log.
    public var cells: [String]
    /// The row, or why it was rejected.
    public var row: Result<ResourceRow, ValidationError>
    /// The system name cell, for the report, even when the row is rejected.
    public var systemName: String?
    /// The action cell's meaning, or the cell itself when it means nothing.
    public var actionName: String
}

/// Reads a resource CSV (SPEC §3.3, the seed's "Configuring Resources") row by row.
///
/// Blank lines are skipped; a line whose first cell starts with `#` is a comment; a line whose
/// first cell starts with `*` is a header (a quoted first cell is data either way) that sets the columns of the rows after it, matched
/// case-insensitively (a file may change its order part-way). Before any header the default order
/// applies. A header naming an unknown column fails the file: it is not a resource CSV.
public struct ResourceCSVReader<Source: ByteSource> {
    private var csv: CSVReader<Source>
    private var columns = ResourceColumn.defaultOrder

    /// Creates a reader over `source`.
    public init(_ source: Source) {
        csv = CSVReader(source)
    }

    /// The next data line, or nil at the end; throws `CSVError` for a file that cannot be read.
    public mutating func next() throws -> ResourceCSVLine? {
        while let record = try csv.next() {
            let cells = record.fields.map(\.trimmingSpaces)
            guard let first = cells.first, cells.contains(where: { !$0.isEmpty }) else { continue }
            if !record.firstFieldQuoted && first.hasPrefix("#") { continue }
            if !record.firstFieldQuoted && first.hasPrefix("*") {
                columns = try Self.header(cells, line: record.line)
                continue
            }
            return line(record, cells: cells)
        }
        return nil
    }

    /// The columns a header line names.
    static func header(_ cells: [String], line: Int) throws -> [ResourceColumn] {
        var names = cells
        names[0] = String(names[0].dropFirst()).trimmingSpaces
        while names.last?.isEmpty == true { names.removeLast() }
        var columns: [ResourceColumn] = []
        for (index, name) in names.enumerated() {
            guard let column = ResourceColumn.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                throw CSVError(
                    .unknownColumn, line: line, column: index + 1,
                    "'\(name.prefix(60))' is not a resource CSV column (known: "
                        + ResourceColumn.allCases.map(\.rawValue).joined(separator: ", ") + "); is this another kind of CSV?")
            }
            guard !columns.contains(column) else {
                throw CSVError(.duplicateColumn, line: line, column: index + 1, "the column '\(name)' is named twice")
            }
            columns.append(column)
        }
        return columns
    }

    private func line(_ record: CSVRecord, cells: [String]) -> ResourceCSVLine {
        var controlled: [ResourceColumn] = []
        func cell(_ column: ResourceColumn) -> String {
            guard let index = columns.firstIndex(of: column), index < cells.count else { return "" }
            let value = cells[index]
            let lineFeeds = column == .description
            guard ControlCharacters.contains(value, allowingLineFeed: lineFeeds) else { return value }
            if !controlled.contains(column) { controlled.append(column) }
            return ControlCharacters.replacing(in: value, allowingLineFeed: lineFeeds)
        }
        let systemName = cell(.systemName)
        let actionCell = cell(.action)
        let action = ResourceAction(csvValue: actionCell)
        func rejected(_ code: ValidationError.Code, _ message: String) -> ResourceCSVLine {
            ResourceCSVLine(
                line: record.line, cells: record.fields, row: .failure(ValidationError(code, message)),
                systemName: systemName.isEmpty ? nil : systemName, actionName: action?.name ?? actionCell)
        }
        if cells.count > columns.count, cells[columns.count...].contains(where: { !$0.isEmpty }) {
            return rejected(.extraFields, "the row has \(cells.count) cells but its header has \(columns.count) columns")
        }
        guard let action else {
            return rejected(.unknownAction, "action '\(actionCell.prefix(40))' is not 1 (add), 2 (update), 3 (delete) or 6 (add or update)")
        }
        var resourceId: Int64?
        if !cell(.resourceId).isEmpty {
            guard let id = Int64(cell(.resourceId)), id > 0 else {
                return rejected(.invalidResourceId, "resourceId '\(cell(.resourceId).prefix(40))' is not a positive integer")
            }
            resourceId = id
        }
        let typeCell = cell(.type)
        guard let type = typeCell.isEmpty ? .location : ResourceType(csvValue: typeCell) else {
            return rejected(.unknownType, "type '\(typeCell.prefix(40))' is not location, camera or live_entry")
        }
        let parentTypeCell = cell(.parentType)
        guard let parentType = parentTypeCell.isEmpty ? .location : ResourceType(csvValue: parentTypeCell) else {
            return rejected(.unknownParentType, "parentType '\(parentTypeCell.prefix(40))' is not location, camera or live_entry")
        }
        let name = cell(.name)
        if name.isEmpty && (action == .add || action == .addOrUpdate) {
            return rejected(.missingName, "name is required to add a resource")
        }
        if (action == .update || action == .delete) && resourceId == nil && systemName.isEmpty {
            return rejected(.missingKey, "\(action.name) needs a resourceId or a systemName to find the resource")
        }
        let description = cell(.description)
        let tags = cell(.tags)
        let parentSystemName = cell(.parentSystemName)
        if let key = controlled.first(where: { $0 == .systemName || $0 == .parentSystemName }) {
            return rejected(
                .invalidSystemName, "\(key.rawValue) holds a control character (a NUL, an escape …); a system name must be printable text")
        }
        var warnings: [ReportWarning] = controlled.map { column in
            ReportWarning(
                code: ValidationError.Code.csvControlCharacter.rawValue,
                message: "\(column.rawValue) held control characters (a NUL, an escape …); each was replaced by U+FFFD")
        }
        if record.typographicQuotes {
            warnings.append(
                ReportWarning(
                    code: ValidationError.Code.typographicQuotes.rawValue,
                    message: "typographic quotes (“ ”) were read as quotes; use straight quotes (\")"))
        }
        let row = ResourceRow(
            line: record.line, action: action, resourceId: resourceId, name: name.isEmpty ? nil : name, type: type,
            systemName: systemName, description: description.isEmpty ? nil : description,
            tags: tags.isEmpty ? nil : tags, parentType: parentType, parentSystemName: parentSystemName,
            warnings: warnings)
        return ResourceCSVLine(
            line: record.line, cells: record.fields, row: .success(row), systemName: systemName.isEmpty ? nil : systemName,
            actionName: action.name)
    }
}

import ICalendar

/// Rows of cells as text columns padded to line up, two spaces apart; the last column is not padded. Control
/// characters in a cell (a line break, an escape sequence written by a partner) are shown escaped, not obeyed.
func alignedTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = ([header] + rows).map { row in row.map { ControlCharacters.escaping(in: $0) } }
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

// A libFuzzer target for the resource CSV reader, built by `scripts/fuzz csv` with swiftc against the ICalendar and
// Schedule modules compiled from their sources; it belongs to no SwiftPM target.
import ICalendar
import Schedule

/// Feeds the bytes to `ResourceCSVReader` up to its end or its first error. Errors are the reader's answer to bad
/// data; a crash, a hang or memory out of proportion to the input is a bug. Each row must keep its line, in order,
/// and a row that is read must hold no control character in what it stores.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var reader = ResourceCSVReader(BufferByteSource(Array(UnsafeRawBufferPointer(start: start, count: count))))
    var lastLine = 0
    while let line = try? reader.next() {
        guard line.line > lastLine else { fatalError("rows out of order: line \(line.line) after \(lastLine)") }
        lastLine = line.line
        guard case .success(let row) = line.row else { continue }
        for text in [row.name, row.systemName, row.tags, row.parentSystemName].compactMap({ $0 })
        where ControlCharacters.contains(text) {
            fatalError("a stored value holds a control character")
        }
        if let description = row.description, ControlCharacters.contains(description, allowingLineFeed: true) {
            fatalError("a description holds a control character")
        }
    }
    return 0
}

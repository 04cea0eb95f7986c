import Foundation

/// A report's JSON read a megabyte at a time, from memory or from the file it was streamed to, so a store writes a
/// large report without holding it whole.
struct ReportPieces {
    /// The most a piece holds.
    static let size = 1 << 20
    /// The text's length in bytes.
    let length: Int
    private let piece: (_ offset: Int, _ count: Int) throws -> Data
    private let file: FileHandle?

    /// Opens the text (its file, if it is in one).
    init(_ json: ReportJSON) throws {
        switch json {
        case .bytes(let data):
            length = data.count
            file = nil
            piece = { offset, count in data.subdata(in: data.startIndex + offset..<data.startIndex + offset + count) }
        case .file(let path):
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            file = handle
            let length = Int(try handle.seekToEnd())
            self.length = length
            try handle.seek(toOffset: 0)
            piece = { offset, count in
                guard let chunk = try handle.read(upToCount: count), chunk.count == count else {
                    throw ReportFileShortened(length: length, read: offset)
                }
                return chunk
            }
        }
    }

    /// Calls `body` with each piece and its offset, in order, then closes the file.
    func forEach(_ body: (_ offset: Int, _ piece: Data) throws -> Void) throws {
        defer { try? file?.close() }
        var offset = 0
        while offset < length {
            let count = min(Self.size, length - offset)
            try body(offset, try piece(offset, count))
            offset += count
        }
    }

    /// Calls `body` with each piece of `json`, in order.
    static func read(_ json: ReportJSON, _ body: (Data) throws -> Void) throws {
        try ReportPieces(json).forEach { _, piece in try body(piece) }
    }
}

/// A report file that ended before the length it had when its job began to store it.
struct ReportFileShortened: Error, CustomStringConvertible {
    var length: Int
    var read: Int
    var description: String { "the report file ended after \(read) of its \(length) bytes while it was stored" }
}

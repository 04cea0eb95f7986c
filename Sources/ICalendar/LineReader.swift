/// Reads physical lines from a byte source in bounded memory: CRLF, LF or lone CR ends them, and a
/// UTF-8 byte-order mark before the first line is dropped however the bytes arrive.
///
/// The line's bytes are handed out without their line end, in a buffer reused for the next line.
public struct LineReader<Source: ByteSource> {
    private var source: Source
    private var chunk: [UInt8]
    private var chunkCount = 0
    private var chunkPosition = 0
    private var endOfSource = false
    private var skipNextLineFeed = false
    private let maximumLength: Int
    /// The bytes of the line last read, without its line end.
    public private(set) var line: [UInt8] = []
    /// The 1-based number of the line last read (0 before the first).
    public private(set) var lineNumber = 0

    /// Creates a reader over `source`; a line longer than `maximumLength` bytes is an error.
    public init(_ source: Source, chunkSize: Int = 1 << 16, maximumLength: Int = 8 << 20) {
        self.source = source
        self.chunk = [UInt8](repeating: 0, count: chunkSize)
        self.maximumLength = maximumLength
        line.reserveCapacity(256)
    }

    /// Reads the next line into `line`; false at the end of the data.
    public mutating func next() throws -> Bool {
        line.removeAll(keepingCapacity: true)
        var sawAny = false
        while true {
            if chunkPosition == chunkCount {
                if endOfSource { break }
                chunkCount = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                chunkPosition = 0
                if chunkCount == 0 {
                    endOfSource = true
                    break
                }
            }
            if skipNextLineFeed {
                skipNextLineFeed = false
                if chunk[chunkPosition] == 0x0A {
                    chunkPosition += 1
                    continue
                }
            }
            sawAny = true
            let start = chunkPosition
            var end = start
            var terminator: UInt8 = 0
            chunk.withUnsafeBufferPointer { bytes in
                while end < chunkCount {
                    let byte = bytes[end]
                    if byte == 0x0A || byte == 0x0D {
                        terminator = byte
                        break
                    }
                    end += 1
                }
            }
            if line.count + (end - start) > maximumLength {
                throw ICalendarError(.lineTooLong, line: lineNumber + 1, "line longer than \(maximumLength) bytes")
            }
            line.append(contentsOf: chunk[start..<end])
            chunkPosition = end
            if terminator != 0 {
                chunkPosition += 1
                if terminator == 0x0D { skipNextLineFeed = true }
                return finishLine()
            }
        }
        guard sawAny && !line.isEmpty else { return false }
        return finishLine()
    }

    /// Counts the line just read; the first loses a UTF-8 byte-order mark.
    private mutating func finishLine() -> Bool {
        lineNumber += 1
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            line.removeFirst(3)
        }
        return true
    }
}

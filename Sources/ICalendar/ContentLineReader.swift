#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads unfolded content lines from a byte source, one at a time, in bounded memory.
///
/// Accepts a UTF-8 byte-order mark, CRLF, LF or lone CR line ends, and folding by a leading
/// space or tab (also after blank lines, as common readers do). Folded pieces are joined as bytes
/// before UTF-8 decoding, so a fold that splits a multi-byte character is read correctly. Blank
/// lines are skipped.
public struct ContentLineReader {
    /// The longest unfolded content line accepted, in bytes.
    public static var maximumLineLength: Int { 8 << 20 }

    private let window: ByteWindow
    private var physicalLines = 0
    private var startChecked = false
    private var joined: [UInt8] = []
    private var folds: [Range<Int>] = []
    private var parser = ContentLineParser()
    /// Where values go while a component is read (`beginComponent()`).
    private var arena = ValueArena()

    /// Creates a reader over `source`, reading `chunkSize` bytes at a time.
    public init<Source: ByteSource>(_ source: Source, chunkSize: Int = 1 << 18) {
        window = ByteWindow(source: source, chunkSize: chunkSize)
    }

    /// The number of physical lines read so far.
    public var linesRead: Int { physicalLines }

    /// Why the line `next()` returned last was repaired (bad UTF-8 read as U+FFFD); nil when it was read as written.
    public var repairOfLastLine: ICalendarError? { parser.repaired }

    /// Returns the next content line, or nil at the end of the data.
    public mutating func next() throws -> ContentLine? {
        if !startChecked {
            startChecked = true
            if try window.byte(at: 0) == 0xEF, try window.byte(at: 1) == 0xBB, try window.byte(at: 2) == 0xBF {
                window.consume(3)
            }
        }
        try skipBlankLines()
        guard try window.byte(at: 0) != nil else { return nil }
        let firstLine = physicalLines + 1
        if !folds.isEmpty { folds.removeAll(keepingCapacity: true) }
        var scanned = 0
        var length = 0
        var terminator = 0
        while true {
            guard let end = try lineEnd(from: scanned) else {
                length = window.available
                physicalLines += 1
                break
            }
            let bytes = window.bytes
            if end + 2 < bytes.count {
                // The common case, decided without reading more: the line end and the byte after it are in the buffer.
                let ending = bytes[end] == 0x0D && bytes[end + 1] == 0x0A ? 2 : 1
                let after = bytes[end + ending]
                if after != 0x20 && after != 0x09 && after != 0x0D && after != 0x0A {
                    length = end
                    terminator = ending
                    physicalLines += 1
                    break
                }
            }
            let ending = try lineEndLength(at: end)
            var next = end + ending
            var crossed = 1
            while let byte = try window.byte(at: next), byte == 0x0D || byte == 0x0A {
                next += try lineEndLength(at: next)
                crossed += 1
            }
            guard let byte = try window.byte(at: next), byte == 0x20 || byte == 0x09 else {
                length = end
                terminator = ending
                physicalLines += 1
                break
            }
            folds.append(end..<next + 1)
            physicalLines += crossed
            scanned = next + 1
        }
        defer { window.consume(length + terminator) }
        guard folds.isEmpty else {
            joined.removeAll(keepingCapacity: true)
            var from = 0
            let bytes = window.bytes
            for fold in folds {
                joined.append(contentsOf: bytes[from..<fold.lowerBound])
                from = fold.upperBound
            }
            joined.append(contentsOf: bytes[from..<length])
            return try joined.withUnsafeBufferPointer { try parser.parse($0, line: firstLine, arena: &arena) }
        }
        return try parser.parse(UnsafeBufferPointer(rebasing: window.bytes[0..<length]), line: firstLine, arena: &arena)
    }

    /// Keeps the values of the lines read from now on in one buffer shared by them, until `endComponent()`.
    mutating func beginComponent() {
        arena.open()
    }

    /// Makes each value read from now on a string of its own; the next component gets a buffer of its own.
    mutating func endComponent() {
        arena.close()
    }

    /// The length of the line end (CR or LF at `offset`): 2 for CRLF, else 1.
    private func lineEndLength(at offset: Int) throws -> Int {
        try window.byte(at: offset) == 0x0D && window.byte(at: offset + 1) == 0x0A ? 2 : 1
    }

    /// Consumes line ends standing alone (blank lines), counting them.
    private mutating func skipBlankLines() throws {
        while let byte = try window.byte(at: 0), byte == 0x0D || byte == 0x0A {
            let ending = try lineEndLength(at: 0)
            window.consume(ending)
            physicalLines += 1
        }
    }

    /// The offset of the first CR or LF at or after `offset`, reading more as needed; nil when the data ends first.
    private func lineEnd(from offset: Int) throws -> Int? {
        var offset = offset
        while true {
            let bytes = window.bytes
            if offset < bytes.count, let base = bytes.baseAddress {
                let rest = bytes.count - offset
                let feed = memchr(base + offset, 0x0A, rest).map { UnsafeRawPointer($0) - UnsafeRawPointer(base + offset) } ?? rest
                if let ret = memchr(base + offset, 0x0D, feed) {
                    return offset + (UnsafeRawPointer(ret) - UnsafeRawPointer(base + offset))
                }
                if feed < rest { return offset + feed }
                offset = bytes.count
            }
            guard offset <= Self.maximumLineLength else {
                throw ICalendarError(.lineTooLong, line: physicalLines + 1, "content line longer than \(Self.maximumLineLength) bytes")
            }
            guard try window.fill() else { return nil }
        }
    }
}

/// The start of `text`, cut to a length fit for an error message.
public func excerpt(_ text: String, limit: Int = 80) -> String {
    text.count > limit ? String(text.prefix(limit)) + "…" : text
}

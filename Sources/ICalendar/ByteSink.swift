#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Somewhere bytes go, in order: a file, or a buffer in memory.
public protocol ByteSink {
    /// Takes `bytes`; a sink may hold them back until `flush()`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws

    /// Passes on every byte held back.
    mutating func flush() throws
}

extension ByteSink {
    /// Does nothing: a sink holds nothing back unless it says so.
    public mutating func flush() throws {}
}

/// Bytes collected in an array.
public struct BufferByteSink: ByteSink, Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty sink.
    public init() {}

    /// Appends `bytes`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// A file written sequentially through its descriptor, in chunks of at least `bufferSize` bytes.
///
/// Call `flush()` at the end to learn of write errors; bytes still held back when the sink is
/// released are written then, errors ignored, and the file is closed.
public final class FileByteSink: ByteSink {
    private let descriptor: Int32
    private let bufferSize: Int
    private var buffer: [UInt8] = []

    /// Creates the file at `path`, or empties it, for writing.
    public init(path: String, bufferSize: Int = 1 << 16) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ICalendarError(.writeFailed, line: 0, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        self.bufferSize = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    deinit {
        try? flush()
        close(descriptor)
    }

    /// Buffers `bytes`, writing the buffer to the file once it holds `bufferSize` bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferSize { try flush() }
    }

    /// Writes the buffered bytes to the file.
    public func flush() throws {
        var offset = 0
        defer { buffer.removeFirst(offset) }
        try buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count >= 0 {
                    offset += count
                } else if errno != EINTR {
                    throw ICalendarError(.writeFailed, line: 0, "write failed: \(String(cString: strerror(errno)))")
                }
            }
        }
    }
}

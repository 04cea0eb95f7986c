import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Something that hands out bytes in chunks: a file, or a buffer already in memory.
public protocol ByteSource {
    /// Fills `buffer` with up to `buffer.count` bytes and returns how many were read; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// The bytes of an array, handed out in chunks.
public struct BufferByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    /// Creates a source over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Creates a source over the UTF-8 of `text`.
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Copies the next bytes into `buffer`; returns 0 at the end.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}

/// A file read sequentially through its descriptor; the file is closed when the source is released.
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let progress: ReadProgress?

    /// Opens the file at `path` for reading; `progress`, when given, counts the bytes read as they are.
    public init(path: String, progress: ReadProgress? = nil) throws {
        self.progress = progress
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ICalendarError(.readFailed, line: 0, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Copies the next bytes into `buffer`; returns 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                progress?.add(count)
                return count
            }
            if errno == EINTR { continue }
            throw ICalendarError(.readFailed, line: 0, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// How many bytes of a file have been read so far, shared between the reader and whoever shows progress.
public final class ReadProgress: Sendable {
    private let count = Atomic<Int>(0)

    /// A count at zero.
    public init() {}

    /// The bytes read so far.
    public var bytesRead: Int { count.load(ordering: .relaxed) }

    /// Counts `bytes` more.
    func add(_ bytes: Int) {
        count.add(bytes, ordering: .relaxed)
    }
}

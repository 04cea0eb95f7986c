#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The unconsumed bytes of a byte source, kept contiguous in one buffer that is refilled in chunks.
///
/// Offsets handed out are relative to `start`, so they stay valid when `fill()` moves the
/// unconsumed bytes to the front of the buffer or grows it.
final class ByteWindow {
    private var source: any ByteSource
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private let chunkSize: Int
    /// The absolute offset of the first unconsumed byte.
    private var start = 0
    /// The absolute offset one past the last byte read.
    private var end = 0
    /// Whether the source has reported its end.
    private(set) var isExhausted = false

    /// Creates an empty window over `source` that reads `chunkSize` bytes at a time.
    init(source: any ByteSource, chunkSize: Int) {
        self.source = source
        self.chunkSize = max(1, chunkSize)
        capacity = max(4096, self.chunkSize * 2)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// The number of unconsumed bytes in the buffer.
    var available: Int { end - start }

    /// The unconsumed bytes; valid until the next `fill()` or `consume(_:)`.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: end - start) }

    /// Drops the first `count` unconsumed bytes.
    func consume(_ count: Int) {
        start += count
    }

    /// Reads at least one more byte into the buffer; false when the source has no more.
    func fill() throws -> Bool {
        guard !isExhausted else { return false }
        if start > 0 {
            memmove(base, base + start, end - start)
            end -= start
            start = 0
        }
        if capacity - end < chunkSize {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, end + chunkSize))
            grown.initialize(from: base, count: end)
            base.deallocate()
            base = grown
            capacity = max(capacity * 2, end + chunkSize)
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: min(chunkSize, capacity - end)))
        guard count > 0 else {
            isExhausted = true
            return false
        }
        end += count
        return true
    }

    /// The unconsumed byte at `offset`, reading more when needed; nil past the end of the data.
    @inline(__always) func byte(at offset: Int) throws -> UInt8? {
        while offset >= available {
            guard try fill() else { return nil }
        }
        return base[start + offset]
    }
}

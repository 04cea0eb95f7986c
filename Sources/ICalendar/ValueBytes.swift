/// The raw values of the content lines of one component, in one buffer, so that reading a component
/// makes no string per property: a value becomes a `String` only when it is asked for.
///
/// Bytes are only ever appended, and a line refers to its own range, so lines already read stay
/// valid while more are appended. The reader appends while the component is still being read, and
/// only then hands the component out; afterwards the buffer is never written again, which is why it
/// may be shared between threads.
final class ValueBytes: @unchecked Sendable {
    /// The largest buffer made for one component; a component with more values gets further buffers.
    static let maximumCapacity = 1 << 24

    private let base: UnsafeMutablePointer<UInt8>
    /// How many bytes the buffer holds.
    let capacity: Int
    private var count = 0

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: max(capacity, 1))
    }

    deinit { base.deallocate() }

    /// Appends `bytes` and returns where they start, or nil when they do not fit.
    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let offset = count
        guard bytes.count <= capacity - offset else { return nil }
        if let source = bytes.baseAddress { (base + offset).update(from: source, count: bytes.count) }
        count = offset + bytes.count
        return Int32(offset)
    }

    /// Calls `body` with the `count` bytes at `offset`.
    func withBytes<Result>(offset: Int32, count: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base + Int(offset), count: Int(count)))
    }
}

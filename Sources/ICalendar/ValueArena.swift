/// Where a reader puts the values of one component: a `ValueBytes` sized from the components before it.
struct ValueArena {
    /// Whether a component is being read, so that values are to be stored here.
    private(set) var isOpen = false
    private var buffer: ValueBytes?
    private var used = 0
    private var estimate = 1024

    /// Starts a component.
    mutating func open() {
        isOpen = true
    }

    /// Copies `bytes` into the component's buffer; returns the buffer and where they start.
    @inline(__always) mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) -> (ValueBytes, Int32) {
        used += bytes.count
        if let buffer, let offset = buffer.append(bytes) { return (buffer, offset) }
        let wanted = min(max(estimate, 2 * (buffer?.capacity ?? 0)), ValueBytes.maximumCapacity)
        let fresh = ValueBytes(capacity: max(wanted, bytes.count))
        buffer = fresh
        return (fresh, fresh.append(bytes)!)
    }

    /// Ends the component: the next one gets a buffer of its own, as large as this one needed and a little more
    /// (up to 64 KiB; a larger component gets further buffers as it grows).
    mutating func close() {
        if used > 0 { estimate = min(used + used / 4 + 64, 1 << 16) }
        buffer = nil
        used = 0
        isOpen = false
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A row of a report that a long list of them can keep in a spool file (`SpooledList`).
public protocol SpoolRecord: Codable, Equatable, Sendable {
    /// The size of every record in bytes, when they are all alike (nil: each says its own, kept beside it).
    static var spoolSize: Int? { get }
    /// Appends the record's bytes.
    func spool(into bytes: inout SpoolBytes)
    /// Reads a record from what `spool(into:)` wrote.
    init(unspooling bytes: inout SpoolReader)
}

/// A report's rows, in report order: held in memory, or, for a job with many of them (the benchmark's 300,000 events
/// find 1.66 million conflicts), spooled to an unnamed file that is gone once the list is (`SpooledList.Writer`).
///
/// It reads, compares and encodes as an array of its rows.
public struct SpooledList<Element: SpoolRecord>: RandomAccessCollection, Equatable, Codable, Sendable, ExpressibleByArrayLiteral {
    /// Where a record of a spool is.
    private struct Place: Sendable {
        var offset: Int
        var length: Int
    }

    private enum Storage: Sendable {
        case memory([Element])
        /// A spool's records and, unless they are all alike, where each is, in list order.
        case spool(SpoolFile, count: Int, places: [Place]?)
    }

    private let storage: Storage

    /// The rows of `array`, held in memory.
    public init(_ array: [Element]) {
        storage = .memory(array)
    }

    /// The rows listed, held in memory.
    public init(arrayLiteral elements: Element...) {
        self.init(elements)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The first row's position: 0.
    public var startIndex: Int { 0 }

    /// The number of rows.
    public var endIndex: Int {
        switch storage {
        case .memory(let array): array.count
        case .spool(_, let count, _): count
        }
    }

    /// The row at `position`; a spool's is read from its file.
    public subscript(position: Int) -> Element {
        switch storage {
        case .memory(let array):
            return array[position]
        case .spool(let file, _, let places):
            let place = Self.place(of: position, places)
            var reader = SpoolReader(file.read(at: place.offset, length: place.length))
            return Element(unspooling: &reader)
        }
    }

    private static func place(of position: Int, _ places: [Place]?) -> Place {
        places?[position] ?? Place(offset: position * Element.spoolSize!, length: Element.spoolSize!)
    }

    /// Reads the rows in order; a spool's are read some 64 KB at a time, keeping the last two pieces read, so rows
    /// added out of their order (a series' items, applied once its last VEVENT is read) cost one more read, not one
    /// per row.
    public struct Iterator: IteratorProtocol {
        private let list: SpooledList
        private var position = 0
        /// The pieces read, the one read last first.
        private var chunks: [(offset: Int, bytes: [UInt8])] = []

        fileprivate init(_ list: SpooledList) {
            self.list = list
        }

        /// The next row, or nil after the last.
        public mutating func next() -> Element? {
            guard position < list.count else { return nil }
            defer { position += 1 }
            guard case .spool(let file, let count, let places) = list.storage else { return list[position] }
            let place = SpooledList.place(of: position, places)
            if let index = chunks.firstIndex(where: {
                place.offset >= $0.offset && place.offset + place.length <= $0.offset + $0.bytes.count
            }) {
                if index > 0 { chunks.swapAt(0, index) }
            } else {
                let fixed = Element.spoolSize.map { $0 * (count - position) } ?? .max
                let bytes = file.read(at: place.offset, length: Swift.max(place.length, Swift.min(1 << 16, fixed)))
                chunks = [(place.offset, bytes)] + chunks.prefix(1)
            }
            var reader = SpoolReader(chunks[0].bytes[(place.offset - chunks[0].offset)...])
            return Element(unspooling: &reader)
        }
    }

    /// Reads the rows from the first.
    public func makeIterator() -> Iterator {
        Iterator(self)
    }

    /// Whether both lists hold the same rows in the same order, wherever they are kept.
    public static func == (lhs: SpooledList, rhs: SpooledList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    /// Reads an array of rows into memory.
    public init(from decoder: any Decoder) throws {
        self.init(try [Element](from: decoder))
    }

    /// Writes the rows as an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for element in self { try container.encode(element) }
    }

    /// Collects rows: in memory up to `memoryLimit` of them, then in an unnamed file in `directory`; ordered by
    /// `sortKey` (rows of one key in the order added) when there is one.
    public struct Writer {
        private let directory: String
        private let memoryLimit: Int
        private let sortKey: ((Element) -> Int)?
        private var held: [Element] = []
        private var file: SpoolFile?
        private var count = 0
        private var pending = SpoolBytes()
        private var written = 0
        private var places: [Place] = []
        private var keys: [Int] = []

        /// A writer that spools past `memoryLimit` rows into an unnamed file in `directory` (by default the system's
        /// temporary directory: `TMPDIR`, else `/tmp`), and gives them in the order of `sortKey` when there is one.
        public init(directory: String? = nil, memoryLimit: Int = 16_384, sortKey: ((Element) -> Int)? = nil) {
            self.directory = directory ?? SpoolFile.temporaryDirectory
            self.memoryLimit = memoryLimit
            self.sortKey = sortKey
        }

        /// Adds `element`; throws `SpoolError` when the file cannot be made or written.
        public mutating func append(_ element: Element) throws {
            guard let file else {
                held.append(element)
                guard held.count > memoryLimit else { return }
                let spool = try SpoolFile(directory: directory)
                file = spool
                let rows = held
                held = []
                for row in rows { try add(row, to: spool) }
                return
            }
            try add(element, to: file)
        }

        private mutating func add(_ element: Element, to file: SpoolFile) throws {
            let start = pending.bytes.count
            element.spool(into: &pending)
            if Element.spoolSize == nil { places.append(Place(offset: written + start, length: pending.bytes.count - start)) }
            if let sortKey { keys.append(sortKey(element)) }
            count += 1
            if pending.bytes.count >= 1 << 16 { try flush(file) }
        }

        private mutating func flush(_ file: SpoolFile) throws {
            try file.write(pending.bytes, at: written)
            written += pending.bytes.count
            pending.bytes.removeAll(keepingCapacity: true)
        }

        /// The rows added, in order.
        public mutating func finish() throws -> SpooledList {
            guard let file else {
                guard let sortKey else { return SpooledList(held) }
                return SpooledList(
                    held.enumerated().sorted { (sortKey($0.element), $0.offset) < (sortKey($1.element), $1.offset) }.map(\.element))
            }
            try flush(file)
            guard sortKey != nil else { return SpooledList(storage: .spool(file, count: count, places: places.isEmpty ? nil : places)) }
            let order = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            let rows = Element.spoolSize.map { size in order.map { Place(offset: $0 * size, length: size) } } ?? order.map { places[$0] }
            return SpooledList(storage: .spool(file, count: count, places: rows))
        }
    }
}

/// Why a spool failed: the system's words.
public struct SpoolError: Error, CustomStringConvertible {
    /// What failed, and the system's reason.
    public let description: String
}

/// The bytes of spooled records being written.
public struct SpoolBytes {
    /// Everything written.
    public fileprivate(set) var bytes: [UInt8] = []

    /// Writes a 64-bit integer.
    public mutating func integer(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes a text, or its absence.
    public mutating func text(_ value: String?) {
        guard let value else { return integer(-1) }
        let utf8 = value.utf8
        integer(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads what `SpoolBytes` wrote, in the same order.
public struct SpoolReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    fileprivate init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    fileprivate init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// Reads a 64-bit integer.
    public mutating func integer() -> Int64 {
        defer { position += 8 }
        return bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: position - bytes.startIndex, as: Int64.self)) }
    }

    /// Reads a text, or its absence.
    public mutating func text() -> String? {
        let count = Int(integer())
        guard count >= 0 else { return nil }
        defer { position += count }
        return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
    }
}

/// An unnamed file of spooled records, unlinked as it is made and closed when the last list that reads it goes. It is
/// written before it is shared and read with `pread`, so several may read it at once.
private final class SpoolFile: Sendable {
    /// `TMPDIR`, else `/tmp`.
    static var temporaryDirectory: String {
        guard let directory = getenv("TMPDIR").map({ String(cString: $0) }), !directory.isEmpty else { return "/tmp" }
        return directory
    }

    private let descriptor: Int32

    /// Makes the file in `directory`; throws `SpoolError` when it cannot.
    init(directory: String) throws {
        var template = Array((directory + "/scheduledrop-spool-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Self.error("cannot make a spool file in \(directory)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let count = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw Self.error("cannot write a spool file") }
                done += count
            }
        }
    }

    /// Up to `length` bytes from `offset` (fewer at the end of the file). A spool that cannot be read back is a broken
    /// machine: it stops the process rather than report rows that are not there, and the job runs again.
    func read(at offset: Int, length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        let done = bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { fatalError("cannot read a spool file: \(String(cString: strerror(errno)))") }
                if count == 0 { break }
                done += count
            }
            return done
        }
        return Array(bytes[..<done])
    }

    private static func error(_ what: String) -> SpoolError {
        SpoolError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

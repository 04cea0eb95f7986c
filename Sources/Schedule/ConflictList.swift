#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A report's conflicts, in report order: held in memory, or, for a job that finds many (the benchmark's 300,000
/// events find 1.66 million), spooled to an unnamed file that is gone once the list is (`ConflictList.Writer`).
///
/// It reads, compares and encodes as an array of `ConflictReport`.
public struct ConflictList: RandomAccessCollection, Equatable, Codable, Sendable, ExpressibleByArrayLiteral {
    private enum Storage: Sendable {
        case memory([ConflictReport])
        case spool(Spool)
    }

    private let storage: Storage

    /// The conflicts of `array`, held in memory.
    public init(_ array: [ConflictReport]) {
        storage = .memory(array)
    }

    /// The conflicts listed, held in memory.
    public init(arrayLiteral elements: ConflictReport...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .memory(let array): array.count
        case .spool(let spool): spool.count
        }
    }

    public subscript(position: Int) -> ConflictReport {
        switch storage {
        case .memory(let array): array[position]
        case .spool(let spool): spool.read(from: position, count: 1)[0]
        }
    }

    /// Reads the conflicts in order, a spool's a few thousand at a time.
    public struct Iterator: IteratorProtocol {
        private let list: ConflictList
        private var position = 0
        private var batch: [ConflictReport] = []
        private var batchStart = 0

        fileprivate init(_ list: ConflictList) {
            self.list = list
        }

        public mutating func next() -> ConflictReport? {
            guard position < list.count else { return nil }
            defer { position += 1 }
            guard case .spool(let spool) = list.storage else { return list[position] }
            if position - batchStart >= batch.count {
                batchStart = position
                batch = spool.read(from: position, count: Swift.min(Spool.batch, list.count - position))
            }
            return batch[position - batchStart]
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(self)
    }

    public static func == (lhs: ConflictList, rhs: ConflictList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    /// Reads an array of conflicts into memory.
    public init(from decoder: any Decoder) throws {
        self.init(try [ConflictReport](from: decoder))
    }

    /// Writes the conflicts as an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for conflict in self { try container.encode(conflict) }
    }

    /// Collects conflicts in order: in memory up to `memoryLimit` of them, then in an unnamed file in `directory`.
    public struct Writer {
        private let directory: String
        private let memoryLimit: Int
        private var held: [ConflictReport] = []
        private var file: Spool?
        private var pending: [Int64] = []

        /// A writer that spools past `memoryLimit` conflicts into an unnamed file in `directory` (by default the
        /// system's temporary directory: `TMPDIR`, else `/tmp`).
        public init(directory: String? = nil, memoryLimit: Int = 16_384) {
            self.directory = directory ?? Spool.temporaryDirectory
            self.memoryLimit = memoryLimit
        }

        /// Adds `conflict` after those already added; throws `SpoolError` when the file cannot be made or written.
        public mutating func append(_ conflict: ConflictReport) throws {
            guard let file else {
                held.append(conflict)
                if held.count > memoryLimit {
                    let spool = try Spool(directory: directory)
                    file = spool
                    for conflict in held { pending += Spool.record(conflict) }
                    held = []
                    try flush(spool)
                }
                return
            }
            pending += Spool.record(conflict)
            if pending.count >= Spool.batch * Spool.fields { try flush(file) }
        }

        /// The conflicts added, in order.
        public mutating func finish() throws -> ConflictList {
            guard let file else { return ConflictList(held) }
            try flush(file)
            return ConflictList(storage: .spool(file))
        }

        private mutating func flush(_ spool: Spool) throws {
            try spool.append(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// Why a conflict spool failed: the system's words.
    public struct SpoolError: Error, CustomStringConvertible {
        public let description: String
    }

    /// An unnamed file of conflict records: five 64-bit integers each (event, other event, resource or `Int64.min` for
    /// none, start, end), read with `pread`, so one spool is read from several places at once safely. Its file is
    /// unlinked as it is made and closed when the spool goes.
    private final class Spool: @unchecked Sendable {
        /// Records read or written at a time.
        static let batch = 4_096
        /// Integers per record.
        static let fields = 5

        static var temporaryDirectory: String {
            guard let directory = getenv("TMPDIR").map({ String(cString: $0) }), !directory.isEmpty else { return "/tmp" }
            return directory
        }

        private let descriptor: Int32
        /// Records written; only the writer changes it, before the spool is shared.
        private(set) var count = 0

        init(directory: String) throws {
            var template = Array((directory + "/scheduledrop-conflicts-XXXXXX").utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw Self.error("cannot make a conflict spool in \(directory)") }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            self.descriptor = descriptor
        }

        deinit {
            close(descriptor)
        }

        static func record(_ conflict: ConflictReport) -> [Int64] {
            [conflict.eventId, conflict.otherEventId, conflict.resourceId ?? .min, conflict.start, conflict.end]
        }

        /// Writes `integers` (whole records) after the records already written.
        func append(_ integers: [Int64]) throws {
            try integers.withUnsafeBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let offset = off_t(count * Self.fields * 8 + done)
                    let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { throw Self.error("cannot write the conflict spool") }
                    done += written
                }
            }
            count += integers.count / Self.fields
        }

        /// The `count` records from `first` on. A spool that cannot be read back is a broken machine: it stops the
        /// process rather than report conflicts that are not there.
        func read(from first: Int, count: Int) -> [ConflictReport] {
            var integers = [Int64](repeating: 0, count: count * Self.fields)
            integers.withUnsafeMutableBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let read = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(first * Self.fields * 8 + done))
                    if read < 0 && errno == EINTR { continue }
                    guard read > 0 else { fatalError("cannot read the conflict spool: \(String(cString: strerror(errno)))") }
                    done += read
                }
            }
            return (0..<count).map { index in
                let record = integers[(index * Self.fields)...]
                let base = record.startIndex
                return ConflictReport(
                    eventId: record[base], otherEventId: record[base + 1], resourceId: record[base + 2] == .min ? nil : record[base + 2],
                    start: record[base + 3], end: record[base + 4])
            }
        }

        private static func error(_ what: String) -> SpoolError {
            SpoolError(description: "\(what): \(String(cString: strerror(errno)))")
        }
    }
}

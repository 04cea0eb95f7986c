import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches one directory with inotify and reports its changes as `FolderChange`s.
///
/// A dedicated thread waits on the descriptor (never the cooperative pool); the watch ends
/// when the stream's consumer goes away.
final class Inotify: Sendable {
    /// The events watched: a write closed, a move in or out, a create, a delete, an attribute change.
    static let mask =
        UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        | UInt32(IN_DELETE_SELF | IN_MOVE_SELF)

    private let descriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// Starts watching `directory`.
    init(directory: String) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw FolderError(.watchFailed, "inotify_init1: \(String(cString: strerror(errno)))") }
        guard inotify_add_watch(fd, directory, Self.mask) >= 0 else {
            let code = errno
            close(fd)
            throw FolderError(code == ENOENT ? .notFound : .watchFailed, "cannot watch \(directory): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The changes from now on; the watching thread stops when the stream terminates.
    func changes() -> AsyncStream<FolderChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: FolderChange.self, bufferingPolicy: .bufferingNewest(4096))
        continuation.onTermination = { [self] _ in stopped.store(true, ordering: .relaxed) }
        let thread = Thread { [self] in
            readLoop(continuation)
            continuation.finish()
        }
        thread.name = "inotify"
        thread.start()
        return stream
    }

    private func readLoop(_ continuation: AsyncStream<FolderChange>.Continuation) {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while !stopped.load(ordering: .relaxed) {
            let ready = poll(&poller, 1, 200)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
            let count = read(descriptor, buffer, size)
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return
            }
            var offset = 0
            while offset + 16 <= count {
                let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                let namePointer = (buffer + offset + 16).assumingMemoryBound(to: CChar.self)
                // A name that is not UTF-8 is left to the listing, which records it under its escaped form.
                let name = length > 0 ? String(validatingCString: namePointer) : ""
                offset += 16 + length
                if let name, let change = Self.change(mask: mask, name: name) { continuation.yield(change) }
            }
        }
    }

    /// The change an event stands for, or nil for events of no interest.
    static func change(mask: UInt32, name: String) -> FolderChange? {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return .overflow }
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 { return .overflow }
        guard !name.isEmpty, mask & UInt32(IN_ISDIR) == 0 else { return nil }
        if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 { return .removed(name) }
        return .changed(name)
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection to the feed driven byte by byte, for what an HTTP client library will not do: hold a connection
/// idle, send a head slowly, stream a body the server refuses. Its calls block: run them with `offPool`.
final class RawConnection: Sendable {
    private let socket: Int32

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // A send the server never reads gives up after a minute instead of hanging the test.
        var sendTimeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(socket)
            throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO)
        }
    }

    deinit { close(socket) }

    /// Sends `bytes` whole; false once the server has closed (or reset) the connection.
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Sends `text` whole; false once the server has closed the connection.
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// What the server sends until it closes (or resets) the connection, or nil if it is still open after `timeout`.
    func readUntilClosed(timeout: Duration) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard let chunk = receive() else { continue }
            if chunk.isEmpty { return received }
            received += chunk
        }
        return nil
    }

    /// Reads one response whose head gives its `Content-Length`; nil if it has not come whole within `timeout`.
    func readResponse(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count - end.upperBound >= length { return String(decoding: received, as: UTF8.self) }
            }
            guard let chunk = receive() else { continue }
            if chunk.isEmpty { return nil }
            received += chunk
        }
        return nil
    }

    /// Whether the server closed the connection (a read would give the end of the stream or a reset), without reading.
    var isClosedByServer: Bool {
        guard isReadable(within: .zero) else { return false }
        var byte: UInt8 = 0
        let count = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// What arrives within 50 ms: the bytes; empty at the end of the stream or a reset; nil when nothing came.
    private func receive() -> [UInt8]? {
        guard isReadable(within: .milliseconds(50)) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EINTR { return nil }
        return Array(buffer[..<max(count, 0)])
    }

    private func isReadable(within timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}

import Foundation
import ScheduleFeed
import TestSupport
import Testing

/// The feed's limits on a real socket: the idle and header timeouts, the body read before the caller is known, and
/// the connection cap. The limits are small; only generous upper bounds on time are asserted.
@Suite("Connection limits", .serialized)
struct FeedConnectionTests {
    static let healthz = "GET /healthz HTTP/1.1\r\nHost: feed\r\n\r\n"

    /// Limits with long timeouts (so that only the one a test sets short can close its connection).
    static func limits(
        idle: Duration = .seconds(600), header: Duration = .seconds(600), connections: Int = 512, unauthenticatedBytes: Int = 256 * 1024
    ) -> FeedLimits {
        var limits = FeedLimits()
        limits.idleTimeout = idle
        limits.headerTimeout = header
        limits.maximumConnections = connections
        limits.maximumUnauthenticatedBodyBytes = unauthenticatedBytes
        return limits
    }

    @Test("a kept-alive connection with no request in progress is closed after the idle timeout")
    func idleConnectionIsClosed() async throws {
        let harness = try await FeedHarness(limits: Self.limits(idle: .seconds(1)), watchFolder: false)
        let port = harness.port
        let (served, closed) = try await offPool {
            let connection = try RawConnection(port: port)
            let served = connection.send(Self.healthz) && connection.readResponse(timeout: .seconds(60))?.hasPrefix("HTTP/1.1 200") == true
            return (served, connection.readUntilClosed(timeout: .seconds(60)) != nil)
        }
        #expect(served)
        #expect(closed, "the idle connection was still open a minute later")
        await harness.stop()
    }

    @Test("a head sent a byte at a time is cut off after the header timeout, though each byte comes within the idle timeout")
    func slowHeadIsCutOff() async throws {
        let harness = try await FeedHarness(limits: Self.limits(idle: .seconds(600), header: .seconds(1)), watchFolder: false)
        let port = harness.port
        let cutOff = try await offPool {
            let connection = try RawConnection(port: port)
            let start = Array("GET /healthz HTTP/1.1\r\nHost: feed\r\nX-Padding: ".utf8)
            let deadline = ContinuousClock.now + .seconds(60)
            var sent = 0
            while ContinuousClock.now < deadline {
                if connection.isClosedByServer || !connection.send([sent < start.count ? start[sent] : UInt8(ascii: "a")]) { return true }
                sent += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        #expect(cutOff, "a head trickled for a minute was still being read")
        await harness.stop()
    }

    @Test("an unauthenticated body is cut off after about the unauthenticated limit, and memory does not grow with what is sent")
    func unauthenticatedBodyIsCutOff() async throws {
        let harness = try await FeedHarness(
            maximumUploadBytes: 64 << 20, limits: Self.limits(unauthenticatedBytes: 64 * 1024), watchFolder: false)
        let port = harness.port
        let declared = 48 << 20
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)  // the peak RSS starts over
        let before = try Self.memory("VmRSS")
        let sent = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await offPool { try Self.stream(declared, to: port) } } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let peak = try Self.memory("VmHWM")
        for count in sent {
            #expect(count < 16 << 20, "\(count) of \(declared) bytes were taken before the connection was closed")
        }
        #expect(peak - before < 48 << 20, "the peak RSS grew by \(peak - before) bytes while \(sent.reduce(0, +)) were sent")
        await harness.stop()
    }

    @Test("connections beyond the cap are not served until one closes")
    func connectionsBeyondTheCapWait() async throws {
        let harness = try await FeedHarness(limits: Self.limits(connections: 2), watchFolder: false)
        let port = harness.port
        let (served, waited, servedLater) = try await offPool {
            var held = [try RawConnection(port: port), try RawConnection(port: port)]
            let served = held.allSatisfy { $0.send(Self.healthz) && $0.readResponse(timeout: .seconds(60)) != nil }
            let extra = try RawConnection(port: port)
            let waited = extra.send(Self.healthz) && extra.readResponse(timeout: .seconds(1)) == nil
            held.removeFirst()
            return (served, waited, extra.readResponse(timeout: .seconds(60)) != nil)
        }
        #expect(served)
        #expect(waited, "a third connection was served while two were open")
        #expect(servedLater, "the third connection was not served after one of the two closed")
        await harness.stop()
    }

    /// Sends the head of an upload without a KS declaring `length` bytes, then its body until the server stops
    /// taking it; gives the bytes of the body sent.
    static func stream(_ length: Int, to port: Int) throws -> Int {
        let connection = try RawConnection(port: port)
        let head =
            "POST /api_v3/service/schedule_scheduleevent/action/addFromBulkUpload?format=1 HTTP/1.1\r\nHost: feed\r\n"
            + "Content-Type: text/calendar\r\nContent-Length: \(length)\r\n\r\n"
        guard connection.send(head) else { return 0 }
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var sent = 0
        while sent < length, connection.send(chunk) { sent += chunk.count }
        return sent
    }

    /// A size from /proc/self/status (`VmRSS`, `VmHWM`), in bytes.
    static func memory(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        let kilobytes = try #require(Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).dropLast(3)))
        return kilobytes * 1024
    }
}
